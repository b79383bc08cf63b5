// An echo server on gorilla/websocket with switchable, realistic leak bugs (the contract: ../README.md).
package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/gorilla/websocket"
)

func main() {
	o := parseOptions()
	ss := newSessions(o)
	upgrader := websocket.Upgrader{} // the library's defaults, as a team would start

	mux := http.NewServeMux()
	// GET /metrics is plain HTTP on the same port; every other path is an upgrade.
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		writeMetrics(w)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		conn, err := upgrader.Upgrade(w, r, nil) // on failure it has answered with an HTTP error
		if err != nil {
			return
		}
		serveConnection(conn, ss, o)
	})

	listener, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", o.port))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	terminate := make(chan os.Signal, 1)
	signal.Notify(terminate, syscall.SIGTERM)
	// os.Stdout is unbuffered, so the line is out as soon as this returns.
	fmt.Printf("listening on ws://127.0.0.1:%d/\n", listener.Addr().(*net.TCPAddr).Port)
	go http.Serve(listener, mux)

	<-terminate
	line, _ := json.Marshal(ss.account())
	ss.removeLog()
	fmt.Printf("%s\n", line)
	os.Exit(0)
}
