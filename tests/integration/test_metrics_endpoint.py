"""The metrics endpoint's start: a busy address refuses the run (exit 3) instead of running unobserved."""
import os
import socket
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import TempDirTestCase, run_wsloadgen, write_profile  # noqa: E402

PROFILE = """
name: metrics-endpoint
phases:
  - {name: open, connections: 2, connect_rate: 100/s}
  - {name: drain, close: all}
checks:
  leak: {settle: 200ms}
"""


class MetricsEndpointStart(TempDirTestCase):
    def test_a_busy_metrics_address_refuses_the_run_and_names_the_fix(self):
        busy = socket.socket()
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        try:
            address = f"127.0.0.1:{busy.getsockname()[1]}"
            r = run_wsloadgen("run", write_profile(self.tmp, PROFILE), "--metrics-listen", address,
                              "--out", os.path.join(self.tmp, "out"), "--progress", "off", timeout=60)
        finally:
            busy.close()
        self.assertEqual(r.code, 3, r.stdout + r.stderr)
        self.assertIn(f"cannot serve metrics at {address}", r.stderr)
        self.assertIn("--metrics-listen", r.stderr)
        self.assertNotIn("verdict:", r.stdout, "no load ran")

    def test_off_serves_nothing_and_the_run_passes(self):
        r = run_wsloadgen("run", write_profile(self.tmp, PROFILE), "--metrics-listen", "off",
                          "--out", os.path.join(self.tmp, "out"), "--progress", "off", timeout=60)
        self.assertEqual(r.code, 0, r.stdout + r.stderr)
        self.assertNotIn("wsloadgen: metrics:", r.stderr)


if __name__ == "__main__":
    unittest.main()
