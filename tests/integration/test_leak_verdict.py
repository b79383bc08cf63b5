"""The leak verdict against servers known to be clean, and servers known to leak in one specific way."""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import RecordingServer, ServeProcess, TempDirTestCase, WireOracle, run_wsloadgen, write_profile  # noqa: E402

EVERY_PATTERN = """
    - {pattern: clean, weight: 3, code: 1000, reason: bye}
    - {pattern: close_no_wait, weight: 1}
    - {pattern: fin, weight: 1}
    - {pattern: rst, weight: 1}
    - {pattern: close_timeout, weight: 1, hold: 500ms}
    - {pattern: stall, weight: 1, hold: 500ms}
    - {pattern: ignore_server_close, weight: 1, hold: 500ms}
    - {pattern: server_close, weight: 1, hold: 500ms}
    - {pattern: handshake_abort, weight: 1, at: mid_request, by: fin}
    - {pattern: mid_message, weight: 1, by: rst}
    - {pattern: invalid_close, weight: 1, code: 999}"""


def profile(mix, connections=40, cycles=1, settle="1500ms", extra=""):
    return f"""
name: leak-verdict
seed: 8
workers: 2
cycles: {cycles}
phases:
  - {{name: ramp, connections: {connections}, connect_rate: 400/s}}
  - {{name: hold, duration: 300ms}}
  - {{name: drain, close: all}}
session:
  messages: {{interval: 100ms, size: 64}}
close:
  timeout: 1s
  mix: {mix}
monitor: {{interval: 200ms}}
checks:
  leak: {{settle: {settle}{extra}}}
"""


def verdict_line(stdout, resource):
    m = re.search(rf"^(PASS|LEAK|INCONCLUSIVE) {re.escape(resource)}: .*$", stdout, re.M)
    return m.group(0) if m else None


class CleanServersPass(TempDirTestCase):
    def assert_passes_every_time(self, url_or_none, runs=5):
        path = write_profile(self.tmp, profile(EVERY_PATTERN))
        for run in range(runs):
            args = ["run", path, "--progress", "off"] + (["--target", url_or_none] if url_or_none else [])
            r = run_wsloadgen(*args, timeout=60)
            self.assertEqual(r.code, 0, f"run {run}: {r}")
            self.assertIn("leak verdict: PASS", r.stdout, f"run {run}: {r}")
            for resource in ("fds", "sockets", "sockets.close_wait", "rss"):
                self.assertTrue(verdict_line(r.stdout, resource).startswith("PASS"), f"run {run}: {r}")

    def test_embedded_server_passes_five_runs_of_every_pattern(self):
        self.assert_passes_every_time(None)

    def test_python_websockets_passes_five_runs_of_every_pattern(self):
        server = RecordingServer(self.tmp)
        try:
            self.assert_passes_every_time(server.url)
        finally:
            server.stop()


class LeakingServersAreCaught(TempDirTestCase):
    ABRUPT = "[{pattern: rst, weight: 1}, {pattern: fin, weight: 1}]"

    def test_embedded_leak_on_abort_leaks_fds(self):
        server = ServeProcess("--fault", "leak-on-abort")
        try:
            r = run_wsloadgen("run", write_profile(self.tmp, profile(self.ABRUPT)), "--target", server.url,
                              "--progress", "off", timeout=60)
        finally:
            server.stop()
        self.assertEqual(r.code, 1, r)
        line = verdict_line(r.stdout, "fds")
        self.assertRegex(line, r"^LEAK fds: \d+ after settle vs \d+ baseline: \+40 ", r)
        self.assertIn("verdict: FAIL", r.stdout)

    def test_sockets_left_in_close_wait_are_found_and_counted(self):
        # The raw oracle in leak-on-abort mode never closes a socket whose client left without a
        # Close frame: after `fin` its socket sits in CLOSE_WAIT, after `rst` only its fd remains.
        oracle = WireOracle(self.tmp, modes=("leak-on-abort",))
        try:
            r = run_wsloadgen("run", write_profile(self.tmp, profile("[{pattern: fin, weight: 1}]")),
                              "--target", oracle.url, "--progress", "off", timeout=60)
        finally:
            oracle.stop()
        self.assertEqual(r.code, 1, r)
        # The baseline already holds the preflight's bare connection, leaked the same way.
        self.assertRegex(verdict_line(r.stdout, "sockets.close_wait"),
                         r"^LEAK sockets.close_wait: 41 stuck in CLOSE_WAIT after settle \(baseline 1\)", r)
        self.assertTrue(verdict_line(r.stdout, "fds").startswith("LEAK"), r)

    def test_memory_only_leak_is_found_by_the_trend_across_cycles(self):
        server = ServeProcess("--fault", "leak-memory=64KiB")
        try:
            # A delta limit too loose to notice; only the slope across 5 cycles can.
            text = profile("[{pattern: clean, weight: 1}]", connections=50, cycles=5, settle="600ms",
                           extra=", rss_delta_max: 1GiB, rss_slope_max: 1MiB/cycle")
            r = run_wsloadgen("run", write_profile(self.tmp, text), "--target", server.url, "--progress", "off",
                              timeout=120)
        finally:
            server.stop()
        self.assertEqual(r.code, 1, r)
        # 50 connections x 64 KiB = 3.1 MiB per cycle, plus the allocator's own overhead.
        m = re.match(r"^LEAK rss: rising \+([\d.]+)MiB/cycle over 5 cycles", verdict_line(r.stdout, "rss"))
        self.assertIsNotNone(m, r)
        self.assertGreaterEqual(float(m.group(1)), 3.1, r)
        self.assertTrue(verdict_line(r.stdout, "fds").startswith("PASS"), r)


if __name__ == "__main__":
    unittest.main()
