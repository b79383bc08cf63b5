"""The echo servers on real WebSocket libraries (tests/integration/servers/): each one, and each of its leak bugs,
does what it says, judged from outside (/proc/PID and the client's own socket) rather than from its own account."""
import base64
import hashlib
import os
import select
import socket
import struct
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import TempDirTestCase  # noqa: E402
from real_servers import RUNTIMES, RealServer, parse_prometheus  # noqa: E402

CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 §1.3
PROTOCOL_ERROR = 1002
LEAK_SIZE = 65536


class RawClient:
    """A WebSocket client on a bare socket, so that the test decides exactly how each connection ends."""

    def __init__(self, port, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
                          .encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status, *header_lines = head.decode().split("\r\n")
        if not status.startswith("HTTP/1.1 101"):
            raise AssertionError(f"upgrade refused: {status}")
        headers = {name.strip().lower(): value.strip() for name, value in (h.split(":", 1) for h in header_lines)}
        expected = base64.b64encode(hashlib.sha1((key + ACCEPT_GUID).encode()).digest()).decode()
        if headers.get("sec-websocket-accept") != expected:
            raise AssertionError(f"wrong Sec-WebSocket-Accept in {headers}")

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError("the server ended the TCP connection")
        self.buffer += data

    def take_frame(self):
        """(opcode, fin, payload) of the next complete frame in the buffer, or None while it is incomplete."""
        if len(self.buffer) < 2:
            return None
        b0, b1 = self.buffer[0], self.buffer[1]
        if b1 & 0x80:
            raise AssertionError("a server's frames are never masked (RFC 6455 §5.1)")
        length, offset = b1 & 0x7F, 2
        if length == 126:
            if len(self.buffer) < 4:
                return None
            length, offset = struct.unpack("!H", self.buffer[2:4])[0], 4
        elif length == 127:
            if len(self.buffer) < 10:
                return None
            length, offset = struct.unpack("!Q", self.buffer[2:10])[0], 10
        if len(self.buffer) < offset + length:
            return None
        payload, self.buffer = self.buffer[offset:offset + length], self.buffer[offset + length:]
        return b0 & 0x0F, bool(b0 & 0x80), payload

    def recv_frame(self):
        while (frame := self.take_frame()) is None:
            self._fill()
        return frame

    def send_frame(self, opcode, payload=b"", masked=True, fin=True):
        length = len(payload)
        mask_bit = 0x80 if masked else 0
        header = bytes([(0x80 if fin else 0) | opcode])
        if length < 126:
            header += bytes([mask_bit | length])
        elif length < 65536:
            header += bytes([mask_bit | 126]) + struct.pack("!H", length)
        else:
            header += bytes([mask_bit | 127]) + struct.pack("!Q", length)
        if masked:
            key = os.urandom(4)
            mask = (key * (length // 4 + 1))[:length]
            payload = (int.from_bytes(payload, "big") ^ int.from_bytes(mask, "big")).to_bytes(length, "big")
            header += key
        self.sock.sendall(header + payload)

    def echo(self, opcode, payload):
        """Sends one message and returns (opcode, payload) of the next data message, answering pings meanwhile."""
        self.send_frame(opcode, payload)
        message_opcode, parts = None, []
        while True:
            frame_opcode, fin, data = self.recv_frame()
            if frame_opcode == PING:
                self.send_frame(PONG, data)
                continue
            if frame_opcode not in (TEXT, BINARY, CONTINUATION):
                raise AssertionError(f"expected the echo, got opcode {frame_opcode} {data!r}")
            message_opcode = message_opcode if frame_opcode == CONTINUATION else frame_opcode
            parts.append(data)
            if fin:
                return message_opcode, b"".join(parts)

    def read_to_end(self):
        """Reads until the server ends the TCP connection: 'eof' or 'rst'."""
        try:
            while self.sock.recv(65536):
                pass
            return "eof"
        except ConnectionResetError:
            return "rst"

    def close_cleanly(self, code=1000, reason=b""):
        """A close handshake started by the client; returns the payload of the server's Close frame."""
        self.send_frame(CLOSE, struct.pack("!H", code) + reason)
        while True:
            opcode, _, data = self.recv_frame()
            if opcode == CLOSE:
                break
        self.read_to_end()  # the server ends TCP after the handshake (RFC 6455 §7.1.1)
        self.sock.close()
        return data

    def drop_with_fin(self):
        """Ends TCP without a Close frame: FIN, then waits for the server's end of the connection."""
        self.sock.shutdown(socket.SHUT_WR)
        self.read_to_end()
        self.sock.close()

    def drop_with_rst(self):
        """Ends TCP without a Close frame: SO_LINGER 0 makes close() send RST."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def fd_targets(pid):
    targets = {}
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            targets[fd] = os.readlink(f"/proc/{pid}/fd/{fd}")
        except FileNotFoundError:
            pass  # closed while we listed
    return targets


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def settled_fd_count(pid, expected, timeout=10, hold=0.3):
    """The fd count once it has reached `expected` and stayed there for `hold` seconds, or the last one seen.

    Servers release a connection a little after the client's socket is gone, so the count is waited for;
    the hold catches a release that comes late or a count that passes through `expected` on its way."""
    deadline = time.monotonic() + timeout
    count = fd_count(pid)
    while time.monotonic() < deadline:
        if count == expected:
            steady_until = time.monotonic() + hold
            while time.monotonic() < steady_until and count == expected:
                time.sleep(0.02)
                count = fd_count(pid)
            if count == expected:
                return count
        time.sleep(0.02)
        count = fd_count(pid)
    return count


def steady_fd_count(pid, hold=0.3, timeout=10):
    """The fd count once it stops changing for `hold` seconds: a baseline."""
    deadline = time.monotonic() + timeout
    count = fd_count(pid)
    while time.monotonic() < deadline:
        time.sleep(hold)
        now = fd_count(pid)
        if now == count:
            return count
        count = now
    return count


class RealServerChecks:
    """Checks for one runtime's server; one TestCase per runtime is made from this below."""
    runtime = None

    def start(self, *flags):
        server = RealServer(self.runtime, *flags)
        self.addCleanup(server.__exit__, None, None, None)
        return server

    def end_clean(self, server, count):
        for _ in range(count):
            RawClient(server.port).close_cleanly()

    def end_abrupt(self, server, count):
        """`count` connections ended without a Close frame, alternately by RST and by FIN."""
        for i in range(count):
            client = RawClient(server.port)
            client.drop_with_rst() if i % 2 == 0 else client.drop_with_fin()

    def final_account(self, server):
        """The server's account once every end the client saw has been handled (its fds have stopped changing):
        a server may report an end a moment after the client saw its socket close."""
        steady_fd_count(server.pid)
        return server.stop()

    def assert_account(self, account, **expected):
        self.assertEqual(account["runtime"], self.runtime, account)
        for key, value in expected.items():
            self.assertEqual(account[key], value, f"{key} in {account}")

    def test_echo_and_healthy_ends_leave_nothing(self):
        server = self.start()
        self.end_clean(server, 1)  # the runtime's first connection may set things up for good
        baseline = steady_fd_count(server.pid)

        clients = [RawClient(server.port) for _ in range(15)]
        self.assertEqual(settled_fd_count(server.pid, baseline + 15), baseline + 15,
                         "each open connection is one socket in the server")
        text = "héllo, wörld".encode()
        self.assertEqual(clients[0].echo(TEXT, text), (TEXT, text))
        blob = os.urandom(70000)  # past 65535: the 64-bit length form
        self.assertEqual(clients[1].echo(BINARY, blob), (BINARY, blob))
        self.assertEqual(clients[2].echo(BINARY, b""), (BINARY, b""))
        # The libraries answer a client's Close with its status code, as RFC 6455 §5.5.1 suggests.
        self.assertEqual(clients[3].close_cleanly(4000, b"bye")[:2], struct.pack("!H", 4000))
        for client in clients[4:8]:
            client.close_cleanly()
        for client in clients[8:12]:
            client.drop_with_rst()
        for client in clients[12:]:
            client.drop_with_fin()
        # clients 0-2 end by RST too, after their echo
        for client in clients[:3]:
            client.drop_with_rst()

        self.assertEqual(settled_fd_count(server.pid, baseline), baseline, "the healthy server keeps no fd")
        self.assert_account(self.final_account(server), connections=16, closed_clean=6, closed_abrupt=10, open=0,
                            leaked_bytes=0, leaked_fds=0, leaked_tasks=0, dropped_by_heartbeat=0)

    def check_fd_leak(self, leak_on):
        server = self.start("--leak-fd", "--leak-on", leak_on)
        end_leaking, end_harmless = ((self.end_abrupt, self.end_clean) if leak_on == "abrupt"
                                     else (self.end_clean, self.end_abrupt))
        end_harmless(server, 1)
        baseline = steady_fd_count(server.pid)
        before = fd_targets(server.pid)

        end_harmless(server, 6)
        self.assertEqual(settled_fd_count(server.pid, baseline), baseline, "the other kind of end keeps nothing")
        end_leaking(server, 10)
        self.assertEqual(settled_fd_count(server.pid, baseline + 10), baseline + 10,
                         f"one fd kept per {leak_on} end, exactly")
        kept = [target for fd, target in fd_targets(server.pid).items() if fd not in before]
        self.assertEqual(len(kept), 10, kept)
        self.assertEqual(len(set(kept)), 1, f"all handles on the one log file: {kept}")
        self.assertRegex(kept[0], r"/wsecho-.*\.log$")

        account = self.final_account(server)
        self.assert_account(account, connections=17, leaked_fds=10, leaked_bytes=0, leaked_tasks=0, open=0)
        self.assertEqual(account["closed_abrupt" if leak_on == "abrupt" else "closed_clean"], 10, account)
        self.assertFalse(os.path.exists(kept[0]), "the server removes its log file on exit")

    def test_leak_fd_keeps_one_fd_per_abrupt_end(self):
        self.check_fd_leak("abrupt")

    def test_leak_fd_on_clean_keeps_one_fd_per_clean_end(self):
        self.check_fd_leak("clean")

    def rss_growth(self, *flags, connections=200, warmup=20):
        """VmRSS growth over `connections` abrupt ends after `warmup` ones; and the server's account."""
        server = self.start(*flags)
        self.end_abrupt(server, warmup)
        baseline = steady_fd_count(server.pid)
        before = rss_bytes(server.pid)
        self.end_abrupt(server, connections)
        # Every socket closed means every end has been handled.
        self.assertEqual(settled_fd_count(server.pid, baseline), baseline)
        growth = rss_bytes(server.pid) - before
        account = self.final_account(server)
        print(f"\n{self.runtime} {' '.join(flags) or 'healthy'}: VmRSS {before / 2**20:.1f} MiB at rest after "
              f"{warmup} connections, +{growth / 2**20:.1f} MiB after {connections} more", file=sys.stderr)
        return growth, account

    def test_leak_bytes_grows_rss_by_what_it_keeps(self):
        connections = 200
        leaked_growth, account = self.rss_growth("--leak-bytes", str(LEAK_SIZE), connections=connections)
        self.assert_account(account, leaked_bytes=(connections + 20) * LEAK_SIZE, closed_abrupt=connections + 20)
        healthy_growth, account = self.rss_growth(connections=connections)
        self.assert_account(account, leaked_bytes=0, closed_abrupt=connections + 20)
        floor = 0.7 * connections * LEAK_SIZE
        self.assertGreaterEqual(leaked_growth, floor, "the kept buffers are resident")
        self.assertLess(healthy_growth, floor, "the same traffic alone does not explain that growth")

    def test_leak_task_leaves_one_task_per_abrupt_end(self):
        server = self.start("--leak-task")
        self.end_clean(server, 1)
        baseline = steady_fd_count(server.pid)
        before = server.metrics()
        self.end_clean(server, 5)
        self.end_abrupt(server, 10)
        self.assertEqual(settled_fd_count(server.pid, baseline), baseline)
        time.sleep(0.3)  # let finished connections' own tasks and goroutines wind down
        after = server.metrics()
        # Each runtime's own count of what is still scheduled, read over HTTP like a monitor would.
        if self.runtime == "go-gorilla":
            self.assertGreaterEqual(after["go_goroutines"] - before["go_goroutines"], 10, (before, after))
        elif self.runtime == "node-ws":
            self.assertEqual(after["nodejs_active_timers"] - before["nodejs_active_timers"], 10, (before, after))
        elif self.runtime == "python-websockets":
            self.assertEqual(after["python_asyncio_tasks"] - before["python_asyncio_tasks"], 10, (before, after))
        self.assert_account(self.final_account(server), connections=16, closed_clean=6, closed_abrupt=10, leaked_tasks=10,
                            leaked_fds=0, leaked_bytes=0)

    def test_survives_protocol_errors_and_resets(self):
        server = self.start()
        self.end_clean(server, 1)
        baseline = steady_fd_count(server.pid)
        bad_peers = {
            "close code 999": lambda c: c.send_frame(CLOSE, struct.pack("!H", 999)),
            "close code 1006 on the wire": lambda c: c.send_frame(CLOSE, struct.pack("!H", 1006)),
            "unmasked frame": lambda c: c.send_frame(TEXT, b"hello", masked=False),
            "reserved opcode": lambda c: c.send_frame(0x3, b"x"),
        }
        for name, misbehave in bad_peers.items():
            client = RawClient(server.port)
            misbehave(client)
            # RFC 6455 §7.4.1: a protocol error is answered with 1002, then the connection ends.
            frames = []
            try:
                while True:
                    frames.append(client.recv_frame())
            except (EOFError, ConnectionResetError):
                pass
            client.sock.close()
            closes = [payload for opcode, _, payload in frames if opcode == CLOSE]
            self.assertEqual([payload[:2] for payload in closes], [struct.pack("!H", PROTOCOL_ERROR)],
                             f"{name}: the server's frames were {frames}")
        # A reset in the middle of a frame the server is reading.
        client = RawClient(server.port)
        client.sock.sendall(bytes([0x82, 0x80 | 126]) + struct.pack("!H", 1000) + os.urandom(4) + b"partial")
        time.sleep(0.05)
        client.drop_with_rst()

        self.assertEqual(settled_fd_count(server.pid, baseline), baseline)
        self.assertTrue(server.alive(), server.stderr())
        survivor = RawClient(server.port)
        self.assertEqual(survivor.echo(TEXT, b"still here"), (TEXT, b"still here"))
        survivor.close_cleanly()
        # A protocol error is no close handshake: those ends count as abrupt.
        self.assert_account(self.final_account(server), connections=7, closed_clean=2, closed_abrupt=5, open=0)

    def test_metrics_match_proc(self):
        server = self.start()
        clients = [RawClient(server.port) for _ in range(3)]
        self.assertEqual(clients[0].echo(TEXT, b"x"), (TEXT, b"x"))
        samples, types = parse_prometheus(server.metrics_text())
        proc_fds = fd_count(server.pid)
        proc_rss = rss_bytes(server.pid)
        names = {"node-ws": ["nodejs_heap_size_used_bytes", "nodejs_active_handles", "nodejs_active_timers"],
                 "python-websockets": ["python_gc_objects", "python_asyncio_tasks"],
                 "go-gorilla": ["go_memstats_heap_inuse_bytes", "go_goroutines"],
                 "boost-beast": ["malloc_inuse_bytes"]}[self.runtime]
        for name in ["process_resident_memory_bytes", "process_open_fds", *names]:
            self.assertIn(name, samples)
            self.assertEqual(types.get(name), "gauge", name)
            self.assertGreater(samples[name], 0, name)
        # The count includes the listing's own fd and the scrape's socket, which /proc may or may not still show.
        self.assertLessEqual(abs(samples["process_open_fds"] - proc_fds), 2, (samples, proc_fds))
        self.assertGreaterEqual(proc_fds, 3 + 3, "the three WebSocket sockets are open fds")
        self.assertLess(abs(samples["process_resident_memory_bytes"] - proc_rss), 0.2 * proc_rss, (samples, proc_rss))
        for client in clients:
            client.close_cleanly()
        self.assert_account(self.final_account(server), connections=3, closed_clean=3)


for _runtime in RUNTIMES:
    _name = "".join(part.capitalize() for part in _runtime.split("-"))
    globals()[_name] = type(_name, (RealServerChecks, TempDirTestCase), {"runtime": _runtime})


class Heartbeat(TempDirTestCase):
    """All four runtimes at once, to keep the waiting to one period: --heartbeat 1 against --no-heartbeat."""

    WATCH = 4.2

    def test_silent_peers_are_dropped_only_with_a_heartbeat(self):
        servers, watched = {}, {}
        for runtime in RUNTIMES:
            beating = RealServer(runtime, "--heartbeat", "1")
            self.addCleanup(beating.__exit__, None, None, None)
            silent = RealServer(runtime, "--no-heartbeat")
            self.addCleanup(silent.__exit__, None, None, None)
            servers[runtime] = (beating, silent)
        # Connected only once every server is up: a lively peer starts answering pings at once.
        for runtime, (beating, silent) in servers.items():
            # A silent peer never sends; a lively one answers every ping, as a browser would.
            for role, server in (("silent", beating), ("lively", beating), ("silent-no-heartbeat", silent)):
                watched[(runtime, role)] = {"client": RawClient(server.port), "start": time.monotonic(),
                                            "frames": [], "end": None}

        deadline = time.monotonic() + self.WATCH
        while time.monotonic() < deadline:
            open_ones = {w["client"].sock: (key, w) for key, w in watched.items() if w["end"] is None}
            readable, _, _ = select.select(list(open_ones), [], [], max(0.0, deadline - time.monotonic()))
            for sock in readable:
                (runtime, role), w = open_ones[sock]
                client = w["client"]
                try:
                    data = sock.recv(65536)
                except ConnectionResetError:
                    data = None
                if not data:
                    w["end"] = ("eof" if data == b"" else "rst", time.monotonic() - w["start"])
                    sock.close()  # our end too, or a server that waits for it keeps the connection a while
                    continue
                client.buffer += data
                while (frame := client.take_frame()) is not None:
                    w["frames"].append(frame[0])
                    if frame[0] == PING and role == "lively":
                        client.send_frame(PONG, frame[2])

        for runtime in RUNTIMES:
            with self.subTest(runtime=runtime):
                beating, silent = servers[runtime]
                dropped, lively, held = (watched[(runtime, r)] for r in ("silent", "lively", "silent-no-heartbeat"))
                self.assertIsNotNone(dropped["end"], f"the silent peer was not dropped: {dropped}")
                self.assertIn(PING, dropped["frames"], "the server pinged before dropping")
                self.assertGreaterEqual(dropped["end"][1], 0.9, dropped)
                self.assertLessEqual(dropped["end"][1], 3.0, dropped)
                print(f"\n{runtime}: silent peer dropped after {dropped['end'][1]:.2f}s by {dropped['end'][0]}, "
                      f"having been sent opcodes {dropped['frames']}", file=sys.stderr)

                self.assertIsNone(lively["end"], f"a peer that answers pings is kept: {lively}")
                self.assertGreaterEqual(lively["frames"].count(PING), 2, lively)
                self.assertEqual(lively["client"].echo(TEXT, b"alive"), (TEXT, b"alive"))
                lively["client"].close_cleanly()

                self.assertIsNone(held["end"], "without a heartbeat a silent peer is held")
                self.assertEqual(held["frames"], [], "and never pinged")
                self.assertEqual(held["client"].echo(TEXT, b"held"), (TEXT, b"held"))
                held["client"].sock.close()

                steady_fd_count(beating.pid)  # every end handled before the account is asked for
                account = beating.stop()
                self.assertEqual((account["dropped_by_heartbeat"], account["closed_abrupt"],
                                  account["closed_clean"], account["open"]), (1, 1, 1, 0), account)
                account = silent.stop()  # the held peer's end may or may not have been seen yet
                self.assertEqual(account["dropped_by_heartbeat"], 0, account)
                self.assertEqual(account["connections"], 1, account)


if __name__ == "__main__":
    unittest.main()
