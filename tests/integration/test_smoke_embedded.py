"""The README's main job: profiles/smoke.yaml against the embedded server, checked against what the server saw."""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import SOURCE_DIR, TempDirTestCase, run_wsloadgen  # noqa: E402

ALL_PATTERNS = ["clean", "close_no_wait", "fin", "rst", "close_timeout", "stall", "ignore_server_close",
                "server_close", "handshake_abort", "mid_message", "invalid_close"]
# Patterns whose connection ends at the server without any Close frame from us.
NO_CLOSE_FRAME = ["fin", "rst", "stall", "ignore_server_close", "mid_message"]


def started_by_pattern(summary):
    """The 'started' column of the summary's close table."""
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+)\s+(\d+)\s+\d+\s+\d+", summary, re.M)
            if m.group(1) in ALL_PATTERNS}


class SmokeProfile(TempDirTestCase):
    def test_smoke_runs_every_pattern_against_embedded_server(self):
        r = run_wsloadgen("run", os.path.join(SOURCE_DIR, "profiles", "smoke.yaml"), "--out", self.tmp,
                          "--progress", "off", timeout=60)
        self.assertEqual(r.code, 0, r)
        self.assertLess(r.elapsed, 15, r)
        self.assertIn("verdict: PASS", r.stdout)
        started = started_by_pattern(r.stdout)
        self.assertEqual(sorted(started), sorted(ALL_PATTERNS), r)
        for pattern, n in started.items():
            self.assertGreaterEqual(n, 1, pattern)

        seen = r.embedded_server_account()
        self.assertIsNotNone(seen, r)
        attempted = int(re.search(r"attempted (\d+)", r.stdout).group(1))
        # Every connection but the aborted handshakes completed its upgrade at the server.
        self.assertEqual(seen["handshakes"], attempted - started["handshake_abort"], r)
        # The server saw exactly as many connections end without a Close frame as we dropped that way.
        self.assertEqual(seen["closed_without_close_frame"], sum(started[p] for p in NO_CLOSE_FRAME), r)
        # And Close frames only with the profile's codes; lws reports invalid_close's 1005 as 1002.
        self.assertEqual(set(seen["close_codes"]) - {"1000", "1001", "4000", "3000", "1002"}, set(), r)
        self.assertEqual(seen["close_codes"].get("1002", 0), started["invalid_close"], r)
        self.assertGreater(seen["messages"], 0, r)
        self.assertRegex(r.stdout, r"generator\s+fds before (\d+)\s+after \1\n")


if __name__ == "__main__":
    unittest.main()
