"""profiles/mass-disconnect.yaml at 5000 connections: every connection dropped in one instant, all seen by the server."""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import SOURCE_DIR, TempDirTestCase, run_wsloadgen  # noqa: E402


class MassDisconnect(TempDirTestCase):
    def test_5000_connections_dropped_at_once(self):
        profile = os.path.join(SOURCE_DIR, "profiles", "mass-disconnect.yaml")
        # The shipped profile as is, only quicker: a faster ramp and a short hold.
        r = run_wsloadgen("run", profile, "--set", "phases[0].connect_rate=2500/s", "--set", "phases[1].duration=1s",
                          "--set", "checks.handshake_p99_max=10s",
                          # Not a test of the memory verdict: an ASan build's quarantine keeps freed memory.
                          "--set", "checks.leak.rss_delta_max=1GiB", "--set", "checks.leak.settle=2s",
                          "--progress", "off", timeout=180)
        self.assertEqual(r.code, 0, r)
        seen = r.embedded_server_account()
        self.assertEqual(seen["handshakes"], 5000, r)
        # The drop phase's mix is rst/fin only: not one of the 5000 reached the server as a Close frame.
        self.assertEqual(seen["closed_without_close_frame"], 5000, r)
        self.assertEqual(seen["close_codes"], {}, r)
        rst = int(re.search(r"^rst\s+(\d+)", r.stdout, re.M).group(1))
        fin = int(re.search(r"^fin\s+(\d+)", r.stdout, re.M).group(1))
        self.assertEqual(rst + fin, 5000, r)
        self.assertRegex(r.stdout, r"generator\s+fds before (\d+)\s+after \1\n")


if __name__ == "__main__":
    unittest.main()
