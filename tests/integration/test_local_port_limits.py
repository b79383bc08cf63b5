"""A run that needs more local ports than its source addresses offer refuses to start (exit 3) and says what to change."""
import os
import resource
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import TempDirTestCase, WireOracle, closed_local_port, run_wsloadgen, write_profile  # noqa: E402

EXIT_CANNOT_PROCEED = 3


def ports_per_address():
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        first, last = map(int, f.read().split())
    return first, last, last - first + 1


class LocalPortLimits(TempDirTestCase):
    def profile(self, connections, extra=""):
        """`connections` opened at once and held; the target is a closed port, so a run the checks let through
        stops at the preflight (exit 3 too, but with another message) and never opens its load."""
        return write_profile(self.tmp, f"""
name: many
target:
  url: ws://127.0.0.1:{closed_local_port()}/
{extra}
phases:
  - {{name: ramp, connections: {connections}}}
  - {{name: drain, close: all}}
""")

    def test_more_connections_than_one_address_has_ports_is_refused_with_the_fixes(self):
        first, last, per_address = ports_per_address()
        connections = 2 * per_address + 1000  # beyond two addresses' worth, whatever the fd limit
        result = run_wsloadgen("run", self.profile(connections), "--progress", "off", "--out", self.tmp)
        self.assertEqual(result.code, EXIT_CANNOT_PROCEED, result)
        self.assertIn(f"needs up to {connections} local ports at once on its one source address", result.stderr)
        self.assertIn(f"net.ipv4.ip_local_port_range {first}-{last}: {per_address} ports", result.stderr)
        self.assertIn("list at least 3 local addresses in all in target.source_addresses", result.stderr)
        self.assertIn("--shard I/N", result.stderr)
        # Every limit problem is reported at once: with this many connections the fd check has its say too
        # unless the hard open-file limit is above them.
        if resource.getrlimit(resource.RLIMIT_NOFILE)[1] < connections + 64:
            self.assertIn(f"ulimit -n {connections + 64}", result.stderr)

    def test_refused_before_anything_reaches_the_target(self):
        _, _, per_address = ports_per_address()
        oracle = WireOracle(self.tmp)
        try:
            path = write_profile(self.tmp, f"""
name: many
phases:
  - {{name: ramp, connections: {per_address + 1}}}
""")
            result = run_wsloadgen("run", path, "--target", oracle.url, "--progress", "off", "--out", self.tmp)
        finally:
            record = oracle.stop()
        self.assertEqual(result.code, EXIT_CANNOT_PROCEED, result)
        self.assertIn("local ports at once", result.stderr)
        self.assertEqual(record["connections"], [])  # not even the preflight

    def assert_stopped_only_by_the_fd_limit_or_the_closed_port(self, result, connections):
        """The port check let the run through: what stopped it is the open-file limit, when the hard limit is
        below what `connections` need, and otherwise the preflight to the closed port; nothing else."""
        self.assertEqual(result.code, EXIT_CANNOT_PROCEED, result)
        self.assertNotIn("local ports", result.stderr)
        refusals = [line for line in result.stderr.splitlines() if "cannot run" in line]
        self.assertEqual(len(refusals), 1, result)
        if resource.getrlimit(resource.RLIMIT_NOFILE)[1] < connections + 64:
            self.assertIn(f"but the open-file limit is", refusals[0], result)
            self.assertIn(f"(ulimit -n {connections + 64})", refusals[0], result)
        else:
            self.assertRegex(refusals[0], r"target ws://127\.0\.0\.1:\d+/ \(127\.0\.0\.1\) is unreachable: "
                                          r"Connection refused$", result)

    def test_enough_source_addresses_or_shards_lift_the_port_limit(self):
        _, _, per_address = ports_per_address()
        connections = 2 * per_address + 1000
        spread = self.profile(connections, "  source_addresses: [127.0.0.2, 127.0.0.3, 127.0.0.4]")
        result = run_wsloadgen("run", spread, "--progress", "off", "--out", self.tmp)
        self.assert_stopped_only_by_the_fd_limit_or_the_closed_port(result, connections)
        sharded = self.profile(connections)
        result = run_wsloadgen("run", sharded, "--shard", "0/3", "--progress", "off", "--out", self.tmp)
        # Shard 0 of 3 takes every third connection id from 0: the first of each three.
        self.assert_stopped_only_by_the_fd_limit_or_the_closed_port(result, (connections + 2) // 3)

    def test_time_wait_of_fin_closes_counts_on_a_bound_source_address(self):
        # 100 connections churned with FIN at 600/s for 60 s: each closed port stays in TIME_WAIT for 60 s,
        # so a bound address needs about 36000 ports although only 100 are ever open.
        path = write_profile(self.tmp, f"""
name: fin-churn
target:
  url: ws://127.0.0.1:{closed_local_port()}/
  source_addresses: [127.0.0.2]
phases:
  - {{name: ramp, connections: 100}}
  - {{name: churn, duration: 60s, connections: 100, churn_rate: 600/s}}
close:
  mix: [{{pattern: fin, weight: 1}}]
""")
        result = run_wsloadgen("run", path, "--progress", "off", "--out", self.tmp)
        self.assertEqual(result.code, EXIT_CANNOT_PROCEED, result)
        self.assertIn("on source address 127.0.0.2", result.stderr)
        self.assertRegex(result.stderr, r"\(100 connections open or closing \+ \d+ ports in TIME_WAIT, "
                                        r"which stay taken 1m00s after each close where our FIN goes first\)")

    def test_a_source_address_this_host_does_not_have_is_refused(self):
        path = self.profile(10, "  source_addresses: [127.0.0.2, 192.0.2.1]")  # 192.0.2.0/24: documentation only
        result = run_wsloadgen("run", path, "--progress", "off", "--out", self.tmp)
        self.assertEqual(result.code, EXIT_CANNOT_PROCEED, result)
        self.assertIn("target.source_addresses[1] 192.0.2.1 is not an address of this host", result.stderr)


if __name__ == "__main__":
    unittest.main()
