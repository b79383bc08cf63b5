"""Bad input tried as a new user would: each gets one clear message and the documented exit code, fast."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import (RecordingServer, SOURCE_DIR, TempDirTestCase, closed_local_port,  # noqa: E402
                     run_wsloadgen, write_profile)

MINIMAL = """name: bad-input
phases:
  - {name: ramp, connections: 2, connect_rate: 10/s}
  - {name: drain, close: all}
"""


class BadInput(TempDirTestCase):
    def test_missing_profile_file(self):
        r = run_wsloadgen("run", os.path.join(self.tmp, "nope.yaml"))
        self.assertEqual(r.code, 2, r)
        self.assertIn("nope.yaml", r.stderr)
        self.assertEqual(r.stdout, "")

    def test_invalid_yaml_names_line_and_column(self):
        path = write_profile(self.tmp, "name: x\nphases: [\n  {name: a\n")
        r = run_wsloadgen("validate", path)
        self.assertEqual(r.code, 2, r)
        self.assertRegex(r.stderr, r"profile\.yaml:\d+:\d+: ")

    def test_misspelt_key_suggests_the_right_one(self):
        path = write_profile(self.tmp, "name: x\nphases:\n  - {name: a, conect_rate: 5/s}\n")
        r = run_wsloadgen("run", path)
        self.assertEqual(r.code, 2, r)
        self.assertIn("profile.yaml:3:", r.stderr)
        self.assertIn("phases[0].conect_rate", r.stderr)
        self.assertIn("did you mean connect_rate?", r.stderr)

    def test_negative_rate(self):
        path = write_profile(self.tmp, "name: x\nphases:\n  - {name: a, connections: 5, connect_rate: -5/s}\n")
        r = run_wsloadgen("run", path)
        self.assertEqual(r.code, 2, r)
        self.assertIn("phases[0].connect_rate", r.stderr)

    def test_bad_set_override(self):
        path = write_profile(self.tmp, MINIMAL)
        r = run_wsloadgen("run", path, "--set", "phases[0].connect_rate=fast")
        self.assertEqual(r.code, 2, r)
        self.assertIn("--set", r.stderr)
        self.assertIn("connect_rate", r.stderr)

    def test_unknown_command_and_option(self):
        self.assertEqual(run_wsloadgen("runn").code, 2)
        r = run_wsloadgen("run", "x.yaml", "--frobnicate", "1")
        self.assertEqual(r.code, 2)
        self.assertIn("--frobnicate", r.stderr)

    def test_unreachable_target_exits_3_quickly(self):
        path = write_profile(self.tmp, MINIMAL)
        r = run_wsloadgen("run", path, "--target", f"ws://127.0.0.1:{closed_local_port()}/", timeout=30)
        self.assertEqual(r.code, 3, r)
        self.assertIn("unreachable", r.stderr)
        self.assertIn("refused", r.stderr.lower())
        self.assertLess(r.elapsed, 10)

    def test_wss_url_to_a_plain_server_exits_3_with_tls_hint(self):
        server = RecordingServer(self.tmp)
        try:
            path = write_profile(self.tmp, MINIMAL)
            r = run_wsloadgen("run", path, "--target", server.url.replace("ws://", "wss://"), timeout=30)
        finally:
            record = server.stop()
        self.assertEqual(r.code, 3, r)
        self.assertIn("TLS", r.stderr)
        self.assertEqual(record["connections"], [], "no WebSocket handshake may reach the server")

    def test_validate_prints_resolved_profile_with_overrides(self):
        r = run_wsloadgen("validate", os.path.join(SOURCE_DIR, "profiles", "smoke.yaml"),
                          "--set", "phases[0].connections=33")
        self.assertEqual(r.code, 0, r)
        self.assertIn("connections: 33", r.stdout)
        self.assertIn("handshake_timeout", r.stdout)  # defaults are shown too


if __name__ == "__main__":
    unittest.main()
