"""The monitor's own /metrics scrapes, served on the port under test, are not counted as the server's sockets.

Found on Boost.Beast (bench/verdict_accuracy.py): the census of the port's sockets runs right after the scrape,
and caught the server's end of the scrape's own connection in CLOSE_WAIT in a tenth of the samples, a quarter
on a busy server. One such sample after settle was a false `LEAK sockets.close_wait`. Here the server keeps
every /metrics connection open for a while after its response (`--metrics-linger`), so the census always finds
the scrapes' sockets in CLOSE_WAIT: the kernel's table shows them, and the monitor must not count them.
"""
import csv
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import TempDirTestCase, run_wsloadgen, scaled, write_profile  # noqa: E402
from kernel_sockets import ConnectionSampler  # noqa: E402
from real_servers import RealServer  # noqa: E402

LINGER_SECONDS = 0.5  # each scrape's connection stays in CLOSE_WAIT on the server that long
CONNECTIONS = 40

PROFILE = f"""
name: monitor-own-connections
seed: 9
phases:
  - {{name: ramp, connections: {CONNECTIONS}, connect_rate: 200/s}}
  - {{name: hold, duration: 2s}}
  - {{name: drain, close: all}}
close:
  timeout: 2s
  mix: [{{pattern: clean, weight: 1}}]
monitor: {{interval: 250ms}}
checks:
  leak: {{settle: 1s}}
"""


class MonitorOwnConnections(TempDirTestCase):
    def test_lingering_scrapes_are_not_the_servers_close_wait(self):
        with RealServer("boost-beast", "--metrics-linger", str(LINGER_SECONDS)) as server:
            sampler = ConnectionSampler(server.pid, server.port, interval=0.05)
            try:
                r = run_wsloadgen("run", write_profile(self.tmp, PROFILE), "--target", server.url,
                                  "--set", f"monitor.scrape={server.metrics_url}", "--out", self.tmp,
                                  "--progress", "off", timeout=scaled(60))
            finally:
                samples = sampler.stop()
            account = server.stop()
        self.assertEqual(r.code, 0, r)

        # What the server's end of the wire held (/proc and the kernel's table): the load's connections all
        # closed cleanly, and the scrapes' connections sat in CLOSE_WAIT, a few at a time, all run long.
        self.assertEqual(account["closed_clean"], CONNECTIONS, account)
        close_waits = [sum(state == "CLOSE_WAIT" for state in held.values()) for _, held in samples]
        self.assertGreaterEqual(max(close_waits), 1, "the server never held a scrape in CLOSE_WAIT: nothing tested")
        self.assertGreaterEqual(sum(n > 0 for n in close_waits), len(close_waits) // 2, close_waits)

        # What the monitor counted: none of them, in any sample, and the verdict on CLOSE_WAIT passes.
        with open(os.path.join(self.tmp, "timeseries.csv")) as f:
            rows = list(csv.DictReader(f))
        self.assertGreater(len(rows), 10, r)
        counted = [row["sockets.close_wait"] for row in rows]
        self.assertEqual(set(counted), {"0"}, counted)
        self.assertRegex(r.stdout, r"(?m)^PASS sockets\.close_wait: 0 stuck in CLOSE_WAIT", r)


if __name__ == "__main__":
    unittest.main()
