"""report.json is written for every run, interrupted ones included; SIGINT drains, a second SIGINT aborts."""
import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
import unittest
import urllib.request
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import TempDirTestCase, WireOracle, run_wsloadgen, wsloadgen_command, write_profile  # noqa: E402

PROFILE = """
name: report
seed: 2
workers: 2
phases:
  - {name: ramp, connections: 20, connect_rate: 200/s}
  - {name: hold, duration: HOLD}
  - {name: drain, close: all}
session:
  messages: {interval: 100ms, size: 16}
close:
  timeout: 1s
  mix: [{pattern: clean, weight: 1, code: 4001, reason: drained}]
monitor: {interval: 200ms}
checks:
  leak: {settle: 500ms}
"""


class ReportJson(TempDirTestCase):
    def test_report_matches_the_run(self):
        out = os.path.join(self.tmp, "out")
        r = run_wsloadgen("run", write_profile(self.tmp, PROFILE.replace("HOLD", "500ms")), "--out", out,
                          "--progress", "off", timeout=60)
        self.assertEqual(r.code, 0, r)
        with open(os.path.join(out, "report.json")) as f:
            report = json.load(f)
        self.assertEqual(report["schema_version"], 1)
        self.assertEqual((report["verdict"], report["exit_code"], report["interrupted"]), ("PASS", 0, False))
        self.assertEqual(report["connections"]["opened"], 20)
        self.assertEqual(report["patterns"]["clean"]["close_codes_received"], {"4001": 20})
        self.assertEqual(report["patterns"]["clean"]["outcomes"]["completed"], 20)
        # One cycle is all warm-up: memory cannot be judged per connection, so it (and the whole) is INCONCLUSIVE.
        self.assertEqual(report["leak_verdict"]["overall"], "INCONCLUSIVE")
        resources = {v["resource"]: v for v in report["leak_verdict"]["resources"]}
        self.assertEqual(resources["fds"]["verdict"], "PASS")
        self.assertEqual(resources["rss"]["verdict"], "INCONCLUSIVE")
        self.assertIn("all in warm-up (not judged)", resources["rss"]["reason"])
        self.assertEqual([(b["cycle"], b["pattern"], b["warmup"], b["connections_closed"])
                          for b in report["leak_verdict"]["blocks"]], [(1, "all", True, 20)])
        self.assertGreater(len(report["monitor"]["series"]), 3)
        self.assertIn("fds", report["monitor"]["series"][0]["values"])
        self.assertIn("connections: 20", report["profile"]["resolved"])

        suite = ET.parse(os.path.join(out, "junit.xml")).getroot().find("testsuite")
        cases = {c.get("name"): c for c in suite.findall("testcase")}
        self.assertIn("handshake_error_ratio", cases)
        self.assertIn("leak.fds", cases)
        self.assertEqual(suite.get("failures"), "0")
        self.assertEqual(int(suite.get("tests")), len(report["checks"]) + len(report["leak_verdict"]["resources"]))

        with open(os.path.join(out, "timeseries.csv")) as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(len(rows), len(report["monitor"]["series"]))
        self.assertEqual(float(rows[0]["fds"]), report["monitor"]["series"][0]["values"]["fds"])


