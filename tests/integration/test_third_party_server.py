"""The generator against python3-websockets, a server nobody here wrote: what did that server receive?"""
import collections
import glob
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import RecordingServer, TempDirTestCase, run_wsloadgen, write_profile  # noqa: E402
from wire_assertions import most_periodic  # noqa: E402

PROFILE = """
name: third-party
seed: 7
workers: 2
target:
  url: "SERVER_URLroom?id=1&token=${WSL_URL_TOKEN}"
  headers: {X-Test-Run: "${WSL_TEST_VALUE}"}
  origin: https://origin.example.test
phases:
  - {name: ramp, connections: 30, connect_rate: 100/s}
  - {name: hold, duration: 1500ms}
  - {name: drain, close: all}
session:
  messages: {interval: 200ms, size: 64, payload: text}
close:
  timeout: 3s
  mix:
    - {pattern: clean, weight: 1, code: 1000, reason: "bye"}
    - {pattern: clean, weight: 1, code: 4321, reason: "app says ciao"}
"""


class ThirdPartyServer(TempDirTestCase):
    def test_handshakes_messages_and_close_codes_as_received(self):
        server = RecordingServer(self.tmp)
        try:
            path = write_profile(self.tmp, PROFILE.replace("SERVER_URL", server.url))
            out = os.path.join(self.tmp, "out")
            r = run_wsloadgen("run", path, "--out", out, "--progress", "off",
                              env={"WSL_TEST_VALUE": "secret-42", "WSL_URL_TOKEN": "url-secret-7"}, timeout=60)
        finally:
            record = server.stop()
        self.assertEqual(r.code, 0, r)
        conns = record["connections"]
        self.assertEqual(len(conns), 30, r)
        for c in conns:
            self.assertEqual(c["path"], "/room?id=1&token=url-secret-7")
            self.assertEqual(c["origin"], "https://origin.example.test")
            self.assertEqual(c["headers"].get("X-Test-Run"), "secret-42")
            # 1.5 s hold at one message per 200 ms: each connection sent several, all echoed; the first one
            # opened lived at most the 0.3 s ramp longer.
            self.assertTrue(5 <= c["messages"] <= most_periodic(1.8 + 0.05, 0.2), c)
            self.assertEqual(c["bytes"], 64 * c["messages"], c)
        closes = collections.Counter((c["close_code"], c["close_reason"]) for c in conns)
        self.assertEqual(set(closes), {(1000, "bye"), (4321, "app says ciao")}, closes)
        self.assertEqual(sum(closes.values()), 30)
        # Values from the environment must never be printed, nor written to any report.
        written = {"stdout": r.stdout, "stderr": r.stderr}
        for report in glob.glob(os.path.join(out, "*")):
            with open(report, errors="replace") as f:
                written[os.path.basename(report)] = f.read()
        self.assertTrue({"report.json", "junit.xml", "timeseries.csv"} <= set(written), sorted(written))
        for name, text in written.items():
            for secret in ("secret-42", "url-secret-7"):
                self.assertNotIn(secret, text, f"{secret} leaked into {name}")


if __name__ == "__main__":
    unittest.main()
