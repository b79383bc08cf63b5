"""Close patterns that speak the close handshake — clean, close_no_wait, server_close, invalid_close — as the wire oracle saw them."""
import collections
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from wire_assertions import (CloseRunCase, absolute, close_frames, frames_after,  # noqa: E402
                             pattern_codes_from_summary, server_closes, within)


def profile(mix, connections=20, hold="500ms", messages=True, timeout="3s"):
    """All connections open at once, live for `hold` (messages every 100 ms), then are closed with `mix`."""
    session = "session:\n  messages: {interval: 100ms, size: 32, payload: text}\n" if messages else ""
    entries = "".join(f"    - {entry}\n" for entry in mix)
    return (f"name: polite\nseed: 11\nworkers: 2\n"
            f"phases:\n  - {{name: open, connections: {connections}}}\n  - {{name: hold, duration: {hold}}}\n"
            f"  - {{name: drain, close: all}}\n{session}close:\n  timeout: {timeout}\n  mix:\n{entries}")


class Clean(CloseRunCase):
    def assert_clean(self, conn, allowed):
        closes = close_frames(conn)
        self.assertEqual(len(closes), 1, "exactly one Close frame")
        close = closes[0]
        self.assertIs(conn["frames"][-1], close, "no frame after the Close frame")
        self.assertTrue(close["masked"], "a client Close frame is masked")
        self.assertTrue(close["fin"])
        self.assertIn((close["close_code"], close["reason"]), allowed)
        self.assertEqual(conn["closed_first"], "server", "a clean client lets the server close TCP first")
        self.assertEqual(conn["tcp_end"], "fin")

    def test_one_code_and_reason(self):
        _, conns = self.run_against_oracle(
            profile(['{pattern: clean, weight: 1, code: 4001, reason: "done here"}']), 20)
        self.for_each(conns, lambda c: self.assert_clean(c, {(4001, "done here")}))

    def test_two_codes_each_connection_gets_one_configured_pair_and_both_occur(self):
        pairs = {(1000, "bye"), (4321, "app says ciao ✓")}
        _, conns = self.run_against_oracle(profile([
            '{pattern: clean, weight: 1, code: 1000, reason: "bye"}',
            '{pattern: clean, weight: 1, code: 4321, reason: "app says ciao ✓"}'], connections=30), 30)
        self.for_each(conns, lambda c: self.assert_clean(c, pairs))
        seen = collections.Counter((close_frames(c)[0]["close_code"], close_frames(c)[0]["reason"])
                                   for c in conns if close_frames(c))
        self.assertEqual(set(seen), pairs, seen)


class CloseNoWait(CloseRunCase):
    MIX = ['{pattern: close_no_wait, weight: 1, code: 4002, reason: "not waiting"}']

    def assert_close_then_fin(self, conn):
        closes = close_frames(conn)
        self.assertEqual(len(closes), 1, "exactly one Close frame")
        self.assertIs(conn["frames"][-1], closes[0], "no frame after the Close frame")
        self.assertEqual((closes[0]["close_code"], closes[0]["reason"], closes[0]["masked"]),
                         (4002, "not waiting", True))
        self.assertEqual(conn["tcp_end"], "fin")
        self.assertLess(conn["tcp_end_t"] - closes[0]["t"], 0.2, "FIN right behind the Close frame")

    def test_close_then_fin_with_a_replying_server(self):
        _, conns = self.run_against_oracle(profile(self.MIX), 20)
        self.for_each(conns, self.assert_close_then_fin)

    def test_close_then_fin_without_waiting_for_a_reply_that_never_comes(self):
        _, conns = self.run_against_oracle(profile(self.MIX), 20, modes=("no-close-reply",))
        self.for_each(conns, self.assert_close_then_fin)
        self.for_each(conns, lambda c: self.assertEqual(c["closed_first"], "client"))


