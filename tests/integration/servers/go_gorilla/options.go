// The echo servers' shared command line (../README.md), parsed for the gorilla/websocket server.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

type options struct {
	port      int
	heartbeat time.Duration // 0: never ping
	leakBytes int
	leakFd    bool
	leakTask  bool
	leakOn    string
	verbose   bool
}

func parseOptions() options {
	var o options
	var heartbeatSeconds float64
	var noHeartbeat bool
	flag.IntVar(&o.port, "port", 0, "listen on 127.0.0.1:P (0: a free port)")
	flag.Float64Var(&heartbeatSeconds, "heartbeat", 5, "ping every peer this often (seconds); drop silent ones")
	flag.BoolVar(&noHeartbeat, "no-heartbeat", false, "bug: never ping")
	flag.IntVar(&o.leakBytes, "leak-bytes", 0, "bug: keep N bytes per connection the bug hits")
	flag.BoolVar(&o.leakFd, "leak-fd", false, "bug: keep a log file handle per connection the bug hits")
	flag.BoolVar(&o.leakTask, "leak-task", false, "bug: leave a ticker goroutine per connection the bug hits")
	flag.StringVar(&o.leakOn, "leak-on", "abrupt", "which ends the bugs hit: abrupt or clean")
	flag.BoolVar(&o.verbose, "verbose", false, "one stderr line per ended connection")
	flag.Parse()
	if o.port < 0 || o.leakBytes < 0 || heartbeatSeconds < 0 || (o.leakOn != "abrupt" && o.leakOn != "clean") ||
		flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "bad arguments: ports, sizes and seconds are >= 0, --leak-on is abrupt or clean")
		flag.Usage()
		os.Exit(2)
	}
	// --heartbeat 0 means off, like --no-heartbeat, rather than pinging in a busy loop.
	if !noHeartbeat {
		o.heartbeat = time.Duration(heartbeatSeconds * float64(time.Second))
	}
	return o
}
