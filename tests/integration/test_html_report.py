"""The reports of a real run: report.json against its schema, junit.xml, and report.html in headless Chromium.

One monitored two-cycle run against the embedded server feeds every check; a second run is interrupted
with SIGINT and must still leave a report.html that renders. The page is loaded over the DevTools
protocol: no console errors, no request beyond the file itself, every chart drawn, the banner saying the
run's verdict, and a screenshot kept as a test artifact."""
import json
import os
import signal
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

import jsonschema

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import BIN, SOURCE_DIR, run_wsloadgen, wsloadgen_command, write_profile  # noqa: E402
from headless_chromium import HeadlessChromium  # noqa: E402

SCHEMA_PATH = os.path.join(SOURCE_DIR, "docs", "report.schema.json")
ARTIFACTS = os.path.join(os.path.dirname(os.path.abspath(BIN)), "test-artifacts")

# Two cycles, so phases, settles and the cycle markers all show; a close reason with markup, to see that
# the page escapes what came from the profile.
PROFILE = """
name: html-report
seed: 5
workers: 2
cycles: 2
phases:
  - {name: ramp, connections: 20, connect_rate: 40/s}
  - {name: churn, duration: HOLD, connections: 20, churn_rate: 10/s}
  - {name: drain, close: all}
session:
  messages: {interval: 200ms, size: 16}
close:
  timeout: 1s
  mix:
    - {pattern: clean, weight: 3, code: 4001, reason: "<em>bye</em> & done"}
    - {pattern: rst, weight: 1}
monitor: {interval: 200ms}
checks:
  leak: {settle: 600ms}
"""

CHART_IDS = ["chart-connections", "chart-rates", "chart-fds", "chart-sockets", "chart-rss"]
# Latency and errors against each step's level, in the "Steps and capacity" section.
KNEE_IDS = ["chart-knee-latency", "chart-knee-errors"]

# What the browser made of the page, gathered in one evaluation.
PAGE_FACTS = """(() => {
  const charts = {};
  for (const id of %s) {
    const figure = document.getElementById(id);
    if (!figure) { charts[id] = null; continue; }
    const svg = figure.querySelector('svg.plot');
    const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0, top: 0};
    const shapes = [...figure.querySelectorAll('path.series, circle.series-point')].map(s => {
      const b = s.getBBox();
      return {width: b.width, height: b.height, stroke: getComputedStyle(s).stroke, fill: getComputedStyle(s).fill};
    });
    const texts = sel => [...figure.querySelectorAll(sel)].map(t => t.textContent);
    charts[id] = {svg: !!svg, width: box.width, height: box.height, top: box.top, shapes,
                  phase_rects: figure.querySelectorAll('rect.phase').length, phase_labels: texts('text.phase-label'),
                  markers: texts('text.marker-label'), x_ticks: texts('text.tick.x'), y_ticks: texts('text.tick.y'),
                  legend: texts('.legend li')};
  }
  const banner = document.getElementById('verdict');
  const pre = document.querySelector('#profile pre');
  const step_rows = [...document.querySelectorAll('#steps table.steps tr')].slice(1);
  const sustained = document.getElementById('capacity-sustained');
  return {charts,
          steps: step_rows.map(r => [...r.cells].map(c => c.textContent)),
          capacity_sustained: sustained ? sustained.textContent : null,
          verdict: banner ? banner.dataset.verdict : null,
          verdict_word: banner ? banner.querySelector('.verdict-word').textContent : null,
          banner_top: banner ? banner.getBoundingClientRect().top : null,
          banner_colour: banner ? getComputedStyle(banner).backgroundColor : null,
          profile_text: pre ? pre.textContent : '', profile_elements: pre ? pre.children.length : -1,
          resources: performance.getEntriesByType('resource').map(e => e.name),
          navigation: performance.getEntriesByType('navigation').map(e => e.name)};
})()""" % json.dumps(CHART_IDS + KNEE_IDS)


