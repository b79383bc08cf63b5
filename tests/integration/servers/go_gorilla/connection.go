// One WebSocket connection of the gorilla/websocket echo server: echo, heartbeat, and how its end is classified.
package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/gorilla/websocket"
)

func serveConnection(conn *websocket.Conn, ss *sessions, o options) {
	se := ss.open()
	stopPinging := make(chan struct{})
	if o.heartbeat > 0 {
		// The heartbeat as gorilla's examples do it: the read deadline is two periods ahead and every pong
		// moves it on, so a peer that leaves a ping unanswered until the next one fails the read with a
		// timeout, and the connection is then closed without a Close frame.
		conn.SetReadDeadline(time.Now().Add(2 * o.heartbeat))
		conn.SetPongHandler(func(string) error { return conn.SetReadDeadline(time.Now().Add(2 * o.heartbeat)) })
		go ping(conn, o.heartbeat, stopPinging)
	}
	var err error
	for {
		var kind int
		var data []byte
		if kind, data, err = conn.ReadMessage(); err != nil {
			break
		}
		// A failed write (the peer is gone) shows up again on the next read, which ends the loop.
		conn.WriteMessage(kind, data)
	}
	close(stopPinging)
	conn.Close()

	// gorilla answers a Close frame itself and returns it as a *CloseError; a bare end of stream is a
	// *CloseError too, but with 1006. A reset, a protocol error or the deadline are plain errors.
	var closeErr *websocket.CloseError
	var netErr net.Error
	clean := errors.As(err, &closeErr) && closeErr.Code != websocket.CloseAbnormalClosure
	byHeartbeat := !clean && errors.As(err, &netErr) && netErr.Timeout()
	if o.verbose {
		fmt.Fprintf(os.Stderr, "ended %d: %T %v\n", se.id, err, err)
	}
	if clean {
		ss.endedByCloseHandshake(se)
	} else {
		ss.endedAbruptly(se, byHeartbeat)
	}
}

// ping sends a Ping every period until stop is closed; WriteControl may run beside the echo's writes.
func ping(conn *websocket.Conn, period time.Duration, stop <-chan struct{}) {
	ticker := time.NewTicker(period)
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C:
			conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(period))
		case <-stop:
			return
		}
	}
}
