"""Capacity runs against servers whose limit is known: does the search find it, and does the server agree?

`wsloadgen serve --fault max-connections=N` answers 503 to any upgrade while N connections are open, and
counts what it saw (handshakes, upgrades refused, the most connections open at once). The search must bracket N
within its resolution, and every step's level and outcome must match the server's own account. Third-party
servers (npm ws, python3-websockets) must see a search through to a level. A lowered open-file limit must end a
search at this host's limit and say so."""
import json
import os
import re
import resource
import subprocess
import sys
import unittest

import jsonschema

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import (BIN, SOURCE_DIR, Result, ServeProcess, TempDirTestCase, run_wsloadgen,  # noqa: E402
                     wsloadgen_command, write_profile)
from background_run import BackgroundRun  # noqa: E402
from real_servers import RealServer  # noqa: E402

SCHEMA_PATH = os.path.join(SOURCE_DIR, "docs", "report.schema.json")

SEARCH = """
name: search
seed: 11
workers: 2
capacity: {{start: {start}, factor: 2, max: {max}, step_duration: {step}, refine: {refine}, ramp_rate: 500/s}}
session:
  messages: {{interval: 500ms, size: 64}}
checks:
  leak: {{settle: 1s}}
  handshake_error_ratio_max: 0.001
"""


def search_profile(start=50, max=1000, step="2s", refine=3):
    return SEARCH.format(start=start, max=max, step=step, refine=refine)


def read_report(out):
    with open(os.path.join(out, "report.json")) as f:
        return json.load(f)


def completed(report):
    return [s for s in report["steps"] if s["completed"]]


class SearchFindsAKnownLimit(TempDirTestCase):
    """One search against a server that takes at most LIMIT connections."""

    LIMIT = 300

    @classmethod
    def setUpClass(cls):
        cls._tmp_class = __import__("tempfile").TemporaryDirectory()
        tmp = cls._tmp_class.name
        server = ServeProcess("--fault", f"max-connections={cls.LIMIT}")
        try:
            cls.out = os.path.join(tmp, "out")
            cls.result = run_wsloadgen("run", write_profile(tmp, search_profile()), "--target", server.url,
                                       "--out", cls.out, "--progress", "plain", timeout=180)
        finally:
            cls.account = server.stop()
        cls.report = read_report(cls.out)

    @classmethod
    def tearDownClass(cls):
        cls._tmp_class.cleanup()

    def test_the_search_brackets_the_limit_within_its_resolution(self):
        self.assertEqual(self.result.code, 0, self.result)
        c = self.report["capacity"]
        self.assertEqual((c["method"], c["of"], c["stop"]), ("search", "connections", "bracketed"), c)
        self.assertLessEqual(c["sustained"], self.LIMIT)
        self.assertGreater(c["failed"], self.LIMIT)
        self.assertEqual(c["resolution"], c["failed"] - c["sustained"])
        # Raised ×2 from 50 to the first failure (400), then bisected 3 times: 200 / 2**3.
        self.assertLessEqual(c["resolution"], 25)
        self.assertEqual(c["search"], {"start": 50, "factor": 2, "max": 1000, "step_duration_seconds": 2,
                                       "refine": 3})

    def test_each_step_matches_what_the_server_saw(self):
        steps = completed(self.report)
        self.assertEqual(len(steps), len(self.report["steps"]), "no step was cut short")
        levels = [s["level"] for s in steps]
        self.assertEqual(levels[:4], [50, 100, 200, 400], "raised ×2 from start until a step failed")
        self.assertLessEqual(len(levels), 4 + 3, "then at most `refine` bisections")
        for s in steps:
            # A step held exactly when the server could take its level.
            self.assertEqual(s["sustained"], s["level"] <= self.LIMIT, s)
            self.assertEqual(s["connections_opened"], min(s["level"], self.LIMIT), s)
            self.assertEqual(s["errors_total"], max(0, s["level"] - self.LIMIT), s)
            if not s["sustained"]:
                self.assertTrue(s["failures"][0].startswith("handshake_error_ratio "), s)
        # The server's own account: what it accepted, what it refused, and that it never held more than its limit.
        self.assertEqual(self.account["peak_open_connections"], self.LIMIT, self.account)
        self.assertEqual(self.account["handshakes"], sum(s["connections_opened"] for s in steps), self.account)
        self.assertEqual(self.account["upgrades_refused"], sum(s["errors_total"] for s in steps), self.account)
        self.assertEqual(self.account["closed_without_close_frame"], 0, "every step's connections were closed")

    def test_the_summary_gives_a_line_per_step_and_says_how_the_level_was_found(self):
        out = self.result.stdout
        for s in self.report["steps"]:
            word = "held" if s["sustained"] else "FAILED:" + s["failures"][0].split()[0]
            self.assertRegex(out, rf"(?m)^{re.escape(s['name'])}\s+{re.escape(word)}\s+{s['level']:g}\s", s)
        c = self.report["capacity"]
        self.assertIn(f"capacity     sustained {c['sustained']:g} connections (step-{c['sustained']:g}); "
                      f"first failed {c['failed']:g} (step-{c['failed']:g}): handshake_error_ratio", out)
        self.assertIn(f"search: {len(self.report['steps'])} steps of 2s: raised ×2 from 50 until a step failed, "
                      f"then bisected", out)
        self.assertIn(f"so the limit lies in [{c['sustained']:g}, {c['failed']:g}), resolution "
                      f"{c['resolution']:g}", out)
        # One line per finished step on stderr while the search runs.
        self.assertEqual(len(re.findall(r"(?m)^wsloadgen: capacity step-\d+: ", self.result.stderr)),
                         len(self.report["steps"]), self.result.stderr)

    def test_report_json_validates_against_its_schema(self):
        with open(SCHEMA_PATH) as f:
            validator = jsonschema.Draft202012Validator(json.load(f))
        self.assertEqual([f"{e.json_path}: {e.message}" for e in validator.iter_errors(self.report)], [])
        # A search judges steps, not the whole run: no whole-run threshold check failed it.
        self.assertEqual({c["name"] for c in self.report["checks"]}, {"server"})
        self.assertEqual(self.report["verdict"], "PASS")


