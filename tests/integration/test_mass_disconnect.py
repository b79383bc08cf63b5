"""profiles/mass-disconnect.yaml at 5000 connections: every connection dropped in one instant, all seen by the server."""
import collections
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import SOURCE_DIR, TempDirTestCase, WireOracle, run_wsloadgen, scaled  # noqa: E402
from wire_assertions import absolute, binomial_bound, close_frames, describe, without_preflight  # noqa: E402

CONNECTIONS = 5000
RAMP_SECONDS = 2.0  # 5000 connections at 2500/s
# The shipped profile as is, only quicker: a faster ramp and a short hold.
QUICKER = ("--set", f"phases[0].connect_rate={CONNECTIONS / RAMP_SECONDS:g}/s", "--set", "phases[1].duration=1s",
           "--set", "checks.handshake_p99_max=10s",
           # Not a test of the memory verdict: an ASan build's quarantine keeps freed memory.
           "--set", "checks.leak.rss_delta_max=1GiB", "--set", "checks.leak.settle=2s")
PROFILE = os.path.join(SOURCE_DIR, "profiles", "mass-disconnect.yaml")


def summary_count(stdout, pattern):
    return int(re.search(rf"^{pattern}\s+(\d+)", stdout, re.M).group(1))


class MassDisconnect(TempDirTestCase):
    def test_5000_connections_dropped_at_once(self):
        r = run_wsloadgen("run", PROFILE, *QUICKER, "--out", self.tmp, "--progress", "off", timeout=180)
        self.assertEqual(r.code, 0, r)
        seen = r.embedded_server_account()
        self.assertEqual(seen["handshakes"], CONNECTIONS, r)
        # The drop phase's mix is rst/fin only: not one of the 5000 reached the server as a Close frame.
        self.assertEqual(seen["closed_without_close_frame"], CONNECTIONS, r)
        self.assertEqual(seen["close_codes"], {}, r)
        self.assertEqual(summary_count(r.stdout, "rst") + summary_count(r.stdout, "fin"), CONNECTIONS, r)
        self.assertRegex(r.stdout, r"generator\s+fds before (\d+)\s+after \1\n")

    def test_the_wire_oracle_sees_every_drop_by_fin_or_rst_in_one_instant(self):
        """The same run against the wire oracle: how each connection ended, and when, as the server saw it."""
        oracle = WireOracle(self.tmp)
        try:
            r = run_wsloadgen("run", PROFILE, *QUICKER, "--target", oracle.url, "--out", self.tmp,
                              "--progress", "off", timeout=180)
            ended_all = oracle.wait_for_ended(CONNECTIONS + 1, timeout=scaled(30))
        finally:
            record = oracle.stop()
        self.assertEqual(r.code, 0, r)
        conns = without_preflight(record["connections"], CONNECTIONS)
        self.assertEqual(len(conns), CONNECTIONS, r)
        self.assertTrue(ended_all, "\n".join(describe(c) for c in conns if c["tcp_end"] == "open"))
        for conn in conns:
            self.assertTrue(conn["handshake_completed"], describe(conn))
            self.assertEqual(close_frames(conn), [], describe(conn))
            self.assertEqual(conn["closed_first"], "client", describe(conn))
        ends = collections.Counter(c["tcp_end"] for c in conns)
        self.assertEqual(set(ends), {"fin", "rst"}, ends)
        # The mix's weights (rst 60, fin 40) as the oracle counted them, and the generator's own table agrees.
        low, high = binomial_bound(CONNECTIONS, 0.4)
        self.assertTrue(low <= ends["fin"] <= high, f"{ends} (fin expected {low:.0f}..{high:.0f})")
        self.assertEqual((summary_count(r.stdout, "fin"), summary_count(r.stdout, "rst")), (ends["fin"], ends["rst"]), r)
        # One instant: the connections were opened over 2 s, yet every end reached the oracle within 1 s of the
        # first (most of that is the oracle's own single-threaded pace through 5000 ends).
        opened = sorted(c["accepted_at"] for c in conns)
        ended = sorted(absolute(c, c["tcp_end_t"]) for c in conns)
        self.assertGreater(opened[-1] - opened[0], RAMP_SECONDS * 0.9, "the ramp took its time")
        self.assertLess(ended[-1] - ended[0], RAMP_SECONDS / 2, f"the drop was spread over {ended[-1] - ended[0]:.3f}s")


if __name__ == "__main__":
    unittest.main()