class Signals(TempDirTestCase):
    def start(self, target_url, out):
        path = write_profile(self.tmp, PROFILE.replace("HOLD", "60s"))
        return subprocess.Popen(wsloadgen_command("run", path, "--target", target_url, "--out", out, "--progress", "off"),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def wait_for_open(self, proc, count, timeout=10):
        """Until the generator has `count` connections open (101 accepted), read from its /metrics.

        Counting its sockets is not enough: a socket exists from the connect on, and a connection still
        waiting for its 101 when the signal comes is abandoned rather than closed with the drain mix."""
        line = proc.stderr.readline()  # the first thing a run says: where its metrics are
        url = re.search(r"metrics: (http://\S+)", line)
        self.assertTrue(url, line)
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(url.group(1), timeout=2) as response:
                    text = response.read().decode()
                opened = re.search(r"^wsloadgen_connections_opened_total\{[^}]*\} (\S+)$", text, re.M)
                if opened and float(opened.group(1)) >= count:
                    return
            except OSError:
                pass
            self.assertLess(time.monotonic(), deadline, "the generator never opened its connections")
            time.sleep(0.05)

    def test_sigint_drains_with_the_mix_writes_reports_and_exits_130(self):
        self.assert_drains_on(signal.SIGINT)

    def test_sigterm_drains_like_sigint(self):
        self.assert_drains_on(signal.SIGTERM)

    def assert_drains_on(self, signum):
        out = os.path.join(self.tmp, "out")
        oracle = WireOracle(self.tmp)
        try:
            proc = self.start(oracle.url, out)
            self.wait_for_open(proc, 20)
            started = time.monotonic()
            proc.send_signal(signum)
            stdout, stderr = proc.communicate(timeout=30)
            self.assertLess(time.monotonic() - started, 10, stderr)  # drained, not the 60 s hold
            self.assertTrue(oracle.wait_for_ended(21, timeout=10))
        finally:
            record = oracle.stop()
        self.assertEqual(proc.returncode, 130, stdout + stderr)
        self.assertIn("verdict: INTERRUPTED", stdout)
        with open(os.path.join(out, "report.json")) as f:
            report = json.load(f)
        self.assertTrue(report["interrupted"])
        self.assertEqual(report["exit_code"], 130)
        # Every connection was closed with the profile's clean close, as the server saw it.
        conns = [c for c in record["connections"] if c["request_bytes"] > 0]
        self.assertEqual(len(conns), 20)
        for c in conns:
            closes = [f for f in c["frames"] if f.get("opcode") == 8]
            self.assertEqual([(f["close_code"], f["reason"]) for f in closes], [(4001, "drained")], c)

    def test_second_sigint_aborts_at_once_and_still_writes_reports(self):
        out = os.path.join(self.tmp, "out")
        oracle = WireOracle(self.tmp, modes=("no-close-reply",))  # a drain would wait out close.timeout
        try:
            proc = self.start(oracle.url, out)
            self.wait_for_open(proc, 20)
            proc.send_signal(signal.SIGINT)
            time.sleep(0.1)
            started = time.monotonic()
            proc.send_signal(signal.SIGINT)
            stdout, stderr = proc.communicate(timeout=30)
            self.assertLess(time.monotonic() - started, 3, stderr)
            self.assertTrue(oracle.wait_for_ended(21, timeout=10))
        finally:
            record = oracle.stop()
        self.assertEqual(proc.returncode, 130, stdout + stderr)
        # What the server saw: the first SIGINT's drain sent every connection its Close frame, the second reset
        # every one of them at once instead of waiting out close.timeout for the reply that never came.
        conns = [c for c in record["connections"] if c["request_bytes"] > 0]
        self.assertEqual(len(conns), 20)
        for c in conns:
            closes = [f for f in c["frames"] if f.get("opcode") == 8]
            self.assertEqual([(f["close_code"], f["reason"]) for f in closes], [(4001, "drained")], c)
            self.assertLess(c["accepted_at"] + closes[0]["t"], started, c)
            self.assertEqual(c["tcp_end"], "rst", c)
            reset_after = c["accepted_at"] + c["tcp_end_t"] - started
            self.assertTrue(0 <= reset_after < 1.0, f"reset {reset_after:.3f}s after the second SIGINT: {c}")
        with open(os.path.join(out, "report.json")) as f:
            self.assertTrue(json.load(f)["interrupted"])
        self.assertTrue(os.path.exists(os.path.join(out, "junit.xml")))

    def test_sigpipe_never_kills_the_run(self):
        """A SIGPIPE mid-run, and a summary written to a pipe nobody reads any more, are survived."""
        out = os.path.join(self.tmp, "out")
        oracle = WireOracle(self.tmp)
        try:
            proc = self.start(oracle.url, out)
            proc.stdout.close()  # like `wsloadgen run … | head -1` after head has exited
            self.wait_for_open(proc, 20)
            proc.send_signal(signal.SIGPIPE)
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)
            stderr = proc.stderr.read()
            proc.stderr.close()
        finally:
            oracle.stop()
        self.assertEqual(proc.returncode, 130, stderr)  # -13 would mean SIGPIPE killed it
        with open(os.path.join(out, "report.json")) as f:
            self.assertTrue(json.load(f)["interrupted"])
        self.assertTrue(os.path.exists(os.path.join(out, "junit.xml")))


if __name__ == "__main__":
    unittest.main()