class CapacityMin(TempDirTestCase):
    def run_search(self, capacity_min):
        server = ServeProcess("--fault", "max-connections=80")
        try:
            out = os.path.join(self.tmp, f"out-{capacity_min}")
            r = run_wsloadgen("run", write_profile(self.tmp, search_profile(start=40, max=160, step="1s", refine=1)),
                              "--target", server.url, "--out", out, "--progress", "off",
                              "--set", f"checks.capacity_min={capacity_min}", timeout=120)
        finally:
            account = server.stop()
        return r, read_report(out), account

    def test_the_run_fails_below_capacity_min_and_passes_at_it(self):
        r, report, account = self.run_search(100)
        self.assertEqual(r.code, 1, r)
        self.assertEqual(report["capacity"]["sustained"], 80, report["capacity"])
        self.assertEqual(account["peak_open_connections"], 80)
        [check] = [c for c in report["checks"] if c["name"] == "capacity_min"]
        self.assertEqual((check["passed"], check["detail"]), (False, "sustained 80 < min 100 connections"))
        self.assertIn("FAIL capacity_min: sustained 80 < min 100 connections", r.stdout)
        r, report, _ = self.run_search(80)
        self.assertEqual(r.code, 0, r)
        self.assertIn("PASS capacity_min: sustained 80 >= min 80 connections", r.stdout)

    def test_a_signal_ends_the_search_with_what_held_so_far(self):
        server = ServeProcess()
        out = os.path.join(self.tmp, "interrupted")
        run = BackgroundRun("run", write_profile(self.tmp, search_profile(start=20, step="30s")), "--target",
                            server.url, "--out", out, "--progress", "plain", "--metrics-listen", "127.0.0.1:0",
                            "--set", "capacity.step_duration=3s")
        try:
            run.wait_for_stderr(r"^wsloadgen: capacity step-20: held", 60)
            # The second step is under way. (It lasts 3 s so that the once-a-second progress line cannot miss it:
            # with 1 s steps a loaded machine printed no line during step-40 at all.)
            run.wait_for_stderr(r" step-40 \| active [1-9]", 30)
            run.proc.send_signal(__import__("signal").SIGINT)
            code = run.finish(timeout=60)
        finally:
            run.kill()
            account = server.stop()
        self.assertEqual(code, 130, run)
        report = read_report(out)
        c = report["capacity"]
        self.assertEqual((c["stop"], c["sustained"]), ("interrupted", 20), c)
        self.assertEqual([(s["name"], s["completed"]) for s in report["steps"]],
                         [("step-20", True), ("step-40", False)])
        self.assertIn("interrupted; 20 held so far", c["how"])
        self.assertEqual(account["handshakes"], sum(s["connections_opened"] for s in report["steps"]))

    def test_a_search_refuses_shards(self):
        path = write_profile(self.tmp, search_profile())
        r = run_wsloadgen("run", path, "--shard", "0/2", "--target", "ws://127.0.0.1:9/", timeout=30)
        self.assertEqual(r.code, 2, r)
        self.assertIn("a capacity search decides each level from what this process saw", r.stderr)

    def test_a_bad_capacity_key_names_file_line_and_column(self):
        path = write_profile(self.tmp, search_profile().replace("refine:", "refnie:"))
        r = run_wsloadgen("run", path, timeout=30)
        self.assertEqual(r.code, 2, r)
        self.assertIn(f"{path}:5:", r.stderr)
        self.assertIn("capacity.refnie: unknown key, did you mean refine?", r.stderr)


