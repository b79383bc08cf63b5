"""A hostile WebSocket server: misbehaves in one chosen way, and records how the client got out of it.

Built on the wire oracle (wire_oracle.py), so the record of each connection is the oracle's: the
frames the client sent after the misbehaviour (a Close frame and its code, or nothing), partial
frames, and whether TCP ended by the client's FIN or RST. Standard library only.

Usage: python3 hostile_server.py --out FILE --misbehave NAME [--events]
Prints "listening on ws://127.0.0.1:PORT/" once ready and, like the oracle, writes FILE at SIGTERM.

The first connection of a run is wsloadgen's preflight (a bare TCP connect, no request); every
misbehaviour lets it through, because it happens only once a request (or a 101) is due.

Misbehaviours (NAME):
  refuse-after-preflight  accept one connection (the preflight), then close the listening socket
  accept-late             an accept queue of one, filled by the preflight and left unaccepted for 0.5 s: the
                          connects after it wait in SYN_SENT (their SYNs dropped) and complete on the client's
                          retransmission 1 s later; from then on a normal server
  silent                  read the upgrade request and never answer it
  status=CODE             answer CODE (e.g. 200, 403, 500) instead of 101, and keep TCP open
  bad-accept              a 101 whose Sec-WebSocket-Accept is wrong
  unoffered-subprotocol   a 101 selecting a subprotocol the client did not offer
  reserved-opcode         a valid 101, then a frame with opcode 0x3
  rsv-bits                a valid 101, then a text frame with RSV1 set (no extension was negotiated)
  masked-frame            a valid 101, then a masked text frame (servers must not mask)
  long-control-frame      a valid 101, then a ping announcing 126 bytes (control frames carry <= 125)
  huge-length             a valid 101, then a binary frame announcing 1 GiB, then payload bytes without end
  truncated-frame         a valid 101, then half of a 100-byte binary frame, then FIN
  flood                   a valid 101, then 16 KiB binary messages as fast as the socket takes them, forever
huge-length and flood never stop sending: the client's Close is recorded but never answered, so the
client must end TCP itself (and keep reading, or not, without its memory growing). Every other
misbehaviour answers a client's Close like the oracle does. Records of streaming connections carry
"streamed_bytes": how much the server got onto the wire, and their frames' "t" is when the kernel received
the bytes that completed the frame (SO_TIMESTAMPNS), not when this busy loop got round to reading them: the
tests time the client's give-up from its Close, and a server that streams is the one most likely to read late.
"""
import argparse
import json
import selectors
import signal
import socket
import struct
import sys
import time

from wire_oracle import (Behaviour, OP_BINARY, OP_CLOSE, OP_PING, OP_TEXT, Oracle, RECV_CHUNK, accept_key,
                         encode_frame, parse_request_head, raise_fd_limit, switching_protocols_response)

FRAME_MISBEHAVIOURS = {
    "reserved-opcode": struct.pack("!BB", 0x80 | 0x3, 2) + b"hi",
    "rsv-bits": struct.pack("!BB", 0x80 | 0x40 | OP_TEXT, 2) + b"hi",
    "masked-frame": struct.pack("!BB", 0x80 | OP_TEXT, 0x80 | 2) + b"\x01\x02\x03\x04" + bytes([ord("h") ^ 1, ord("i") ^ 2]),
    "long-control-frame": struct.pack("!BBH", 0x80 | OP_PING, 126, 126) + b"p" * 126,
    "truncated-frame": struct.pack("!BB", 0x80 | OP_BINARY, 100) + b"t" * 50,
}
HUGE_LENGTH = 1 << 30
STREAM_CHUNK = 64 * 1024
FLOOD_MESSAGE = encode_frame(OP_BINARY, b"f" * (16 * 1024))
STATUS_REASONS = {200: "OK", 403: "Forbidden", 404: "Not Found", 500: "Internal Server Error"}
ACCEPT_DELAY = 0.5  # accept-late: seconds from the preflight's arrival to the first accept
SIMPLE_NAMES = ("refuse-after-preflight", "accept-late", "silent", "bad-accept", "unoffered-subprotocol",
                "huge-length", "flood", *FRAME_MISBEHAVIOURS)


SO_TIMESTAMPNS = 35  # Linux; Python's socket module does not name it


def kernel_arrival(conn, ancillary):
    """The kernel's receive time of the last bytes read (CLOCK_REALTIME in the control message), on the record's
    clock (seconds since the accept, monotonic); the read's own time when the kernel gave none."""
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(data) >= 16:
            seconds, nanoseconds = struct.unpack("qq", data[:16])
            realtime_to_monotonic = time.monotonic() - time.time()
            return round(seconds + nanoseconds / 1e9 + realtime_to_monotonic - conn.accepted_mono, 6)
    return conn.now()


def parse_misbehaviour(name):
    """(name, status code or None); ValueError for an unknown name."""
    if name.startswith("status="):
        return "status", int(name.split("=", 1)[1])
    if name not in SIMPLE_NAMES:
        raise ValueError(f"unknown misbehaviour {name!r}")
    return name, None


def status_response(code):
    return (f"HTTP/1.1 {code} {STATUS_REASONS.get(code, 'Nope')}\r\nContent-Length: 0\r\n\r\n").encode("latin-1")


def bad_accept_response(headers):
    good = accept_key(headers["sec-websocket-key"])
    wrong = good[1:] + good[0]  # the right characters in the wrong order: well-formed, but not the value
    return switching_protocols_response(headers, None).replace(good.encode(), wrong.encode())


