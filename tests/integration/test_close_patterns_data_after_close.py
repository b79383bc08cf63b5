"""data_after_close — a Close frame, then masked text frames every `interval` while the reply is awaited — as the
wire oracle saw it, and what the generator recorded of servers that answer, stay silent, echo the data or fail
with 1002; then against python3-websockets, a server nobody here wrote. The oracle's modes are checked first."""
import base64
import collections
import json
import os
import socket
import statistics
import struct
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import TempDirTestCase, WireOracle  # noqa: E402
from wire_assertions import OP_CLOSE, OP_TEXT, CloseRunCase, close_frames, server_closes, within  # noqa: E402

CONNECTIONS = 20
DATA = b"wsloadgen: data after close"  # what the generator sends after its Close (engine/worker_close.cpp)


def profile(entry, connections=CONNECTIONS, timeout="2s", report_dir=None):
    """All connections open at once and exchange messages for 300 ms, then close with the one `entry`."""
    report = f"report: {{dir: '{report_dir}'}}\n" if report_dir else ""
    return (f"name: data-after-close\nseed: 31\nworkers: 2\n{report}"
            f"phases:\n  - {{name: open, connections: {connections}}}\n  - {{name: hold, duration: 300ms}}\n"
            f"  - {{name: drain, close: all}}\n"
            f"session:\n  messages: {{interval: 100ms, size: 32, payload: text}}\n"
            f"close:\n  timeout: {timeout}\n  mix:\n    - {entry}\n")


def echoes_of_data(conn):
    """Text frames the oracle sent back with DATA's length (the session's messages are 32 bytes)."""
    return [s for s in conn["server_sent"] if s["opcode"] == OP_TEXT and s["length"] == len(DATA)]


def report_of(case):
    with open(os.path.join(case.tmp, "report.json")) as f:
        return json.load(f)


def masked(opcode, payload):
    """A client frame (FIN set, masked with a fixed key: the oracle must unmask whatever the key)."""
    key = b"\x01\x02\x03\x04"
    return (struct.pack("!BB", 0x80 | opcode, 0x80 | len(payload)) + key
            + bytes(b ^ key[i % 4] for i, b in enumerate(payload)))