class HostLimit(TempDirTestCase):
    """With an open-file limit of 600 this host cannot hold 800 connections: the search stops at what it can."""

    HARD_FDS = 600

    def test_the_search_ends_at_this_hosts_limit_and_says_how_to_go_further(self):
        server = ServeProcess()  # its own process: the lowered limit is the generator's alone
        path = write_profile(self.tmp, search_profile(start=100, max=100000, step="1s"))
        out = os.path.join(self.tmp, "out")

        def lower_fd_limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (256, self.HARD_FDS))

        try:
            proc = subprocess.run(wsloadgen_command("run", path, "--target", server.url, "--out", out, "--progress",
                                                    "off"), capture_output=True, text=True, timeout=120,
                                  preexec_fn=lower_fd_limit, stdin=subprocess.DEVNULL)
        finally:
            account = server.stop()
        r = Result(proc, 0)
        self.assertEqual(r.code, 0, r)
        report = read_report(out)
        c = report["capacity"]
        self.assertEqual(c["stop"], "host_limit", c)
        levels = [s["level"] for s in completed(report)]
        self.assertEqual(levels[:3], [100, 200, 400])
        # 800 needs more than 600 fds; the highest level that fits (less the generator's own 64) ran and held.
        self.assertEqual(c["sustained"], levels[-1])
        self.assertGreater(levels[-1], 400)
        self.assertLessEqual(levels[-1], self.HARD_FDS - 64)
        self.assertTrue(all(s["sustained"] for s in completed(report)), report["steps"])
        self.assertNotIn("no_file_descriptor", json.dumps(report["steps"]), "the generator never ran out of fds")
        self.assertEqual(account["peak_open_connections"], levels[-1], "the server really held that many")
        self.assertIn("the most this host can run", c["how"])
        self.assertIn("ulimit -n", c["further"])
        self.assertIn("--shard", c["further"])
        self.assertIn(c["further"], r.stdout)


class ThirdPartyServers(TempDirTestCase):
    def test_npm_ws_search_reaches_max_and_the_server_counts_every_connection(self):
        with RealServer("node-ws") as server:
            out = os.path.join(self.tmp, "out")
            r = run_wsloadgen("run", write_profile(self.tmp, search_profile(start=100, max=400, step="2s")),
                              "--target", server.url, "--out", out, "--progress", "off", timeout=120)
            account = server.stop()
        self.assertEqual(r.code, 0, r)
        report = read_report(out)
        c = report["capacity"]
        self.assertEqual((c["stop"], c["sustained"]), ("max_reached", 400), c)
        self.assertIn("raise capacity.max", c["further"])
        steps = completed(report)
        self.assertEqual([s["level"] for s in steps], [100, 200, 400])
        self.assertEqual(account["connections"], sum(s["connections_opened"] for s in steps), account)
        self.assertEqual(account["open"], 0, "every step's connections were closed")
        self.assertEqual(account["closed_clean"], account["connections"], account)
        # Same host: the server's CPU and RSS per step came from its /proc.
        self.assertTrue(all(s["server"]["cpu_share"] is not None and s["server"]["rss_bytes"] for s in steps), steps)

    def test_python_websockets_connect_rate_search_reports_a_level(self):
        profile = search_profile().replace(
            "capacity: {start: 50, factor: 2, max: 1000, step_duration: 2s, refine: 3, ramp_rate: 500/s}",
            "capacity: {of: connect_rate, start: 20/s, factor: 2, max: 80/s, step_duration: 2s, refine: 2, "
            "connections: 20}")
        with RealServer("python-websockets") as server:
            out = os.path.join(self.tmp, "out")
            r = run_wsloadgen("run", write_profile(self.tmp, profile), "--target", server.url, "--out", out,
                              "--progress", "off", timeout=120)
            account = server.stop()
        self.assertEqual(r.code, 0, r)
        report = read_report(out)
        c = report["capacity"]
        self.assertEqual(c["of"], "connect_rate")
        self.assertIsNotNone(c["sustained"], c)
        self.assertIn(c["stop"], ("bracketed", "max_reached"), c)
        steps = completed(report)
        self.assertEqual(account["connections"], sum(s["connections_opened"] for s in steps), account)
        for s in steps:
            if s["sustained"]:
                # Every open of a step happens at its rate: the ramp to 20 connections and the churn alike.
                self.assertAlmostEqual(s["opens_per_second"], s["level"], delta=0.25 * s["level"], msg=s)
        self.assertRegex(r.stdout, rf"capacity     sustained {c['sustained']:g}/s opens/s")


if __name__ == "__main__":
    unittest.main()