class HostileServer(Oracle):
    def __init__(self, misbehaviour, announce_events):
        super().__init__(Behaviour([]), announce_events)
        self.misbehaviour, self.status = parse_misbehaviour(misbehaviour)
        self.streaming = self.misbehaviour in ("huge-length", "flood")
        self.accept_from = None  # accept-late: when accepting begins (monotonic seconds)
        if self.misbehaviour == "accept-late":
            self.listener.listen(0)  # Linux queues backlog + 1 connections: the preflight alone

    def accept_all(self):
        if self.misbehaviour == "accept-late" and self.accept_from is None:
            # The preflight is queued. Not reading the listener until accept_from keeps this loop from spinning.
            self.accept_from = time.monotonic() + ACCEPT_DELAY
            self.selector.unregister(self.listener)
            return
        known = len(self.connections)
        super().accept_all()
        if self.streaming:
            for conn in self.connections[known:]:
                conn.sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
                conn.received_total, conn.arrivals = 0, []
        if self.misbehaviour == "refuse-after-preflight" and self.connections and self.listener.fileno() >= 0:
            # From now on the port refuses: connects get an RST, as from a server that went away.
            self.selector.unregister(self.listener)
            self.listener.close()

    def run_due_timers(self):
        super().run_due_timers()
        if self.accept_from is not None and time.monotonic() >= self.accept_from:
            self.accept_from = float("inf")  # once
            self.listener.listen(4096)  # room for the retransmitted SYNs, which arrive together
            self.selector.register(self.listener, selectors.EVENT_READ, None)

    def consume_request(self, conn):
        end = conn.inbuf.find(b"\r\n\r\n")
        if end < 0:
            return super().consume_request(conn)  # records the partial request
        rec = conn.record
        head = bytes(conn.inbuf[:end])
        del conn.inbuf[:end + 4]
        rec["request_bytes"], rec["request_complete"] = end + 4, True
        rec["request_line"], rec["request_headers"] = parse_request_head(head)
        # Whatever the client sends from here on is parsed and recorded as frames.
        conn.websocket = True
        self.misbehave(conn, rec["request_headers"])

    def misbehave(self, conn, headers):
        kind = self.misbehaviour
        if kind == "silent":
            return
        if kind == "status":
            conn.queue(status_response(self.status), lambda: None)
        elif kind == "bad-accept":
            conn.queue(bad_accept_response(headers), lambda: None)
        elif kind == "unoffered-subprotocol":
            conn.queue(switching_protocols_response(headers, "hostile.v1"), lambda: None)
        else:
            conn.queue(switching_protocols_response(headers, None),
                       lambda: conn.record.update(handshake_completed=True))
            if kind in FRAME_MISBEHAVIOURS:
                conn.queue(FRAME_MISBEHAVIOURS[kind], lambda: None)
                if kind == "truncated-frame":
                    conn.shutdown_after_flush = True
            elif kind == "huge-length":
                conn.queue(struct.pack("!BBQ", 0x80 | OP_BINARY, 127, HUGE_LENGTH), lambda: None)
                self.stream(conn, bytes(STREAM_CHUNK))
            elif kind == "flood":
                self.stream(conn, FLOOD_MESSAGE * 4)
        self.flush(conn)

    def stream(self, conn, chunk):
        """Keep `chunk` queued for ever: each time one leaves, the next is queued (one chunk in memory)."""
        rec = conn.record
        rec.setdefault("streamed_bytes", 0)

        def again():
            rec["streamed_bytes"] += len(chunk)
            if not conn.ended:
                conn.queue(chunk, again)
        conn.queue(chunk, again)

    # -- when the kernel received what the client sent (streaming connections only)

    def read_available(self, conn):
        if not self.streaming:
            return super().read_available(conn)
        while True:
            try:
                chunk, ancillary, _, _ = conn.sock.recvmsg(RECV_CHUNK, socket.CMSG_SPACE(16))
            except (BlockingIOError, InterruptedError):
                return None
            except ConnectionResetError:
                return "rst"
            except BrokenPipeError:
                return "fin"
            if not chunk:
                return "fin"
            conn.inbuf += chunk
            conn.received_total += len(chunk)
            conn.arrivals.append((conn.received_total, kernel_arrival(conn, ancillary)))

    def consume_frames(self, conn):
        if self.streaming:
            # Where the unparsed bytes start in the stream, so that each frame finds the read that completed it.
            conn.parse_offset = conn.received_total - len(conn.inbuf)
        super().consume_frames(conn)

    def record_frame(self, conn, header, payload):
        super().record_frame(conn, header, payload)
        if not self.streaming:
            return
        frame = conn.record["frames"][-1]
        conn.parse_offset += conn.last_frame_bytes
        arrived = next((t for end, t in conn.arrivals if end >= conn.parse_offset), None)
        if arrived is not None:
            if conn.record["client_close_t"] == frame["t"] and header["opcode"] == OP_CLOSE:
                conn.record["client_close_t"] = arrived
            frame["t"] = arrived

    def on_client_close(self, conn, header, payload):
        if self.streaming:
            conn.close_received = True  # recorded by record_frame; a flooding server does not stop to answer
            return
        super().on_client_close(conn, header, payload)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--misbehave", required=True, metavar="NAME")
    parser.add_argument("--events", action="store_true", help="print one line per finished connection")
    args = parser.parse_args(argv)
    try:
        server = HostileServer(args.misbehave, args.events)
    except ValueError as e:
        parser.error(str(e))
    raise_fd_limit()

    def stop(signum, frame):
        server.stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"listening on ws://127.0.0.1:{server.port}/", flush=True)
    server.serve()
    server.shutdown()
    report = server.report()
    report["misbehaviour"] = args.misbehave
    with open(args.out, "w") as f:
        json.dump(report, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
