"""Close patterns that drop TCP without a close handshake — fin, rst, mid_message, handshake_abort — as the wire oracle saw them."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import latency_slack  # noqa: E402
from wire_assertions import (OP_BINARY, OP_CONTINUATION, OP_TEXT, CloseRunCase, close_frames,  # noqa: E402
                             data_frames, most_periodic, unfinished_message)

# Fin and Rst: a message every 100 ms for the 1 s hold, then the drop; no more than fit in that second.
MOST_MESSAGES = most_periodic(1.0 + latency_slack(0.05), 0.1)


def profile(mix, connections=20, hold="1s", messages="{interval: 100ms, size: 32, payload: text}"):
    """All connections open at once, live for `hold`, then are closed with `mix`."""
    session = f"session:\n  messages: {messages}\n" if messages else ""
    entries = "".join(f"    - {entry}\n" for entry in mix)
    return (f"name: abrupt\nseed: 5\nworkers: 2\n"
            f"phases:\n  - {{name: open, connections: {connections}}}\n  - {{name: hold, duration: {hold}}}\n"
            f"  - {{name: drain, close: all}}\n{session}close:\n  timeout: 2s\n  mix:\n{entries}")


class Fin(CloseRunCase):
    def test_fin_without_close_frame(self):
        _, conns = self.run_against_oracle(profile(["{pattern: fin, weight: 1}"]), 20)

        def check(conn):
            self.assertTrue(conn["handshake_completed"])
            self.assertEqual(close_frames(conn), [], "no Close frame")
            self.assertTrue(5 <= len(data_frames(conn)) <= MOST_MESSAGES, f"{len(data_frames(conn))} messages "
                            "before the drop")
            self.assertEqual(unfinished_message(conn), [], "no message left half-sent")
            self.assertEqual(conn["tcp_end"], "fin")
            self.assertEqual(conn["closed_first"], "client")
        self.for_each(conns, check)


class Rst(CloseRunCase):
    def test_rst_without_close_frame_after_every_message_sent_arrived(self):
        # Messages every 100 ms for 1 s: the generator lets its queue drain (TCP_NODELAY) before the reset.
        _, conns = self.run_against_oracle(profile(["{pattern: rst, weight: 1}"]), 20)

        def check(conn):
            self.assertTrue(conn["handshake_completed"])
            self.assertEqual(close_frames(conn), [], "no Close frame")
            texts = [f for f in data_frames(conn) if f["opcode"] == OP_TEXT]
            self.assertTrue(5 <= len(texts) <= MOST_MESSAGES, f"{len(texts)} messages before the drop")
            self.assertFalse(any(f.get("partial") for f in conn["frames"]), "no frame cut off by the reset")
            self.assertEqual(conn["tcp_end"], "rst")
        self.for_each(conns, check)


class MidMessage(CloseRunCase):
    def assert_cut_mid_message(self, conn, opcode, tcp_end):
        self.assertEqual(close_frames(conn), [], "no Close frame")
        unfinished = unfinished_message(conn)
        self.assertTrue(unfinished, "the last data frame has FIN clear")
        self.assertIs(conn["frames"][-1], unfinished[-1], "nothing after the unfinished message")
        self.assertEqual(unfinished[0]["opcode"], opcode, "the unfinished message's first fragment")
        self.assertTrue(all(f["opcode"] == OP_CONTINUATION for f in unfinished[1:]))
        self.assertTrue(unfinished[0]["masked"])
        self.assertEqual(conn["tcp_end"], tcp_end)

    def test_text_fragment_then_fin(self):
        _, conns = self.run_against_oracle(
            profile(["{pattern: mid_message, weight: 1, by: fin}"], hold="500ms",
                    messages="{interval: 100ms, size: 1000, payload: text}"), 20)
        self.for_each(conns, lambda c: self.assert_cut_mid_message(c, OP_TEXT, "fin"))

    def test_binary_fragment_then_rst(self):
        _, conns = self.run_against_oracle(
            profile(["{pattern: mid_message, weight: 1, by: rst}"], hold="500ms",
                    messages="{interval: 100ms, size: 1000, payload: binary}"), 20)
        self.for_each(conns, lambda c: self.assert_cut_mid_message(c, OP_BINARY, "rst"))


class HandshakeAbort(CloseRunCase):
    """handshake_abort is decided at open: a mix of only handshake_abort makes every connection abort.

    Such a run has no completed handshake on purpose, which passes the handshake_p99 check and is no
    handshake error (docs/close-patterns.md): the run passes (exit 0)."""

    def run_abort(self, at, by):
        result, conns = self.run_against_oracle(
            profile([f"{{pattern: handshake_abort, weight: 1, at: {at}, by: {by}}}"], connections=10, hold="300ms",
                    messages=None), 10)
        self.assertIn("PASS handshake_p99: no handshake was meant to complete", result.stdout, result)
        self.assertRegex(result.stdout, r"PASS handshake_error_ratio: 0\.0+ .*\(0 of 10 connections failed\)",
                         result)
        return conns

    def assert_no_websocket(self, conn, tcp_end):
        self.assertEqual(conn["frames"], [], "no WebSocket frame")
        self.assertIsNone(conn["handshake_error"], "what was sent is a valid beginning of an upgrade")
        self.assertEqual(conn["tcp_end"], tcp_end)

    def test_before_request_by_fin(self):
        def check(conn):
            self.assertEqual(conn["request_bytes"], 0)
            self.assertFalse(conn["handshake_completed"])
            self.assert_no_websocket(conn, "fin")
        self.for_each(self.run_abort("before_request", "fin"), check)

    def test_before_request_by_rst(self):
        def check(conn):
            self.assertEqual(conn["request_bytes"], 0)
            self.assert_no_websocket(conn, "rst")
        self.for_each(self.run_abort("before_request", "rst"), check)

    def test_mid_request_by_fin(self):
        def check(conn):
            self.assertGreater(conn["request_bytes"], 0)
            self.assertFalse(conn["request_complete"])
            self.assertFalse(conn["handshake_completed"])
            self.assert_no_websocket(conn, "fin")
        self.for_each(self.run_abort("mid_request", "fin"), check)

    def test_mid_request_by_rst(self):
        def check(conn):
            self.assertGreater(conn["request_bytes"], 0)
            self.assertFalse(conn["request_complete"])
            self.assert_no_websocket(conn, "rst")
        self.for_each(self.run_abort("mid_request", "rst"), check)

    def test_before_response_by_fin(self):
        def check(conn):
            self.assertTrue(conn["request_complete"])
            self.assertTrue(conn["request_line"].startswith("GET "))
            self.assert_no_websocket(conn, "fin")
        self.for_each(self.run_abort("before_response", "fin"), check)

    def test_before_response_by_rst(self):
        def check(conn):
            self.assertTrue(conn["request_complete"])
            self.assert_no_websocket(conn, "rst")
        self.for_each(self.run_abort("before_response", "rst"), check)


if __name__ == "__main__":
    unittest.main()
