"""--shard I/N: N processes take disjoint shares that together run the whole profile, as one server sees it."""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import TempDirTestCase, WireOracle, wsloadgen_command, write_profile  # noqa: E402

PROFILE = """
name: shards
seed: 12
workers: 2
phases:
  - {name: ramp, connections: 60, connect_rate: 300/s}
  - {name: hold, duration: 300ms}
  - {name: drain, close: all}
close:
  timeout: 1s
  mix: [{pattern: clean, weight: 1, code: 1000}, {pattern: clean, weight: 1, code: 4002}]
checks:
  leak: {settle: 500ms}
"""


def key_to_close_code(record):
    """{Sec-WebSocket-Key: close code} over the run's connections (the key is drawn from seed and id)."""
    return {c["request_headers"]["sec-websocket-key"]: [f["close_code"] for f in c["frames"] if f.get("opcode") == 8]
            for c in record["connections"] if c["request_bytes"] > 0}


class Shards(TempDirTestCase):
    def test_two_shards_do_exactly_what_one_process_does(self):
        path = write_profile(self.tmp, PROFILE)
        os.makedirs(os.path.join(self.tmp, "single"))
        single = WireOracle(os.path.join(self.tmp, "single"))  # its own folder: each oracle writes its record there
        try:
            out = subprocess.run(wsloadgen_command("run", path, "--target", single.url, "--progress", "off",
                                  "--out", os.path.join(self.tmp, "single")), capture_output=True, text=True,
                                 timeout=60)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            self.assertTrue(single.wait_for_ended(61, timeout=10))
        finally:
            one_process = key_to_close_code(single.stop())
        sharded = WireOracle(self.tmp)
        try:
            runs = [subprocess.Popen(wsloadgen_command("run", path, "--target", sharded.url, "--shard", f"{i}/2",
                                      "--out", os.path.join(self.tmp, f"out{i}"), "--progress", "off"),
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(2)]
            outputs = [p.communicate(timeout=60) for p in runs]
            self.assertTrue(sharded.wait_for_ended(62, timeout=10))
        finally:
            two_shards = key_to_close_code(sharded.stop())
        for p, (out, err) in zip(runs, outputs):
            self.assertEqual(p.returncode, 0, out + err)
            self.assertIn("attempted 30  opened 30", out, out)
        self.assertEqual(len(one_process), 60)
        self.assertEqual(sorted(set(map(tuple, one_process.values()))), [(1000,), (4002,)], "one Close each")
        self.assertEqual(two_shards, one_process)

    def test_two_shards_add_up_to_the_profile(self):
        path = write_profile(self.tmp, PROFILE)
        oracle = WireOracle(self.tmp)
        try:
            runs = [subprocess.Popen(wsloadgen_command("run", path, "--target", oracle.url, "--shard", f"{i}/2",
                                      "--out", os.path.join(self.tmp, f"out{i}"), "--progress", "off"),
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(2)]
            outputs = [p.communicate(timeout=60) for p in runs]
            self.assertTrue(oracle.wait_for_ended(62, timeout=10))  # 60 connections + 2 preflights
        finally:
            record = oracle.stop()
        for p, (out, err) in zip(runs, outputs):
            self.assertEqual(p.returncode, 0, out + err)
            self.assertIn("attempted 30  opened 30", out, out)  # each shard: exactly half
        conns = [c for c in record["connections"] if c["request_bytes"] > 0]
        self.assertEqual(len(conns), 60)
        # Disjoint shares: every connection used its own WebSocket key, so none was opened twice.
        keys = [c["request_headers"]["sec-websocket-key"] for c in conns]
        self.assertEqual(len(set(keys)), 60)
        # The same seeded choices as one process would make: both codes of the mix, from both shards.
        codes = sorted(f["close_code"] for c in conns for f in c["frames"] if f.get("opcode") == 8)
        self.assertEqual(len(codes), 60)
        self.assertEqual(set(codes), {1000, 4002})


if __name__ == "__main__":
    unittest.main()
