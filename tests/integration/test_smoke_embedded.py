"""The README's main job: profiles/smoke.yaml against the embedded server, checked by what the server saw."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import SOURCE_DIR, TempDirTestCase, run_wsloadgen  # noqa: E402


class SmokeProfile(TempDirTestCase):
    def test_smoke_runs_clean_against_embedded_server(self):
        r = run_wsloadgen("run", os.path.join(SOURCE_DIR, "profiles", "smoke.yaml"), "--out", self.tmp,
                          "--progress", "off", timeout=60)
        self.assertEqual(r.code, 0, r)
        self.assertLess(r.elapsed, 15, r)
        seen = r.embedded_server_account()
        self.assertIsNotNone(seen, r)
        # smoke: ramp to 20, then a 2 s churn at 10/s replaces 20 more: 40 handshakes in all.
        self.assertEqual(seen["handshakes"], 40, r)
        # Every connection ended with one of the profile's clean close codes, none without a Close frame.
        self.assertEqual(sum(seen["close_codes"].values()), 40, r)
        self.assertEqual(set(seen["close_codes"]) - {"1000", "1001", "4000", "3000"}, set(), r)
        self.assertEqual(seen["closed_without_close_frame"], 0, r)
        self.assertGreater(seen["messages"], 0, r)
        self.assertIn("verdict: PASS", r.stdout)


if __name__ == "__main__":
    unittest.main()
