"""Server reclaim time: when the server's own socket for each closed connection disappeared, or that it never did."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import TempDirTestCase, WireOracle, run_wsloadgen, write_profile  # noqa: E402
from summary_parser import close_rows, latency_row  # noqa: E402


def profile(mix):
    return f"""
name: reclaim
seed: 5
workers: 2
phases:
  - {{name: ramp, connections: 30, connect_rate: 300/s}}
  - {{name: hold, duration: 300ms}}
  - {{name: drain, close: all}}
close:
  timeout: 1s
  mix: {mix}
monitor: {{interval: 200ms}}
checks:
  leak: {{settle: 1s}}
"""


class ReclaimTime(TempDirTestCase):
    def test_every_closed_connection_is_reclaimed_by_a_clean_server(self):
        r = run_wsloadgen("run", write_profile(self.tmp, profile(
            "[{pattern: clean, weight: 1}, {pattern: rst, weight: 1}, {pattern: stall, weight: 1, hold: 1s}]")),
            "--progress", "off", timeout=60)
        self.assertEqual(r.code, 0, r)
        rows = close_rows(r.stdout)
        for pattern in ("clean", "rst", "stall"):
            reclaim = latency_row(r.stdout, f"reclaim/{pattern}")
            self.assertIsNotNone(reclaim, f"{pattern}\n{r}")
            self.assertEqual(reclaim["count"], rows[pattern]["started"], f"{pattern}\n{r}")
        # The embedded server lets go of a stalled peer only when the client resets it after its hold.
        self.assertGreaterEqual(latency_row(r.stdout, "reclaim/stall")["p50"], 0.95, r)
        self.assertLess(latency_row(r.stdout, "reclaim/clean")["max"], 0.5, r)
        self.assertNotIn("never given back", r.stdout)

    def test_sockets_a_server_never_closes_are_reported_stuck(self):
        oracle = WireOracle(self.tmp, modes=("leak-on-abort",))
        try:
            r = run_wsloadgen("run", write_profile(self.tmp, profile("[{pattern: fin, weight: 1}]")),
                              "--target", oracle.url, "--progress", "off", timeout=60)
        finally:
            oracle.stop()
        self.assertEqual(r.code, 1, r)  # the leak verdict fails the run too
        self.assertRegex(r.stdout, r"reclaim\s+30 server sockets never given back \(close_wait 30\)", r)
        self.assertIsNone(latency_row(r.stdout, "reclaim/fin"), r)


if __name__ == "__main__":
    unittest.main()
