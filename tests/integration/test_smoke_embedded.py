"""The README's quick start: profiles/smoke.yaml against the embedded server, checked against what the server saw."""
import json
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import SOURCE_DIR, TempDirTestCase, run_wsloadgen  # noqa: E402
from summary_parser import close_rows  # noqa: E402

# What smoke.yaml's seed 1 draws: every close is drawn from (seed, connection id) alone, so these counts are
# the same on every machine and with any number of workers. They are written here, not read from the
# generator, so that a generator that draws wrongly cannot agree with itself. If smoke.yaml or the draw
# changes on purpose, take the new counts from one run's close table (the `started` column and the codes).
DRAWN = {"clean": 25, "close_no_wait": 3, "fin": 3, "rst": 3, "close_timeout": 4, "stall": 5,
         "ignore_server_close": 3, "server_close": 2, "handshake_abort": 3, "mid_message": 3, "invalid_close": 4,
         "data_after_close": 3}
# How the 25 clean closes split over the mix's entries (seed 1 draws none of the weight-1 entry with code 4000).
CLEAN_CODES = {1000: 14, 1001: 6, 3000: 5}
ATTEMPTED = sum(DRAWN.values())
# Patterns whose connection ends at the server without any Close frame from us.
NO_CLOSE_FRAME = ["fin", "rst", "stall", "ignore_server_close", "mid_message"]
# Patterns that send a Close frame with code 1000: close_no_wait's own code, close_timeout's and
# data_after_close's default, and server_close's clean close when its hold ends (an echo server never starts a
# close).
CODE_1000 = ["close_no_wait", "close_timeout", "server_close", "data_after_close"]
# data_after_close writes its Close and its first data frame in one write; lws hands that frame to the server's
# receive callback (the server counts it but does not echo it) and ends the connection before the next is due.
DATA_AFTER_CLOSE_BYTES = len("wsloadgen: data after close")


class SmokeProfile(TempDirTestCase):
    def test_smoke_runs_every_pattern_against_embedded_server(self):
        r = run_wsloadgen("run", os.path.join(SOURCE_DIR, "profiles", "smoke.yaml"), "--out", self.tmp,
                          "--progress", "off", timeout=60)
        self.assertEqual(r.code, 0, r)
        self.assertLess(r.elapsed, 15, r)
        self.assertIn("verdict: PASS", r.stdout)
        rows = close_rows(r.stdout)
        self.assertEqual({p: row["started"] for p, row in rows.items()}, DRAWN, r)
        self.assertEqual(int(re.search(r"attempted (\d+)", r.stdout).group(1)), ATTEMPTED, r)

        seen = r.embedded_server_account()
        self.assertIsNotNone(seen, r)
        # Every connection but the aborted handshakes completed its upgrade at the server.
        self.assertEqual(seen["handshakes"], ATTEMPTED - DRAWN["handshake_abort"], r)
        # The server saw exactly as many connections end without a Close frame as the seed drops that way.
        self.assertEqual(seen["closed_without_close_frame"], sum(DRAWN[p] for p in NO_CLOSE_FRAME), r)
        # And Close frames with exactly the profile's codes, as often as drawn; lws reports invalid_close's
        # 1005 as 1002.
        expected_codes = {**CLEAN_CODES, 1002: DRAWN["invalid_close"]}
        expected_codes[1000] += sum(DRAWN[p] for p in CODE_1000)
        self.assertEqual(seen["close_codes"], {str(code): n for code, n in expected_codes.items()}, r)
        self.assertEqual((seen["close_replies_withheld"], seen["close_replies_delayed"], seen["held_at_stop"]),
                         (0, 0, 0), r)
        # Every message the generator says it sent reached the server whole (128 bytes each), and besides them
        # only the one data frame behind each data_after_close Close.
        sent = int(re.search(r"^messages\s+sent (\d+)", r.stdout, re.M).group(1))
        self.assertGreater(sent, 0, r)
        after_close = DRAWN["data_after_close"]
        self.assertEqual((seen["messages"], seen["bytes"]),
                         (sent + after_close, 128 * sent + DATA_AFTER_CLOSE_BYTES * after_close), r)
        self.assertRegex(r.stdout, r"generator\s+fds before (\d+)\s+after \1\n")
        # The generator's own lateness (timer_slack) is reported apart from the server's latencies: one sample
        # per open, message and ping it acted on, and per close the schedule asked for (at most one a connection).
        with open(os.path.join(self.tmp, "report.json")) as f:
            report = json.load(f)
        lateness = report["latency_seconds"]["timer_lateness"]
        acted = ATTEMPTED + sent + report["messages"]["pings_sent"]
        self.assertGreaterEqual(lateness["count"], acted, report["latency_seconds"])
        self.assertLessEqual(lateness["count"], acted + ATTEMPTED, report["latency_seconds"])
        self.assertRegex(r.stdout, r"\ntimer_lateness\s+\d+\s", r)


if __name__ == "__main__":
    unittest.main()
