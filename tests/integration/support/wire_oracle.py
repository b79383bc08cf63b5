"""The wire oracle: a raw-socket WebSocket echo server that records what each client really put on the wire.

The close-pattern tests judge wsloadgen by what a server receives — frames, Close codes and reasons, and
whether TCP ended with FIN or RST — never by the generator's own account. This server is written on the
standard library only (one thread, non-blocking sockets, epoll via selectors) so nothing between the
wire and the record can hide or repair a byte.

Usage: python3 wire_oracle.py --out FILE [--mode MODE]... [--events]
Prints "listening on ws://127.0.0.1:PORT/" once ready, serves until SIGTERM/SIGINT, then writes FILE
(JSON, schema below) and exits 0. With --events it also prints one line per finished connection:
    ended {"index": I, "peer_port": P, "tcp_end": "fin"}

Modes (repeatable): close-reply (default), no-close-reply, server-close-after=SECONDS, no-reply-to-ping,
leak-on-abort (a connection whose client left without a Close frame is never closed: its socket stays
in CLOSE_WAIT and its fd open, the classic unreleased-socket leak, as a positive control for the monitor).
Three modes misbehave when data follows a client's Close frame, which RFC 6455 has a server discard:
close-reply-after=SECONDS (answer the Close only after SECONDS), echo-after-close (echo data frames that
follow the Close; with close-reply-after they are echoed until the answer goes), and 1002-on-data-after-close
(answer the Close only if nothing follows it in the same read, and answer data after it with a Close 1002).

FILE: {"version": 1, "modes": [...], "port": P, "started_at": MONO, "connections": [record, ...]}
in accept order; see new_record() for a record's fields and record_frame() for a frame's.
"""
import argparse
import base64
import collections
import hashlib
import heapq
import json
import resource
import selectors
import signal
import socket
import struct
import sys
import time

WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OP_CONTINUATION, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0, 1, 2, 8, 9, 10
DATA_OPCODES = (OP_CONTINUATION, OP_TEXT, OP_BINARY)
CLOSE_LINGER_SECONDS = 2.0          # how long the server waits for the peer's FIN after its own
MAX_REQUEST_HEAD = 64 * 1024        # a request head larger than this is refused with 400
RECV_CHUNK = 65536
# The most one connection may send in one turn of the loop. A server that streams without end (hostile_server.py)
# to a client that reads as fast as it writes would otherwise never leave flush(), and the client's Close would be
# read, and timed, only when the loop came back: on a busy host, a quarter of a second late.
SEND_BUDGET_PER_TURN = 256 * 1024


# ---------------------------------------------------------------- pure protocol helpers

def accept_key(client_key):
    """Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 §4.2.2)."""
    return base64.b64encode(hashlib.sha1(client_key.encode("latin-1") + WS_GUID).digest()).decode()


def parse_request_head(head):
    """(request_line, headers) from the bytes before \\r\\n\\r\\n; header names lower-cased, repeats joined."""
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep:
            continue
        name, value = name.strip().lower(), value.strip()
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return lines[0], headers


def tokens(value):
    return [t.strip().lower() for t in (value or "").split(",") if t.strip()]


def handshake_problem(request_line, headers):
    """Why this request is not a valid RFC 6455 opening handshake, or None if it is."""
    parts = request_line.split(" ")
    if len(parts) != 3 or parts[0] != "GET" or not parts[2].startswith("HTTP/1.1"):
        return "not a GET HTTP/1.1 request"
    if "websocket" not in tokens(headers.get("upgrade")):
        return "missing Upgrade: websocket"
    if "upgrade" not in tokens(headers.get("connection")):
        return "Connection does not contain upgrade"
    try:
        key_ok = len(base64.b64decode(headers.get("sec-websocket-key", ""), validate=True)) == 16
    except ValueError:
        key_ok = False
    if not key_ok:
        return "missing or malformed Sec-WebSocket-Key"
    if headers.get("sec-websocket-version") != "13":
        return "Sec-WebSocket-Version is not 13"
    return None


def first_subprotocol(headers):
    offered = [p.strip() for p in headers.get("sec-websocket-protocol", "").split(",") if p.strip()]
    return offered[0] if offered else None


