"""Remote monitoring: the leak verdict from the server's own /metrics, without reading its /proc."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import ProcessExporter, TempDirTestCase, WireOracle, run_wsloadgen, write_profile  # noqa: E402


def profile(mix, scrape_url):
    return f"""
name: remote-monitoring
seed: 6
workers: 2
phases:
  - {{name: ramp, connections: 30, connect_rate: 300/s}}
  - {{name: hold, duration: 300ms}}
  - {{name: drain, close: all}}
close:
  timeout: 1s
  mix: {mix}
monitor: {{pid: none, scrape: "{scrape_url}", interval: 200ms}}
checks:
  leak: {{settle: 1s}}
"""


class RemoteMonitoring(TempDirTestCase):
    def run_scraped(self, mix):
        oracle = WireOracle(self.tmp, modes=("leak-on-abort",))
        exporter = ProcessExporter(oracle.proc.pid)
        try:
            return run_wsloadgen("run", write_profile(self.tmp, profile(mix, exporter.url)), "--target", oracle.url,
                                 "--progress", "off", timeout=60)
        finally:
            exporter.stop()
            oracle.stop()

    def test_a_clean_exchange_passes_on_scraped_series(self):
        r = self.run_scraped("[{pattern: clean, weight: 1}]")
        self.assertEqual(r.code, 0, r)
        self.assertRegex(r.stdout, r"(?m)^PASS scrape:process_open_fds: ", r)
        self.assertRegex(r.stdout, r"(?m)^PASS scrape:process_resident_memory_bytes: ", r)
        self.assertNotRegex(r.stdout, r"(?m)^\w+ fds: ", "monitor.pid: none must not read /proc")

    def test_leaked_fds_are_found_through_the_scrape(self):
        r = self.run_scraped("[{pattern: fin, weight: 1}]")
        self.assertEqual(r.code, 1, r)
        self.assertRegex(r.stdout, r"(?m)^LEAK scrape:process_open_fds: .*\+30 > fd_delta_max 8", r)

    def test_an_unreachable_metrics_endpoint_is_said_not_ignored(self):
        oracle = WireOracle(self.tmp)
        try:
            r = run_wsloadgen("run", write_profile(self.tmp, profile("[{pattern: clean, weight: 1}]",
                                                                     "http://127.0.0.1:1/metrics")),
                              "--target", oracle.url, "--progress", "off", timeout=60)
        finally:
            oracle.stop()
        self.assertIn("INCONCLUSIVE scrape of http://127.0.0.1:1/metrics failed", r.stdout, r)


if __name__ == "__main__":
    unittest.main()
