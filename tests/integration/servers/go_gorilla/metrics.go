// Prometheus text for the gorilla/websocket echo server's GET /metrics: /proc/self and Go's runtime.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
)

func gauge(w io.Writer, name, help string, value uint64) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n%s %d\n", name, help, name, name, value)
}

func residentBytes() uint64 {
	statm, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(statm))
	if len(fields) < 2 {
		return 0
	}
	pages, _ := strconv.ParseUint(fields[1], 10, 64)
	return pages * uint64(os.Getpagesize())
}

func openFds() uint64 {
	// The directory listing holds one descriptor of its own while it reads.
	entries, _ := os.ReadDir("/proc/self/fd")
	return uint64(len(entries))
}

func writeMetrics(w io.Writer) {
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	gauge(w, "process_resident_memory_bytes", "Resident memory size in bytes.", residentBytes())
	gauge(w, "process_open_fds", "Number of open file descriptors.", openFds())
	gauge(w, "go_memstats_heap_inuse_bytes", "Bytes in in-use heap spans.", mem.HeapInuse)
	// A leaked ticker goroutine stays in this count.
	gauge(w, "go_goroutines", "Number of goroutines that currently exist.", uint64(runtime.NumGoroutine()))
}
