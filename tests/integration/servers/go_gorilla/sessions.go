// Per-connection state of the gorilla/websocket echo server, where its leak bugs live, and its account.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

type session struct {
	id     uint64
	ended  bool
	buffer []byte
	log    *os.File
	stop   chan struct{} // closed by release(): ends the ticker goroutine
	ticks  atomic.Int64
}

type sessions struct {
	opts options
	// The bugs only exist while a leak flag is on: the healthy server releases on both ends.
	skipReleaseOn string
	// --leak-fd's handles are on this one log file, which every connection opens for itself.
	logPath string

	mu     sync.Mutex
	live   map[uint64]*session // registered at the upgrade, deleted by release()
	nextID uint64
	// What the SIGTERM account reports.
	connections, closedClean, closedAbrupt, droppedByHeartbeat int
}

func newSessions(o options) *sessions {
	s := &sessions{opts: o, live: map[uint64]*session{},
		logPath: filepath.Join(os.TempDir(), fmt.Sprintf("wsecho-go-gorilla-%d.log", os.Getpid()))}
	if o.leakBytes > 0 || o.leakFd || o.leakTask {
		s.skipReleaseOn = o.leakOn
	}
	return s
}

// open is called once the upgrade succeeded: what a real server sets up per connection.
func (s *sessions) open() *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	s.connections++
	se := &session{id: s.nextID}
	if s.opts.leakBytes > 0 {
		// Filled rather than zeroed, so every page is written and counts in RSS.
		se.buffer = make([]byte, s.opts.leakBytes)
		for i := range se.buffer {
			se.buffer[i] = 0xa5
		}
	}
	if s.opts.leakFd {
		// A per-connection handle on the server's log; *os.File closes itself only once unreachable,
		// and the live map keeps it reachable.
		f, err := os.OpenFile(s.logPath, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err == nil {
			fmt.Fprintf(f, "connection %d opened\n", se.id)
			se.log = f
		}
	}
	if s.opts.leakTask {
		se.stop = make(chan struct{})
		go se.tick()
	}
	s.live[se.id] = se
	return se
}

// tick is the connection's stats ticker: a goroutine that lives until release() closes stop.
func (se *session) tick() {
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C:
			se.ticks.Add(1)
		case <-se.stop:
			return
		}
	}
}

// endedByCloseHandshake: ReadMessage returned the client's Close (gorilla has answered it).
func (s *sessions) endedByCloseHandshake(se *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	se.ended = true
	s.closedClean++
	if s.skipReleaseOn != "clean" {
		s.release(se)
	}
}

// endedAbruptly: any other read error (EOF as 1006, a reset, a protocol error, the heartbeat's deadline),
// the path real code forgets.
func (s *sessions) endedAbruptly(se *session, byHeartbeat bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	se.ended = true
	s.closedAbrupt++
	if byHeartbeat {
		s.droppedByHeartbeat++
	}
	if s.skipReleaseOn != "abrupt" {
		s.release(se)
	}
}

func (s *sessions) release(se *session) {
	if se.stop != nil {
		close(se.stop)
		se.stop = nil
	}
	if se.log != nil {
		se.log.Close()
		se.log = nil
	}
	se.buffer = nil
	delete(s.live, se.id)
}

type account struct {
	Runtime            string `json:"runtime"`
	Connections        int    `json:"connections"`
	ClosedClean        int    `json:"closed_clean"`
	ClosedAbrupt       int    `json:"closed_abrupt"`
	Open               int    `json:"open"`
	LeakedBytes        int    `json:"leaked_bytes"`
	LeakedFds          int    `json:"leaked_fds"`
	LeakedTasks        int    `json:"leaked_tasks"`
	DroppedByHeartbeat int    `json:"dropped_by_heartbeat"`
}

// account is counted from the sessions still held after their connection ended, not from the flags.
func (s *sessions) account() account {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := account{Runtime: "go-gorilla", Connections: s.connections, ClosedClean: s.closedClean,
		ClosedAbrupt: s.closedAbrupt, Open: s.connections - s.closedClean - s.closedAbrupt,
		DroppedByHeartbeat: s.droppedByHeartbeat}
	for _, se := range s.live {
		if !se.ended {
			continue
		}
		a.LeakedBytes += len(se.buffer)
		if se.log != nil {
			a.LeakedFds++
		}
		if se.stop != nil {
			a.LeakedTasks++
		}
	}
	return a
}

func (s *sessions) removeLog() {
	os.Remove(s.logPath)
}