def server_frames_after_close_and_data(port, data_frames=1):
    """Upgrades a raw socket, sends a Close 1000 with `data_frames` text frames behind it in one write, and
    returns the (opcode, payload) frames the server sent back until it closed TCP (or 3 s passed)."""
    with socket.create_connection(("127.0.0.1", port), timeout=3) as sock:
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall((f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        buf = b""
        while b"\r\n\r\n" not in buf:
            buf += sock.recv(4096)
        buf = buf.split(b"\r\n\r\n", 1)[1]
        sock.sendall(masked(OP_CLOSE, struct.pack("!H", 1000)) + masked(OP_TEXT, DATA) * data_frames)
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            chunk = sock.recv(4096)
            if not chunk:
                break
            buf += chunk
    frames = []
    while len(buf) >= 2 and len(buf) >= 2 + (buf[1] & 0x7F):
        n = buf[1] & 0x7F
        frames.append((buf[0] & 0x0F, buf[2:2 + n]))
        buf = buf[2 + n:]
    return frames


class OracleModesForDataAfterClose(TempDirTestCase):
    """The oracle's own behaviour in the modes below, checked with a raw socket before the generator relies on it."""

    def frames(self, modes):
        oracle = WireOracle(self.tmp, modes)
        try:
            return server_frames_after_close_and_data(oracle.port)
        finally:
            oracle.stop()

    def test_by_default_the_data_is_discarded_and_the_close_answered(self):
        self.assertEqual(self.frames(()), [(OP_CLOSE, struct.pack("!H", 1000))])

    def test_echo_after_close_echoes_the_data_before_the_delayed_answer(self):
        self.assertEqual(self.frames(("echo-after-close", "close-reply-after=0.2")),
                         [(OP_TEXT, DATA), (OP_CLOSE, struct.pack("!H", 1000))])

    def test_1002_on_data_after_close_answers_the_data_with_1002(self):
        self.assertEqual(self.frames(("1002-on-data-after-close",)), [(OP_CLOSE, struct.pack("!H", 1002))])


class DataAfterCloseOnTheWire(CloseRunCase):
    ENTRY = '{pattern: data_after_close, weight: 1, code: 4005, reason: "then data", hold: 1s, interval: 100ms}'

    def run_it(self, modes=(), entry=None):
        return self.run_against_oracle(profile(entry or self.ENTRY), CONNECTIONS, modes=modes,
                                       extra_args=("--out", self.tmp))

    def assert_close_then_data(self, conn):
        """The Close frame as configured, and behind it nothing but masked, whole text frames carrying DATA."""
        closes = close_frames(conn)
        self.assertEqual(len(closes), 1, "exactly one Close frame")
        close = closes[0]
        self.assertEqual((close["close_code"], close["reason"], close["masked"], close["fin"]),
                         (4005, "then data", True, True))
        after = conn["frames"][conn["frames"].index(close) + 1:]
        self.assertGreaterEqual(len(after), 1, "at least one data frame follows the Close")
        for frame in after:
            self.assertEqual((frame["opcode"], frame["fin"], frame["masked"], frame["rsv"]), (OP_TEXT, True, True, 0))
            self.assertEqual(frame["length"], len(DATA))
            self.assertEqual(frame["payload_prefix_hex"], DATA[:16].hex())
        self.assertLess(after[0]["t"] - close["t"], 0.05, "the first data frame goes right behind the Close")
        return after

    def test_a_server_that_answers_at_once_gets_the_close_then_data_and_closes_tcp_first(self):
        _, conns = self.run_it()

        def check(conn):
            self.assert_close_then_data(conn)
            self.assertEqual([s["close_code"] for s in server_closes(conn)], [4005], "the oracle answered the Close")
            self.assertEqual(echoes_of_data(conn), [], "and did not act on the data")
            self.assertEqual((conn["closed_first"], conn["tcp_end"]), ("server", "fin"))
        self.for_each(conns, check)
        pattern = report_of(self)["patterns"]["data_after_close"]
        self.assertEqual(pattern["outcomes"]["completed"], CONNECTIONS, pattern)
        self.assertEqual(pattern["close_codes_received"], {"4005": CONNECTIONS}, pattern)
        self.assertEqual(report_of(self)["connections"]["protocol_errors"], {})

    def test_a_server_that_never_answers_gets_data_every_interval_until_the_hold_ends(self):
        _, conns = self.run_it(modes=("no-close-reply",))

        def check(conn):
            after = self.assert_close_then_data(conn)
            # A frame at once and then one every 100 ms for the 1 s hold: 10 or 11 of them.
            self.assertTrue(9 <= len(after) <= 11, f"{len(after)} data frames after the Close")
            gaps = [b["t"] - a["t"] for a, b in zip(after, after[1:])]
            self.assertTrue(within(statistics.median(gaps), 0.1, slack=0.03), f"gaps {gaps}")
            self.assertEqual(server_closes(conn), [], "the oracle never answered")
            self.assertEqual((conn["closed_first"], conn["tcp_end"]), ("client", "fin"))
            held = conn["tcp_end_t"] - conn["client_close_t"]
            self.assertTrue(within(held, 1.0), f"FIN {held:.3f}s after the Close, hold is 1s")
        self.for_each(conns, check)
        pattern = report_of(self)["patterns"]["data_after_close"]
        self.assertEqual(pattern["outcomes"]["timed_out"], CONNECTIONS, pattern)
        self.assertEqual(pattern["close_codes_received"], {}, pattern)

    def test_a_server_that_echoes_the_data_anyway_is_recorded(self):
        _, conns = self.run_it(modes=("echo-after-close", "close-reply-after=0.35"))

        def check(conn):
            after = self.assert_close_then_data(conn)
            self.assertGreaterEqual(len(echoes_of_data(conn)), 1, "the oracle echoed data that followed the Close")
            self.assertEqual([s["close_code"] for s in server_closes(conn)], [4005])
            self.assertTrue(3 <= len(after) <= 5, f"data every 100 ms until the answer at 350 ms: {len(after)}")
        self.for_each(conns, check)
        report = report_of(self)
        self.assertEqual(report["connections"]["protocol_errors"], {"echoed_data_after_close": CONNECTIONS}, report)
        self.assertEqual(report["messages"]["echo_mismatches"], 0, "the echoes are not mistaken for the session's")
        pattern = report["patterns"]["data_after_close"]
        self.assertEqual(pattern["outcomes"]["completed"], CONNECTIONS, pattern)
        self.assertEqual(pattern["close_codes_received"], {"4005": CONNECTIONS}, pattern)

    def test_a_server_that_fails_the_connection_with_1002_is_recorded(self):
        _, conns = self.run_it(modes=("1002-on-data-after-close",))

        def check(conn):
            self.assert_close_then_data(conn)
            self.assertEqual([s["close_code"] for s in server_closes(conn)], [1002])
        self.for_each(conns, check)
        pattern = report_of(self)["patterns"]["data_after_close"]
        self.assertEqual(pattern["close_codes_received"], {"1002": CONNECTIONS}, pattern)
        self.assertEqual(pattern["outcomes"]["completed"], CONNECTIONS, pattern)


class DataAfterCloseAgainstWebsockets(CloseRunCase):
    def test_websockets_answers_with_our_code_and_does_not_act_on_the_data(self):
        entry = '{pattern: data_after_close, weight: 1, code: 4006, reason: "still talking", hold: 2s}'
        result, conns = self.run_against_websockets(profile(entry, connections=10, report_dir=self.tmp))
        self.assertEqual(len(conns), 10, result)
        codes = collections.Counter((c.get("close_code"), c.get("close_reason")) for c in conns)
        self.assertEqual(codes, {(4006, "still talking"): 10}, "websockets saw our Close, code and reason")
        # websockets counts the messages it handed to its handler: the session's 32-byte ones, never DATA.
        self.assertTrue(all(c["messages"] >= 1 and c["bytes"] == 32 * c["messages"] for c in conns), conns)
        report = report_of(self)
        pattern = report["patterns"]["data_after_close"]
        self.assertEqual(pattern["close_codes_received"], {"4006": 10}, pattern)
        self.assertEqual(pattern["outcomes"]["completed"], 10, pattern)
        self.assertEqual(report["connections"]["protocol_errors"], {}, report)


if __name__ == "__main__":
    unittest.main()
