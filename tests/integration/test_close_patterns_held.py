"""Close patterns that hold a connection open and silent — close_timeout, stall, ignore_server_close — as the wire oracle saw them."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import latency_slack  # noqa: E402
from wire_assertions import (OP_PING, OP_PONG, CloseRunCase, absolute, close_frames, data_frames,  # noqa: E402
                             frames_after, most_periodic, server_closes, within)

HOLD = 1.5  # seconds every held pattern here holds


def profile(entry, hold_phase, session=""):
    """All connections (20) open at once, live for `hold_phase` seconds, then are closed with the one `entry`."""
    return (f"name: held\nseed: 9\nworkers: 2\n"
            f"phases:\n  - {{name: open, connections: 20}}\n  - {{name: hold, duration: {hold_phase}s}}\n"
            f"  - {{name: drain, close: all}}\n{session}close:\n  timeout: 1s\n  mix:\n    - {entry}\n")


def close_due(conns, hold_phase):
    """When the drain phase decided the closes, on the oracle's clock: the connections opened at the
    schedule's first instant, so the earliest accept is that instant (give or take a loopback connect)."""
    return min(c["accepted_at"] for c in conns) + hold_phase


class CloseTimeout(CloseRunCase):
    ENTRY = f'{{pattern: close_timeout, weight: 1, code: 4003, reason: "then silence", hold: {HOLD}s}}'
    # Long enough for every handshake to be done when the close is due, even under valgrind (first
    # handshakes ~300 ms): a close decided mid-handshake leaves late, while its hold runs from when it was due.
    HOLD_PHASE = 0.5

    def assert_close_then_rst_after_hold(self, conn):
        closes = close_frames(conn)
        self.assertEqual(len(closes), 1, "exactly one Close frame")
        self.assertEqual((closes[0]["close_code"], closes[0]["reason"], closes[0]["masked"]),
                         (4003, "then silence", True))
        self.assertEqual(frames_after(conn, closes[0]["t"]), [], "nothing from the client after its Close")
        self.assertEqual(conn["tcp_end"], "rst", "never a FIN")
        held = conn["tcp_end_t"] - conn["client_close_t"]
        self.assertTrue(within(held, HOLD), f"RST {held:.3f}s after the Close frame, hold is {HOLD}s")

    def test_server_that_never_answers(self):
        _, conns = self.run_against_oracle(profile(self.ENTRY, self.HOLD_PHASE), 20, modes=("no-close-reply",))
        self.for_each(conns, self.assert_close_then_rst_after_hold)

    def test_server_that_answers_and_closes_first_gets_no_reply_and_an_rst(self):
        # The oracle answers the Close and sends its FIN at once. The client neither reads nor follows
        # with a FIN of its own: it notes that the server gave up, but still ends TCP only when the hold
        # expires, with an RST (docs/close-patterns.md).
        _, conns = self.run_against_oracle(profile(self.ENTRY, self.HOLD_PHASE), 20)

        def check(conn):
            self.assertEqual([s["close_code"] for s in server_closes(conn)], [4003])
            closes = close_frames(conn)
            self.assertEqual(len(closes), 1, "exactly one Close frame")
            self.assertEqual(frames_after(conn, closes[0]["t"]), [], "nothing from the client after its Close")
            self.assertEqual(conn["closed_first"], "server")
            self.assertEqual(conn["tcp_end"], "rst", "never a FIN")
            self.assertGreaterEqual(conn["tcp_end_t"], conn["server_fin_t"])
            held = conn["tcp_end_t"] - conn["client_close_t"]
            self.assertTrue(within(held, HOLD), f"RST {held:.3f}s after the Close frame, hold is {HOLD}s")
        self.for_each(conns, check)


class Stall(CloseRunCase):
    HOLD_PHASE = 1.0
    SESSION = "session:\n  messages: {interval: 100ms, size: 32, payload: text}\n  ping: {interval: 200ms}\n"

    def test_messages_and_pings_stop_then_rst_after_hold(self):
        _, conns = self.run_against_oracle(
            profile(f"{{pattern: stall, weight: 1, hold: {HOLD}s}}", self.HOLD_PHASE, self.SESSION), 20)
        stall_begins = close_due(conns, self.HOLD_PHASE)

        # Every frame came between the connection's accept and the stall (the window below): at most one
        # message per 100 ms and one ping per 200 ms in that span, however late some of them left.
        span = self.HOLD_PHASE + latency_slack(0.05)

        def check(conn):
            messages = data_frames(conn)
            pings = [f for f in conn["frames"] if f["opcode"] == OP_PING]
            self.assertTrue(messages and pings, "messages and pings flowed during the hold phase")
            for frames, interval in ((messages, 0.1), (pings, 0.2)):
                # And at least one per interval from the first until the stall, on the oracle's clock from
                # what the generator really sent: a handshake slowed by valgrind shortens that span, it does
                # not lower the rate. (Normally the span is about 1 s: 8 or more messages, 4 or more pings.)
                since = stall_begins - absolute(conn, frames[0]["t"]) - latency_slack(0.05)
                least, most = int(since / interval), most_periodic(span, interval)
                self.assertTrue(least <= len(frames) <= most, f"{len(frames)} frames of opcode "
                                f"{frames[0]['opcode']} in the hold phase, expected {least}..{most}")
            late = [(f["t"], f["opcode"]) for f in conn["frames"]
                    if absolute(conn, f["t"]) > stall_begins + latency_slack(0.05)]
            self.assertEqual(late, [], "no frame of any kind once the stall began")
            self.assertEqual(close_frames(conn), [], "no Close frame")
            self.assertFalse(any(f["opcode"] == OP_PONG for f in conn["frames"]))
            self.assertEqual(conn["tcp_end"], "rst")
            silent = conn["tcp_end_t"] - conn["frames"][-1]["t"]
            self.assertTrue(within(silent, HOLD, slack=0.15), f"RST {silent:.3f}s after the last frame")
        self.for_each(conns, check)


class IgnoreServerClose(CloseRunCase):
    HOLD_PHASE = 0.1
    ENTRY = f"{{pattern: ignore_server_close, weight: 1, hold: {HOLD}s}}"

    def assert_held_until_rst(self, conn, due):
        self.assertEqual(close_frames(conn), [], "the client never sends a Close frame")
        self.assertEqual(conn["tcp_end"], "rst")
        held = absolute(conn, conn["tcp_end_t"]) - due
        self.assertTrue(within(held, HOLD), f"RST {held:.3f}s after the close was due, hold is {HOLD}s")

    def test_servers_close_is_never_answered(self):
        # The close is decided 100 ms after open; the oracle starts its close handshake at 500 ms.
        _, conns = self.run_against_oracle(profile(self.ENTRY, self.HOLD_PHASE), 20,
                                           modes=("server-close-after=0.5",))
        due = close_due(conns, self.HOLD_PHASE)

        def check(conn):
            self.assertEqual([s["close_code"] for s in server_closes(conn)], [1001], "the oracle's Close was sent")
            self.assert_held_until_rst(conn, due)
        self.for_each(conns, check)

    def test_server_that_never_closes_sees_the_same_hold(self):
        _, conns = self.run_against_oracle(profile(self.ENTRY, self.HOLD_PHASE), 20)
        due = close_due(conns, self.HOLD_PHASE)

        def check(conn):
            self.assertEqual(conn["server_sent"], [])
            self.assert_held_until_rst(conn, due)
        self.for_each(conns, check)


if __name__ == "__main__":
    unittest.main()
