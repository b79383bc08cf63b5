"""target.source_addresses: connections really leave from each listed address, round-robin, as the server sees them."""
import collections
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import TempDirTestCase, WireOracle, run_wsloadgen, write_profile  # noqa: E402

PROFILE = """
name: sources
workers: 2
target:
  source_addresses: [127.0.0.2, 127.0.0.3]
phases:
  - {name: ramp, connections: 40, connect_rate: 400/s}
  - {name: drain, close: all}
checks:
  leak: {settle: 200ms}
"""


class SourceAddresses(TempDirTestCase):
    def test_the_server_sees_every_listed_address_in_turn(self):
        oracle = WireOracle(self.tmp)
        try:
            result = run_wsloadgen("run", write_profile(self.tmp, PROFILE), "--target", oracle.url,
                                   "--progress", "off", "--out", self.tmp)
            self.assertTrue(oracle.wait_for_ended(41, timeout=10))  # 40 connections and the preflight
        finally:
            record = oracle.stop()
        self.assertEqual(result.code, 0, result)
        peers = collections.Counter(c["peer_address"] for c in record["connections"] if c["request_bytes"] > 0)
        self.assertEqual(peers, {"127.0.0.2": 20, "127.0.0.3": 20})


if __name__ == "__main__":
    unittest.main()