class ServerClose(CloseRunCase):
    HOLD = 2.0
    MIX = [f"{{pattern: server_close, weight: 1, hold: {HOLD}s}}"]

    def test_answers_the_servers_close_with_its_code_at_once(self):
        # The close is decided 100 ms after open; the oracle starts its close handshake at 500 ms.
        _, conns = self.run_against_oracle(profile(self.MIX, hold="100ms", messages=False), 20,
                                           modes=("server-close-after=0.5",))

        def check(conn):
            sent = server_closes(conn)
            self.assertEqual([s["close_code"] for s in sent], [1001], "the oracle started the close")
            closes = close_frames(conn)
            self.assertEqual(len(closes), 1, "exactly one Close frame in answer")
            self.assertEqual((closes[0]["close_code"], closes[0]["masked"], closes[0]["fin"]), (1001, True, True))
            self.assertGreaterEqual(closes[0]["t"], sent[0]["t"])
            self.assertLess(closes[0]["t"] - sent[0]["t"], 0.2, "answered promptly, not after the hold")
            self.assertEqual(frames_after(conn, closes[0]["t"]), [])
            self.assertEqual((conn["closed_first"], conn["tcp_end"]), ("server", "fin"))
        self.for_each(conns, check)

    def test_a_server_that_never_closes_gets_a_clean_close_when_the_hold_ends(self):
        _, conns = self.run_against_oracle(profile(self.MIX, hold="100ms", messages=False), 20)
        close_due = min(c["accepted_at"] for c in conns) + 0.1

        def check(conn):
            closes = close_frames(conn)
            self.assertEqual(len(closes), 1, "exactly one Close frame")
            self.assertTrue(all(s["t"] >= closes[0]["t"] for s in server_closes(conn)), "the oracle only answers")
            self.assertEqual((closes[0]["close_code"], closes[0]["masked"]), (1000, True))
            waited = absolute(conn, closes[0]["t"]) - close_due
            self.assertTrue(within(waited, self.HOLD), f"Close sent {waited:.3f}s after the close was due")
            self.assertIs(conn["frames"][-1], closes[0])
            self.assertEqual((conn["closed_first"], conn["tcp_end"]), ("server", "fin"))
        self.for_each(conns, check)


class InvalidClose(CloseRunCase):
    LONG_REASON = "r" * 130
    MIX = ["{pattern: invalid_close, weight: 1, code: 1005}",
           "{pattern: invalid_close, weight: 1, code: 999}",
           "{pattern: invalid_close, weight: 1, code: 5000}",
           f'{{pattern: invalid_close, weight: 1, code: 1000, reason: "{LONG_REASON}"}}']
    REASON_LENGTH_BY_CODE = {1005: 0, 999: 0, 5000: 0, 1000: 130}

    def test_invalid_codes_and_long_reason_go_out_as_configured_and_get_1002(self):
        result, conns = self.run_against_oracle(profile(self.MIX, connections=40, messages=False), 40)

        def check(conn):
            closes = close_frames(conn)
            self.assertEqual(len(closes), 1, "exactly one Close frame")
            close = closes[0]
            self.assertIs(conn["frames"][-1], close, "no frame after the Close frame")
            self.assertIn(close["close_code"], self.REASON_LENGTH_BY_CODE)
            self.assertEqual(len(bytes.fromhex(close["reason_hex"])), self.REASON_LENGTH_BY_CODE[close["close_code"]])
            self.assertEqual(close["length"], 2 + self.REASON_LENGTH_BY_CODE[close["close_code"]])
            self.assertTrue(close["masked"])
            self.assertEqual([s["close_code"] for s in server_closes(conn)], [1002], "the oracle answered 1002")
            # The oracle closes TCP after its answer; the client follows with its FIN.
            self.assertEqual((conn["closed_first"], conn["tcp_end"]), ("server", "fin"))
        self.for_each(conns, check)
        seen = collections.Counter(close_frames(c)[0]["close_code"] for c in conns if close_frames(c))
        self.assertEqual(set(seen), set(self.REASON_LENGTH_BY_CODE), seen)

        # The generator's record of the server's answers, compared with what the oracle really sent.
        oracle_sent = collections.Counter(str(s["close_code"]) for c in conns for s in server_closes(c))
        self.assertEqual(pattern_codes_from_summary(result.stdout, "invalid_close"), dict(oracle_sent), result)


if __name__ == "__main__":
    unittest.main()
