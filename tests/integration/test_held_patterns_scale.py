"""Held patterns at 2000 connections: each ends at the server within hold ± 10%, and the generator keeps no fd."""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import TempDirTestCase, WireOracle, run_wsloadgen, write_profile  # noqa: E402
from summary_parser import close_rows  # noqa: E402
from wire_assertions import binomial_bound  # noqa: E402

HOLD = 3.0
PROFILE = f"""
name: held-scale
seed: 21
workers: 2
phases:
  - {{name: ramp, connections: 2000, connect_rate: 2000/s}}
  - {{name: hold, duration: 1s}}
  - {{name: drain, close: all}}
close:
  timeout: 2s
  mix:
    - {{pattern: close_timeout, weight: 1, hold: {HOLD}s}}
    - {{pattern: stall, weight: 1, hold: {HOLD}s}}
checks:
  handshake_p99_max: 10s   # correctness at scale here; latency targets live in bench/
"""


def close_frames(conn):
    return [f for f in conn["frames"] if f.get("opcode") == 8 and not f.get("partial")]


class HeldPatternsAtScale(TempDirTestCase):
    def test_2000_held_connections_end_on_time_with_rst(self):
        # The oracle never answers a Close, so only the generator's hold can end these connections.
        oracle = WireOracle(self.tmp, modes=("no-close-reply",))
        try:
            r = run_wsloadgen("run", write_profile(self.tmp, PROFILE), "--target", oracle.url,
                              "--progress", "off", timeout=120)
            self.assertTrue(oracle.wait_for_ended(2001, timeout=30), f"{len(oracle.ended)} ended\n{r}")
        finally:
            record = oracle.stop()
        self.assertEqual(r.code, 0, r)
        # The preflight's bare TCP connection sent no request; every other one is the run's.
        conns = [c for c in record["connections"] if c["request_bytes"] > 0]
        self.assertEqual(len(conns), 2000)
        timed = [c for c in conns if close_frames(c)]
        stalled = [c for c in conns if not close_frames(c)]
        # Two equal weights over 2000 connections: each within 4 sigma of 1000, and exactly the generator's draw.
        low, high = binomial_bound(2000, 0.5)
        self.assertTrue(low <= len(timed) <= high and low <= len(stalled) <= high, (len(timed), len(stalled)))
        rows = close_rows(r.stdout)
        self.assertEqual((len(timed), len(stalled)), (rows["close_timeout"]["started"], rows["stall"]["started"]), r)
        for c in conns:
            self.assertEqual(c["tcp_end"], "rst", c)
        # close_timeout: the RST comes `hold` after its Close frame.
        for c in timed:
            held = c["tcp_end_t"] - c["client_close_t"]
            self.assertGreaterEqual(held, HOLD * 0.9, c)
            self.assertLessEqual(held, HOLD * 1.1, c)
        # stall: all stalls began at the drain instant, when the close_timeout Close frames went out.
        drain = min(c["accepted_at"] + c["client_close_t"] for c in timed)
        for c in stalled:
            held = c["accepted_at"] + c["tcp_end_t"] - drain
            self.assertGreaterEqual(held, HOLD * 0.9, c)
            self.assertLessEqual(held, HOLD * 1.1, c)
        m = re.search(r"generator\s+fds before (\d+)\s+after (\d+)", r.stdout)
        self.assertIsNotNone(m, r)
        self.assertEqual(m.group(1), m.group(2), r)


if __name__ == "__main__":
    unittest.main()
