"""Remote monitoring: the leak verdict from the server's own /metrics, without reading its /proc."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import ProcessExporter, TempDirTestCase, WireOracle, run_wsloadgen, scaled, write_profile  # noqa: E402
from kernel_sockets import owned_connections  # noqa: E402
from wire_assertions import close_frames, describe, without_preflight  # noqa: E402

CONNECTIONS = 30


def profile(mix, scrape_url):
    return f"""
name: remote-monitoring
seed: 6
workers: 2
phases:
  - {{name: ramp, connections: {CONNECTIONS}, connect_rate: 300/s}}
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
        """(Result, the oracle's record, the connections the oracle process still held at the end per /proc)."""
        oracle = WireOracle(self.tmp, modes=("leak-on-abort",))
        exporter = ProcessExporter(oracle.proc.pid)
        try:
            r = run_wsloadgen("run", write_profile(self.tmp, profile(mix, exporter.url)), "--target", oracle.url,
                              "--out", self.tmp, "--progress", "off", timeout=60)
            self.assertTrue(oracle.wait_for_ended(CONNECTIONS + 1, timeout=scaled(10)))
            held = owned_connections(oracle.proc.pid, oracle.port)
        finally:
            exporter.stop()
            record = oracle.stop()
        return r, without_preflight(record["connections"], CONNECTIONS), held

    def test_a_clean_exchange_passes_on_scraped_series(self):
        r, conns, held = self.run_scraped("[{pattern: clean, weight: 1}]")
        self.assertEqual(r.code, 0, r)
        self.assertRegex(r.stdout, r"(?m)^PASS scrape:process_open_fds: ", r)
        # One cycle is all warm-up: scraped memory is not judged per connection, and says so.
        self.assertRegex(r.stdout, r"(?m)^INCONCLUSIVE scrape:process_resident_memory_bytes: .*all in warm-up", r)
        self.assertNotRegex(r.stdout, r"(?m)^\w+ fds: ", "monitor.pid: none must not read /proc")
        # What really happened at the server: 30 clean closes, and (/proc) no connection of the load kept.
        self.assertEqual(len(conns), CONNECTIONS, r)
        for conn in conns:
            self.assertEqual([f["close_code"] for f in close_frames(conn)], [1000], describe(conn))
        self.assertEqual(set(held) & {c["peer_port"] for c in conns}, set(), held)

    def test_leaked_fds_are_found_through_the_scrape(self):
        r, conns, held = self.run_scraped("[{pattern: fin, weight: 1}]")
        self.assertEqual(r.code, 1, r)
        self.assertRegex(r.stdout, r"(?m)^LEAK scrape:process_open_fds: .*\+30 > fd_delta_max 8", r)
        # The +30 is real: /proc shows the oracle holding every one of the load's 30 sockets, in CLOSE_WAIT.
        self.assertEqual({port: state for port, state in held.items() if port in {c["peer_port"] for c in conns}},
                         {c["peer_port"]: "CLOSE_WAIT" for c in conns}, r)

    def test_an_unreachable_metrics_endpoint_is_said_not_ignored(self):
        oracle = WireOracle(self.tmp)
        try:
            r = run_wsloadgen("run", write_profile(self.tmp, profile("[{pattern: clean, weight: 1}]",
                                                                     "http://127.0.0.1:1/metrics")),
                              "--target", oracle.url, "--out", self.tmp, "--progress", "off", timeout=60)
        finally:
            oracle.stop()
        self.assertEqual(r.code, 0, r)  # INCONCLUSIVE is said, and does not fail the run
        self.assertIn("INCONCLUSIVE scrape of http://127.0.0.1:1/metrics failed", r.stdout, r)


if __name__ == "__main__":
    unittest.main()
