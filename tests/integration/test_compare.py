"""`wsloadgen compare` on the reports of two real capacity searches: a server whose limit dropped is a regression
(exit 1), the other way round an improvement (exit 0), and a report that cannot be read is exit 2 naming it."""
import json
import os
import re
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import ServeProcess, run_wsloadgen, write_profile  # noqa: E402

PROFILE = """
name: nightly
seed: 4
workers: 2
capacity: {start: 50, factor: 2, max: 400, step_duration: 1s, refine: 2, ramp_rate: 500/s}
session:
  messages: {interval: 500ms, size: 64}
monitor: {pid: none}
checks:
  leak: {settle: 1s}
"""


def search_against(tmp, limit, name):
    """A search against `wsloadgen serve --fault max-connections=limit`; its report directory and the server's
    account."""
    server = ServeProcess("--fault", f"max-connections={limit}")
    try:
        out = os.path.join(tmp, name)
        r = run_wsloadgen("run", write_profile(tmp, PROFILE, name=f"{name}.yaml"), "--target", server.url,
                          "--out", out, "--progress", "off", timeout=120)
    finally:
        account = server.stop()
    assert r.code == 0, r
    return out, account


def row(stdout, label):
    """The cells after `label` in compare's table, or None."""
    for line in stdout.splitlines():
        if line.startswith(label + "  "):
            return line[len(label):].split()
    return None


class CompareRealReports(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory()
        cls.tmp = cls._tmp.name
        # Last night's server took 400 connections; tonight's build takes 60.
        cls.strong, cls.strong_account = search_against(cls.tmp, 400, "strong")
        cls.weak, cls.weak_account = search_against(cls.tmp, 60, "weak")

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def report(self, directory):
        with open(os.path.join(directory, "report.json")) as f:
            return json.load(f)

    def test_the_two_servers_really_differ(self):
        self.assertEqual(self.strong_account["peak_open_connections"], 400)
        self.assertEqual(self.strong_account["upgrades_refused"], 0)
        self.assertEqual(self.weak_account["peak_open_connections"], 60)
        self.assertGreater(self.weak_account["upgrades_refused"], 0)
        self.assertEqual(self.report(self.strong)["capacity"]["sustained"], 400)
        self.assertEqual(self.report(self.weak)["capacity"]["sustained"], 50)

    def test_a_lower_capacity_is_a_regression(self):
        html = os.path.join(self.tmp, "compare.html")
        r = run_wsloadgen("compare", self.strong, os.path.join(self.weak, "report.json"), "--html", html)
        self.assertEqual(r.code, 1, r)
        self.assertEqual(row(r.stdout, "sustained capacity (connections)"), ["400", "50", "-87.5%", "REGRESSED"])
        # At a level both searches ran, from no errors to 40 of 100: an infinite relative change, past any bound.
        weak_step = next(s for s in self.report(self.weak)["steps"] if s["name"] == "step-100")
        self.assertEqual((weak_step["errors_total"], weak_step["connects_attempted"]), (40, 100))
        self.assertEqual(row(r.stdout, "step-100 error ratio"), ["0.0000", "0.4000", "from", "0", "REGRESSED"])
        # The whole run's error ratio mixes every level a search tried: shown, not judged.
        self.assertEqual(row(r.stdout, "connect/handshake error ratio")[-1], "worse")
        self.assertRegex(r.stdout, r"compare: \d+ regressions? \(exit 1\):\n  sustained capacity \(connections\) -87\.5%")
        with open(html) as f:
            page = f.read()
        self.assertIn('data-exit-code="1"', page)
        self.assertIn("sustained capacity (connections)", page)
        # A bound of 90% lets the capacity pass, not the errors that came from nothing.
        self.assertEqual(run_wsloadgen("compare", self.strong, self.weak, "--max-regression", "90%").code, 1)

    def test_a_higher_capacity_is_an_improvement(self):
        r = run_wsloadgen("compare", self.weak, self.strong, "--max-regression", "50%")
        self.assertEqual(r.code, 0, r)
        self.assertEqual(row(r.stdout, "sustained capacity (connections)"), ["50", "400", "+700.0%", "better"])
        self.assertIn("better", row(r.stdout, "connect/handshake error ratio"))
        self.assertIn("compare: no figure got worse by more than 50% and no verdict became FAIL or LEAK (exit 0)",
                      r.stdout)

    def test_an_unreadable_report_is_exit_2_naming_the_file(self):
        corrupt = os.path.join(self.tmp, "corrupt.json")
        with open(os.path.join(self.strong, "report.json")) as f, open(corrupt, "w") as g:
            g.write(f.read()[:500])
        r = run_wsloadgen("compare", self.strong, corrupt)
        self.assertEqual(r.code, 2, r)
        self.assertIn(f"wsloadgen: compare: {corrupt} is not JSON", r.stderr)
        self.assertEqual(r.stdout, "")

        missing = os.path.join(self.tmp, "no-such-dir")
        r = run_wsloadgen("compare", missing, self.weak)
        self.assertEqual(r.code, 2, r)
        self.assertIn(missing, r.stderr)

        newer = os.path.join(self.tmp, "newer")
        shutil.copytree(self.weak, newer)
        report = self.report(newer)
        report["schema_version"] = 2
        with open(os.path.join(newer, "report.json"), "w") as f:
            json.dump(report, f)
        r = run_wsloadgen("compare", self.strong, newer)
        self.assertEqual(r.code, 2, r)
        self.assertRegex(r.stderr, re.escape(os.path.join(newer, "report.json")) + r".*schema_version 2")


if __name__ == "__main__":
    unittest.main()