def png_size(data):
    """(width, height) from a PNG's IHDR chunk; fails unless it is a PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:8]
    assert data[12:16] == b"IHDR", data[12:16]
    return struct.unpack(">II", data[16:24])


class HtmlReport(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory()
        cls.tmp = cls._tmp.name
        cls.out = os.path.join(cls.tmp, "out")
        cls.run_result = run_wsloadgen("run", write_profile(cls.tmp, PROFILE.replace("HOLD", "1s")), "--out", cls.out,
                                       "--progress", "off", timeout=90)
        cls.browser = None

    @classmethod
    def tearDownClass(cls):
        if cls.browser:
            cls.browser.close()
        cls._tmp.cleanup()

    @classmethod
    def chromium(cls):
        """One browser for the class, started on first use and ended in tearDownClass."""
        if cls.browser is None:
            cls.browser = HeadlessChromium()
        return cls.browser

    def report(self, directory=None):
        with open(os.path.join(directory or self.out, "report.json")) as f:
            return json.load(f)

    def test_the_run_passed_and_wrote_every_report(self):
        self.assertEqual(self.run_result.code, 0, self.run_result)
        self.assertRegex(self.run_result.stdout, r"reports: .* \(report.json, junit.xml, timeseries.csv, report.html\)")
        for name in ("report.json", "junit.xml", "timeseries.csv", "report.html"):
            self.assertTrue(os.path.isfile(os.path.join(self.out, name)), name)

    def test_report_json_validates_against_its_schema(self):
        with open(SCHEMA_PATH) as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        report = self.report()
        errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(report)]
        self.assertEqual(errors, [])
        # The load series spans both cycles and names the phases that ran.
        self.assertEqual({p["cycle"] for p in report["load"]}, {1, 2})
        self.assertLessEqual({"ramp", "churn", "settle"}, {p["phase"] for p in report["load"]})
        # The schema is strict enough to notice a key that is not documented, or one that went missing.
        undocumented = dict(report, surprise=1)
        self.assertFalse(validator.is_valid(undocumented))
        incomplete = {k: v for k, v in report.items() if k != "verdict"}
        self.assertFalse(validator.is_valid(incomplete))

    def test_junit_has_one_testcase_per_check(self):
        report = self.report()
        suite = ET.parse(os.path.join(self.out, "junit.xml")).getroot().find("testsuite")
        names = [c.get("name") for c in suite.findall("testcase")]
        expected = [c["name"] for c in report["checks"]] + \
                   ["leak." + r["resource"] for r in report["leak_verdict"]["resources"]]
        self.assertEqual(names, expected)
        self.assertEqual(int(suite.get("tests")), len(expected))
        self.assertEqual(suite.get("failures"), "0")

    def load_in_chromium(self, directory):
        browser = self.chromium()
        url = "file://" + os.path.abspath(os.path.join(directory, "report.html"))
        browser.open(url)
        return browser, url, browser.evaluate(PAGE_FACTS)

    def assert_loaded_cleanly(self, browser, url, facts):
        self.assertEqual(browser.problems(), [])
        # Nothing left for the network: the only request is the file itself.
        self.assertEqual(set(browser.requested_urls()), {url})
        self.assertEqual(facts["resources"], [])
        self.assertEqual(facts["navigation"], [url])

    def assert_chart_drawn(self, chart_id, chart):
        self.assertIsNotNone(chart, f"{chart_id} is missing")
        self.assertTrue(chart["svg"], chart_id)
        self.assertGreater(chart["width"], 500, chart_id)
        self.assertGreater(chart["height"], 100, chart_id)
        self.assertTrue(chart["shapes"], f"{chart_id} has no data drawn")
        # A series that stays flat has no height, but every one spans time and at least one moves.
        for shape in chart["shapes"]:
            self.assertGreater(shape["width"], 0, chart_id)
            self.assertNotIn(shape["stroke"], ("none", ""), chart_id)  # the style sheet applied
        self.assertTrue(any(s["height"] > 0 for s in chart["shapes"]), f"{chart_id}: every series is flat")
        self.assertGreaterEqual(len(chart["x_ticks"]), 3, chart_id)
        self.assertGreaterEqual(len(chart["y_ticks"]), 2, chart_id)
        self.assertGreater(chart["phase_rects"], 0, chart_id)

    def test_html_report_renders_in_headless_chromium(self):
        browser, url, facts = self.load_in_chromium(self.out)
        self.assert_loaded_cleanly(browser, url, facts)
        report = self.report()
        self.assertEqual(facts["verdict"], report["verdict"])
        self.assertEqual(facts["verdict_word"], "PASS")
        self.assertEqual(facts["banner_colour"], "rgb(26, 127, 55)")  # the PASS green
        for chart_id in CHART_IDS:
            chart = facts["charts"][chart_id]
            self.assert_chart_drawn(chart_id, chart)
            self.assertGreater(chart["top"], facts["banner_top"], "the verdict comes first")
            self.assertEqual(chart["markers"], ["cycle 1", "cycle 2"], chart_id)
            self.assertIn("ramp", chart["phase_labels"], chart_id)
            self.assertIn("settle", chart["phase_labels"], chart_id)
        self.assertEqual(facts["charts"]["chart-rates"]["legend"], ["opened/s", "closes/s", "connect errors/s"])
        self.assertIn("established", facts["charts"]["chart-sockets"]["legend"])
        self.assertTrue(any(t.endswith("MiB") for t in facts["charts"]["chart-rss"]["y_ticks"]))
        # The close reason's markup is shown as text, not made into elements.
        self.assertIn("<em>bye</em> & done", facts["profile_text"])
        self.assertEqual(facts["profile_elements"], 0)

        png = browser.screenshot_png()
        width, height = png_size(png)
        self.assertEqual(width, 1200)
        self.assertGreater(height, 1500)  # the whole page: banner, five charts, tables
        self.assertGreater(len(png), 50_000)
        os.makedirs(ARTIFACTS, exist_ok=True)
        path = os.path.join(ARTIFACTS, "report.png")
        with open(path, "wb") as f:
            f.write(png)
        print(f"screenshot of report.html: {path}", file=sys.stderr)

    def test_the_steps_section_shows_every_step_and_the_knee_charts(self):
        browser, url, facts = self.load_in_chromium(self.out)
        report = self.report()
        # One row per step of report.json, in order: three phases in each of two cycles.
        self.assertEqual([(row[0], row[1]) for row in facts["steps"]],
                         [(s["name"], str(s["cycle"])) for s in report["steps"]])
        self.assertEqual([s["name"] for s in report["steps"]], ["ramp", "churn", "drain"] * 2)
        self.assertEqual(facts["capacity_sustained"], "%g" % report["capacity"]["sustained"])
        for chart_id in KNEE_IDS:
            chart = facts["charts"][chart_id]
            self.assertIsNotNone(chart, chart_id)
            self.assertTrue(chart["shapes"], f"{chart_id} has no data drawn")
            self.assertIn("sustained", chart["markers"], chart_id)
            self.assertEqual(chart["phase_rects"], 0, "the level axis has no phases to shade")
            self.assertGreaterEqual(len(chart["x_ticks"]), 3, chart_id)
        self.assertEqual(facts["charts"]["chart-knee-latency"]["legend"], ["handshake p99", "message RTT p99"])

    def test_an_interrupted_run_still_writes_a_report_html_that_renders(self):
        out = os.path.join(self.tmp, "interrupted")
        path = write_profile(self.tmp, PROFILE.replace("HOLD", "60s"), name="long.yaml")
        proc = subprocess.Popen(wsloadgen_command("run", path, "--out", out, "--progress", "off"),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            self.wait_for_sockets(proc, 20)
            proc.send_signal(signal.SIGINT)
            stdout, stderr = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        self.assertEqual(proc.returncode, 130, stdout + stderr)
        self.assertEqual(self.report(out)["verdict"], "INTERRUPTED")
        browser, url, facts = self.load_in_chromium(out)
        self.assert_loaded_cleanly(browser, url, facts)
        self.assertEqual((facts["verdict"], facts["verdict_word"]), ("INTERRUPTED", "INTERRUPTED"))
        self.assert_chart_drawn("chart-connections", facts["charts"]["chart-connections"])
        self.assert_chart_drawn("chart-fds", facts["charts"]["chart-fds"])

    def wait_for_sockets(self, proc, count, timeout=20):
        """Until the generator holds `count` sockets: its connections are up (the load is running)."""
        fd_dir = f"/proc/{proc.pid}/fd"
        deadline = time.monotonic() + timeout
        while True:
            try:
                sockets = sum(os.readlink(os.path.join(fd_dir, fd)).startswith("socket:") for fd in os.listdir(fd_dir))
            except OSError:
                sockets = 0
            if sockets >= count:
                return
            self.assertIsNone(proc.poll(), "the run ended before its connections were open")
            self.assertLess(time.monotonic(), deadline, "the generator never opened its connections")
            time.sleep(0.05)


if __name__ == "__main__":
    unittest.main()