def switching_protocols_response(headers, subprotocol):
    lines = ["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade",
             f"Sec-WebSocket-Accept: {accept_key(headers['sec-websocket-key'])}"]
    if subprotocol:
        lines.append(f"Sec-WebSocket-Protocol: {subprotocol}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


BAD_REQUEST_RESPONSE = (b"HTTP/1.1 400 Bad Request\r\nSec-WebSocket-Version: 13\r\n"
                        b"Content-Length: 0\r\nConnection: close\r\n\r\n")


def encode_frame(opcode, payload, fin=True):
    """An unmasked server-to-client frame."""
    first = (0x80 if fin else 0) | opcode
    n = len(payload)
    if n < 126:
        header = struct.pack("!BB", first, n)
    elif n < 1 << 16:
        header = struct.pack("!BBH", first, 126, n)
    else:
        header = struct.pack("!BBQ", first, 127, n)
    return header + payload


def encode_close(code=None, reason=b""):
    return encode_frame(OP_CLOSE, b"" if code is None else struct.pack("!H", code) + reason)


def unmask(payload, key):
    """XOR the payload with the 4-byte masking key, done on big integers because it is fast in Python."""
    if not payload:
        return b""
    repeated = (key * (len(payload) // 4 + 1))[:len(payload)]
    n = len(payload)
    return (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(n, "big")


def parse_frame(buf):
    """(header dict, unmasked payload, bytes consumed) for the first complete frame in buf, or None."""
    if len(buf) < 2:
        return None
    b0, b1 = buf[0], buf[1]
    length, offset = b1 & 0x7F, 2
    if length == 126:
        if len(buf) < 4:
            return None
        length, offset = struct.unpack_from("!H", buf, 2)[0], 4
    elif length == 127:
        if len(buf) < 10:
            return None
        length, offset = struct.unpack_from("!Q", buf, 2)[0], 10
    masked = bool(b1 & 0x80)
    key_end = offset + (4 if masked else 0)
    if len(buf) < key_end + length:
        return None
    payload = bytes(buf[key_end:key_end + length])
    if masked:
        payload = unmask(payload, bytes(buf[offset:key_end]))
    header = {"opcode": b0 & 0x0F, "fin": bool(b0 & 0x80), "masked": masked, "rsv": (b0 >> 4) & 0x7,
              "length": length}
    return header, payload, key_end + length


def partial_frame(buf):
    """What can be told about a frame cut off after len(buf) > 0 bytes; the first byte holds FIN and opcode."""
    b0 = buf[0]
    info = {"partial": True, "opcode": b0 & 0x0F, "fin": bool(b0 & 0x80), "rsv": (b0 >> 4) & 0x7,
            "masked": None, "length": None, "bytes_received": len(buf)}
    if len(buf) >= 2:
        info["masked"] = bool(buf[1] & 0x80)
        short = buf[1] & 0x7F
        need = {126: 4, 127: 10}.get(short, 2)
        if len(buf) >= need:
            info["length"] = short if need == 2 else struct.unpack_from("!H" if need == 4 else "!Q", buf, 2)[0]
    return info


def valid_close_code(code):
    return 1000 <= code <= 1003 or 1007 <= code <= 1014 or 3000 <= code <= 4999


def close_reply_code(header, payload):
    """The code a strict server answers a client Close with: the client's own, or 1002/1007 if it broke RFC 6455.

    Returns None for "reply with an empty Close" (the client sent no code)."""
    if not header["fin"] or header["rsv"] or len(payload) > 125 or len(payload) == 1:
        return 1002
    if not payload:
        return None
    code = struct.unpack_from("!H", payload)[0]
    if not valid_close_code(code):
        return 1002
    try:
        payload[2:].decode("utf-8")
    except UnicodeDecodeError:
        return 1007
    return code


def describe_close_payload(payload):
    """close_code, reason_hex and reason fields for a received Close frame."""
    code = struct.unpack_from("!H", payload)[0] if len(payload) >= 2 else None
    reason = payload[2:] if len(payload) >= 2 else payload
    return {"close_code": code, "reason_hex": reason.hex(), "reason": reason.decode("utf-8", errors="replace")}


# ---------------------------------------------------------------- how TCP ended, as Linux reports it

def drain_socket(sock, inbuf):
    """Append everything the kernel holds to inbuf; "fin" or "rst" if the peer's side ended, else None.

    Queued data always comes out before the end. Linux returns b"" once a FIN arrived even if an RST
    followed it (one provoked by a late send of ours), and ECONNRESET only for an RST with no FIN before."""
    while True:
        try:
            chunk = sock.recv(RECV_CHUNK)
        except (BlockingIOError, InterruptedError):
            return None
        except ConnectionResetError:
            return "rst"
        except BrokenPipeError:
            return "fin"  # EPIPE: the RST came after the peer's FIN
        if not chunk:
            return "fin"
        inbuf += chunk


def end_after_send_error(error):
    """How TCP ended when a send failed; the send consumed the socket's error, so only it can tell.

    Linux reports ECONNRESET for an RST with no FIN before it, and EPIPE for one after the peer's FIN."""
    return "rst" if isinstance(error, ConnectionResetError) else "fin"


# ---------------------------------------------------------------- behaviour from the command line

class Behaviour:
    """The server's choices, from --mode flags."""

    def __init__(self, modes):
        self.modes = list(modes) or ["close-reply"]
        self.close_reply = "no-close-reply" not in self.modes
        self.reply_to_ping = "no-reply-to-ping" not in self.modes
        self.server_close_after = None
        self.leak_on_abort = "leak-on-abort" in self.modes
        self.close_reply_after = 0.0
        self.echo_after_close = "echo-after-close" in self.modes
        self.fail_data_after_close = "1002-on-data-after-close" in self.modes
        for mode in self.modes:
            if mode.startswith("server-close-after="):
                self.server_close_after = float(mode.split("=", 1)[1])
            elif mode.startswith("close-reply-after="):
                self.close_reply_after = float(mode.split("=", 1)[1])
            elif mode not in ("close-reply", "no-close-reply", "no-reply-to-ping", "leak-on-abort",
                              "echo-after-close", "1002-on-data-after-close"):
                raise ValueError(f"unknown mode {mode!r}")
        if "close-reply" in self.modes and not self.close_reply:
            raise ValueError("close-reply and no-close-reply contradict each other")


# ---------------------------------------------------------------- one connection

def new_record(accepted_at, peer_port, peer_address=None):
    """The JSON record of one connection; every field is present from the start."""
    return {
        "accepted_at": accepted_at,      # time.monotonic() at accept (same clock as other local processes)
        "peer_address": peer_address,    # the client's source address, e.g. "127.0.0.2"
        "peer_port": peer_port,
        "request_bytes": 0,              # bytes of HTTP request head received (through \r\n\r\n if complete)
        "request_complete": False,       # the whole head (\r\n\r\n) arrived
        "request_line": None,
        "request_headers": {},           # names lower-cased
        "handshake_completed": False,    # the whole 101 response left the oracle
        "handshake_error": None,         # why a complete request was refused with 400
        "subprotocol": None,             # the one selected in the 101
        "frames": [],                    # every frame received, in order
        "client_close_t": None,          # t of the first Close frame received
        "server_sent": [],               # frames that fully left the oracle after the 101, t = when they did
        "last_write_t": None,            # t of the oracle's last successful send (an RST soon after it may be provoked)
        "server_fin_t": None,            # t when the oracle shut down its sending side (its FIN)
        "closed_first": None,            # "server" | "client": whose FIN (or RST) came first
        "tcp_end": "open",               # "fin" | "rst" | "server_closed" | "open"
        "tcp_end_t": None,
    }


class Connection:
    """A client socket, its buffers and its record; owned by the Oracle's single thread."""

    def __init__(self, sock, peer_port, peer_address=None):
        self.sock = sock
        self.accepted_mono = time.monotonic()
        self.record = new_record(self.accepted_mono, peer_port, peer_address)
        self.inbuf = bytearray()
        self.outbuf = bytearray()
        self.queued_total = 0            # bytes ever queued / sent, to know when a queued item has left
        self.sent_total = 0
        self.on_sent = collections.deque()  # (queued_total at the item's end, callback) in queue order
        self.websocket = False           # the 101 was sent: inbound bytes are frames
        self.refused = False             # a 400 was sent: inbound bytes are ignored
        self.close_sent = False
        self.close_received = False
        self.shutdown_after_flush = False
        self.watching_write = False
        self.message_opcode = None       # opcode of the fragmented message being assembled
        self.message_parts = []
        self.pending_close_reply = None  # 1002-on-data-after-close: the code to answer with if no data follows
        self.ended = False
        self.index = None

    def queue(self, data, on_sent):
        """Queue bytes to send; on_sent() runs once the last of them has been handed to the kernel."""
        self.outbuf += data
        self.queued_total += len(data)
        self.on_sent.append((self.queued_total, on_sent))

    def note_sent(self, count):
        self.sent_total += count
        while self.on_sent and self.on_sent[0][0] <= self.sent_total:
            self.on_sent.popleft()[1]()

    def now(self):
        return round(time.monotonic() - self.accepted_mono, 6)


# ---------------------------------------------------------------- the server

class Oracle:
    """The listening socket, every Connection, and the one-thread event loop that serves them."""

    def __init__(self, behaviour, announce_events):
        self.behaviour = behaviour
        self.announce_events = announce_events
        self.selector = selectors.DefaultSelector()
        self.connections = []
        self.leaked = []                 # leak-on-abort: sockets deliberately never closed
        self.timers = []                 # heap of (deadline, sequence, connection, action)
        self.timer_sequence = 0
        self.stopping = False
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4096)
        self.listener.setblocking(False)
        self.selector.register(self.listener, selectors.EVENT_READ, None)
        self.port = self.listener.getsockname()[1]
        self.started_at = time.monotonic()

    # -- loop

    def serve(self):
        while not self.stopping:
            for key, mask in self.selector.select(self.select_timeout()):
                if key.data is None:
                    self.accept_all()
                    continue
                conn = key.data
                if mask & selectors.EVENT_READ and not conn.ended:
                    self.on_readable(conn)
                if mask & selectors.EVENT_WRITE and not conn.ended:
                    self.flush(conn)
            self.run_due_timers()

    def select_timeout(self):
        # Capped so that a SIGTERM is noticed promptly even with no traffic.
        if not self.timers:
            return 0.1
        return max(0.0, min(0.1, self.timers[0][0] - time.monotonic()))

    def accept_all(self):
        while True:
            try:
                sock, addr = self.listener.accept()
            except BlockingIOError:
                return
            except OSError as e:  # EMFILE and friends: leave the rest in the backlog
                print(f"accept failed: {e}", file=sys.stderr, flush=True)
                return
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = Connection(sock, addr[1], addr[0])
            conn.index = len(self.connections)
            self.connections.append(conn)
            self.selector.register(sock, selectors.EVENT_READ, conn)

    # -- timers

    def schedule(self, delay, conn, action):
        self.timer_sequence += 1
        heapq.heappush(self.timers, (time.monotonic() + delay, self.timer_sequence, conn, action))

    def run_due_timers(self):
        while self.timers and self.timers[0][0] <= time.monotonic():
            _, _, conn, action = heapq.heappop(self.timers)
            if not conn.ended:
                action(conn)

    # -- reading

    def on_readable(self, conn):
        """Drain the socket, act on every complete request/frame, and only then write or record the end.

        Reading everything before writing means a peer's FIN is seen before the oracle sends anything
        that the peer's kernel would answer with an RST."""
        end = self.read_available(conn)
        self.consume_input(conn)
        if end:
            self.finish(conn, end)
        else:
            self.flush(conn)

    def read_available(self, conn):
        return drain_socket(conn.sock, conn.inbuf)

    def consume_input(self, conn):
        if not conn.websocket and not conn.refused:
            self.consume_request(conn)
        if conn.websocket:
            self.consume_frames(conn)
        elif conn.refused:
            conn.inbuf.clear()

    def consume_request(self, conn):
        rec = conn.record
        end = conn.inbuf.find(b"\r\n\r\n")
        if end < 0:
            rec["request_bytes"] = len(conn.inbuf)
            if len(conn.inbuf) > MAX_REQUEST_HEAD:
                self.refuse(conn, "request head too large")
            return
        head = bytes(conn.inbuf[:end])
        del conn.inbuf[:end + 4]
        rec["request_bytes"] = end + 4
        rec["request_complete"] = True
        rec["request_line"], rec["request_headers"] = parse_request_head(head)
        problem = handshake_problem(rec["request_line"], rec["request_headers"])
        if problem:
            self.refuse(conn, problem)
            return
        rec["subprotocol"] = first_subprotocol(rec["request_headers"])
        conn.queue(switching_protocols_response(rec["request_headers"], rec["subprotocol"]),
                   lambda: rec.update(handshake_completed=True))
        conn.websocket = True
        if self.behaviour.server_close_after is not None:
            self.schedule(self.behaviour.server_close_after, conn, self.start_server_close)

    def refuse(self, conn, problem):
        conn.record["handshake_error"] = problem
        conn.refused = True
        conn.inbuf.clear()
        conn.queue(BAD_REQUEST_RESPONSE, lambda: None)
        conn.shutdown_after_flush = True

    def consume_frames(self, conn):
        while True:
            parsed = parse_frame(conn.inbuf)
            if parsed is None:
                break
            header, payload, used = parsed
            del conn.inbuf[:used]
            conn.last_frame_bytes = used  # header and payload, as they were on the wire
            self.record_frame(conn, header, payload)
            self.react_to_frame(conn, header, payload)
        if conn.pending_close_reply is not None and self.behaviour.fail_data_after_close:
            # Nothing followed the Close in this read: answer it after all.
            code, conn.pending_close_reply = conn.pending_close_reply, None
            self.answer_client_close(conn, code)

    def record_frame(self, conn, header, payload):
        """Frame fields: t, opcode, fin, masked, rsv, length, then close_code/reason_hex/reason for Close
        frames and payload_prefix_hex (first 16 bytes, unmasked) for every other frame."""
        frame = {"t": conn.now(), **header}
        if header["opcode"] == OP_CLOSE:
            frame.update(describe_close_payload(payload))
            if conn.record["client_close_t"] is None:
                conn.record["client_close_t"] = frame["t"]
        else:
            frame["payload_prefix_hex"] = payload[:16].hex()
        conn.record["frames"].append(frame)

    # -- reacting

    def react_to_frame(self, conn, header, payload):
        opcode = header["opcode"]
        if opcode == OP_CLOSE:
            self.on_client_close(conn, header, payload)
        elif conn.close_received and not conn.close_sent and opcode in DATA_OPCODES:
            self.on_data_after_close(conn, header, payload)
        elif conn.close_sent or conn.close_received:
            return  # nothing but a Close reply may follow a Close
        elif opcode in DATA_OPCODES:
            self.collect_message(conn, header, payload)
        elif opcode == OP_PING and self.behaviour.reply_to_ping:
            self.send_frame(conn, OP_PONG, payload)

    def collect_message(self, conn, header, payload):
        opcode = header["opcode"]
        if opcode != OP_CONTINUATION:
            conn.message_opcode, conn.message_parts = opcode, []
        elif conn.message_opcode is None:
            return  # a continuation with no message to continue: recorded, not echoed
        conn.message_parts.append(payload)
        if header["fin"]:
            self.send_frame(conn, conn.message_opcode, b"".join(conn.message_parts))
            conn.message_opcode, conn.message_parts = None, []

    def on_client_close(self, conn, header, payload):
        first_close = not conn.close_received
        conn.close_received = True
        if not self.behaviour.close_reply or not first_close:
            return
        if conn.close_sent:
            conn.shutdown_after_flush = True
            return
        code = close_reply_code(header, payload)
        if self.behaviour.fail_data_after_close:
            conn.pending_close_reply = code  # decided once the rest of this read is seen
        elif self.behaviour.close_reply_after:
            self.schedule(self.behaviour.close_reply_after, conn,
                          lambda c: self.answer_client_close(c, code, flush_now=True))
        else:
            self.answer_client_close(conn, code)

    def answer_client_close(self, conn, code, flush_now=False):
        """Answer the client's Close and close TCP first; while reading, the reader flushes once it has all."""
        if not conn.close_sent:
            self.send_close(conn, code, b"")
        conn.shutdown_after_flush = True
        if flush_now:
            self.flush(conn)

    def on_data_after_close(self, conn, header, payload):
        """A data frame after the client's Close, before the oracle answered it: discarded, unless a mode
        has the oracle act on it."""
        if self.behaviour.fail_data_after_close:
            conn.pending_close_reply = None
            self.answer_client_close(conn, 1002)
        elif self.behaviour.echo_after_close:
            self.collect_message(conn, header, payload)

    def start_server_close(self, conn):
        if conn.close_sent or conn.close_received:
            return
        self.send_close(conn, 1001, b"server going away")
        self.flush(conn)

    # -- writing

    def send_frame(self, conn, opcode, payload):
        self.queue_frame(conn, encode_frame(opcode, payload), {"opcode": opcode, "length": len(payload)})

    def send_close(self, conn, code, reason):
        frame = encode_close(code, reason)
        conn.close_sent = True
        self.queue_frame(conn, frame, {"opcode": OP_CLOSE, "length": len(frame) - 2, "close_code": code,
                                       "reason": reason.decode()})

    def queue_frame(self, conn, frame, summary):
        sent = conn.record["server_sent"]
        conn.queue(frame, lambda: sent.append({"t": conn.now(), **summary}))

    def flush(self, conn):
        """Send what is queued; watch for writability only while something is left."""
        if conn.ended or conn.record["server_fin_t"] is not None:
            return
        budget = SEND_BUDGET_PER_TURN
        while conn.outbuf and budget > 0:
            try:
                sent = conn.sock.send(conn.outbuf)
            except (BlockingIOError, InterruptedError):
                break
            except OSError as e:
                self.on_send_failed(conn, e)
                return
            del conn.outbuf[:sent]
            budget -= sent
            conn.note_sent(sent)
            conn.record["last_write_t"] = conn.now()
        want_write = bool(conn.outbuf)
        if want_write != conn.watching_write:
            conn.watching_write = want_write
            events = selectors.EVENT_READ | (selectors.EVENT_WRITE if want_write else 0)
            self.selector.modify(conn.sock, events, conn)
        if not conn.outbuf and conn.shutdown_after_flush:
            self.shut_down_sending(conn)

    def on_send_failed(self, conn, error):
        """Record the end the failed send revealed, keeping the bytes that arrived before it."""
        how = end_after_send_error(error)
        self.read_available(conn)
        self.consume_input(conn)
        self.finish(conn, how)

    def shut_down_sending(self, conn):
        """The server closes TCP first: FIN now, then wait for the peer's FIN, but not forever."""
        try:
            conn.sock.shutdown(socket.SHUT_WR)
        except OSError:
            return  # already reset; the next read records how
        conn.record["server_fin_t"] = conn.now()
        if conn.record["closed_first"] is None:
            conn.record["closed_first"] = "server"
        self.schedule(CLOSE_LINGER_SECONDS, conn, lambda c: self.finish(c, "server_closed"))

    # -- ending

    def finish(self, conn, how):
        """Record how TCP ended (and any frame it cut off), then release the socket."""
        rec = conn.record
        rec["tcp_end"], rec["tcp_end_t"] = how, conn.now()
        if rec["closed_first"] is None and how in ("fin", "rst"):
            rec["closed_first"] = "client"
        self.record_leftover(conn)
        conn.ended = True
        self.selector.unregister(conn.sock)
        if self.behaviour.leak_on_abort and rec["client_close_t"] is None:
            self.leaked.append(conn.sock)  # never closed: CLOSE_WAIT after a FIN, an open fd either way
        else:
            conn.sock.close()
        if self.announce_events:
            event = {"index": conn.index, "peer_port": rec["peer_port"], "tcp_end": how}
            print(f"ended {json.dumps(event)}", flush=True)

    def record_leftover(self, conn):
        if conn.websocket and conn.inbuf:
            conn.record["frames"].append({"t": conn.now(), **partial_frame(conn.inbuf)})
            conn.inbuf.clear()

    def shutdown(self):
        """At SIGTERM: read what already arrived, then every connection still open keeps tcp_end "open"."""
        for conn in self.connections:
            if conn.ended:
                continue
            end = self.read_available(conn)  # bytes queued before the signal belong in the record
            self.consume_input(conn)
            if end:
                self.finish(conn, end)
                continue
            self.record_leftover(conn)
            conn.ended = True
            conn.sock.close()
        self.listener.close()

    def report(self):
        return {"version": 1, "modes": self.behaviour.modes, "port": self.port, "started_at": self.started_at,
                "connections": [c.record for c in self.connections]}


# ---------------------------------------------------------------- process

def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--mode", action="append", default=[])
    parser.add_argument("--events", action="store_true", help="print one line per finished connection")
    args = parser.parse_args(argv)
    try:
        behaviour = Behaviour(args.mode)
    except ValueError as e:
        parser.error(str(e))
    raise_fd_limit()
    oracle = Oracle(behaviour, args.events)

    def stop(signum, frame):
        oracle.stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"listening on ws://127.0.0.1:{oracle.port}/", flush=True)
    oracle.serve()
    oracle.shutdown()
    with open(args.out, "w") as f:
        json.dump(oracle.report(), f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
