"""The Grafana dashboards against a real Prometheus scraping a real run: every query returns data, every name exists.

One run (two cycles, several close patterns, against the wire oracle in its leak-on-abort mode so that the
leak panels have something to show, monitored through /proc, sock_diag and a scraped /metrics) is scraped
every 250 ms by Prometheus started with dashboards/prometheus-scrape.yml; then every panel query of both
dashboards is evaluated the way Grafana would send it. The files themselves are checked first, without servers.
"""
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import unittest

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from background_run import BackgroundRun  # noqa: E402
from dashboard_queries import (grouping_labels, load_dashboard, metric_names, panel_queries,  # noqa: E402
                               parse_label_values, selectors, substitute, template_variables, variable_query)
from harness import SOURCE_DIR, ProcessExporter, WireOracle, write_profile  # noqa: E402
from metric_catalogue import (catalogue, exposition_samples, exposition_series_names,  # noqa: E402
                              family_name)
from prometheus_servers import (PROMTOOL_BIN, PrometheusServer, http_get, promtool_check_metrics,  # noqa: E402
                                wait_until)

DASHBOARD_DIR = os.path.join(SOURCE_DIR, "dashboards")
DASHBOARDS = [os.path.join(DASHBOARD_DIR, name) for name in ("wsloadgen-overview.json",
                                                             "wsloadgen-leak-hunting.json")]
SCRAPE_CONFIG = os.path.join(DASHBOARD_DIR, "prometheus-scrape.yml")
TEMPLATED = ('job=~"$job"', 'instance=~"$instance"', 'run_id=~"$run_id"')

SCRAPE_INTERVAL_S = 0.25
# What Grafana would put in: $__rate_interval is 4 scrape intervals, $__interval the step of a short range.
RATE_INTERVAL = "1s"
STEP = "500ms"
RUN_ID = "dashboards-test"

PROFILE = """
name: dashboards
seed: 3
workers: 2
cycles: 2
phases:
  - {{name: ramp, connections: 30, connect_rate: 30/s}}
  - {{name: churn, duration: 1500ms, connections: 30, churn_rate: 20/s}}
  - {{name: drain, close: all}}
session:
  messages: {{interval: 250ms, size: 64, payload: text, expect_echo: true}}
  ping: {{interval: 500ms}}
close:
  timeout: 1s
  mix:
    - {{pattern: clean, weight: 4, code: 1000, reason: bye}}
    - {{pattern: clean, weight: 1, code: 4000}}
    - {{pattern: fin, weight: 1}}
    - {{pattern: rst, weight: 1}}
    - {{pattern: close_timeout, weight: 1, hold: 500ms}}
    - {{pattern: handshake_abort, weight: 1, at: mid_request, by: fin}}
monitor: {{pid: {pid}, scrape: "{scrape}", interval: 250ms}}
checks:
  leak: {{settle: 1s}}
metrics:
  listen: 127.0.0.1:{port}
  run_id: {run_id}
  linger: 3s
  labels: {{team: dashboards-test}}
"""


def has_finite_value(data):
    """True if a Prometheus query result holds at least one number (NaN from an empty histogram is not one)."""
    if data["resultType"] == "vector":
        values = [s["value"][1] for s in data["result"]]
    elif data["resultType"] == "matrix":
        values = [v[1] for s in data["result"] for v in s["values"]]
    else:
        values = [data["result"][1]]
    return any(math.isfinite(float(v)) for v in values)


def scrape_config_for(metrics_port):
    """The example config, scraping this run's generator at the test's pace (its Pushgateway job left out)."""
    with open(SCRAPE_CONFIG) as f:
        config = yaml.safe_load(f)
    config["global"] = {"scrape_interval": f"{int(SCRAPE_INTERVAL_S * 1000)}ms", "scrape_timeout": "200ms"}
    job = next(j for j in config["scrape_configs"] if j["job_name"] == "wsloadgen")
    job["static_configs"] = [{"targets": [f"127.0.0.1:{metrics_port}"]}]
    config["scrape_configs"] = [job]
    return config


class DashboardFiles(unittest.TestCase):
    """The files as Grafana and Prometheus read them, before any server runs."""

    def setUp(self):
        self.dashboards = [load_dashboard(path) for path in DASHBOARDS]

    def test_dashboards_are_exports_with_a_datasource_input_and_the_run_variables(self):
        for dash in self.dashboards:
            with self.subTest(dashboard=dash["title"]):
                self.assertEqual([(i["name"], i["type"], i["pluginId"]) for i in dash["__inputs"]],
                                 [("DS_PROMETHEUS", "datasource", "prometheus")])
                variables = template_variables(dash)
                # A provisioned dashboard is not imported, so ${DS_PROMETHEUS} must also resolve as a variable.
                self.assertEqual((variables["DS_PROMETHEUS"]["type"], variables["DS_PROMETHEUS"]["query"]),
                                 ("datasource", "prometheus"))
                for name in ("job", "instance", "run_id"):
                    self.assertEqual(variables[name]["type"], "query", name)
                    self.assertEqual(parse_label_values(variable_query(variables[name]))[1], name)
                    self.assertEqual(variables[name]["datasource"]["uid"], "${DS_PROMETHEUS}")
                    self.assertTrue(variables[name]["includeAll"] and variables[name]["allValue"] == ".*",
                                    f"{name}: 'All' must also match series without the label (pushed runs)")
                panels = [p for p in dash["panels"] if p["type"] != "row"]
                self.assertTrue(panels)
                for panel in panels:
                    self.assertEqual(panel["datasource"]["uid"], "${DS_PROMETHEUS}", panel["title"])
                    for target in panel["targets"]:
                        self.assertEqual(target["datasource"]["uid"], "${DS_PROMETHEUS}", panel["title"])
                ids = [p["id"] for p in dash["panels"]]
                self.assertEqual(len(ids), len(set(ids)), "panel ids must be unique")
        self.assertEqual(len({d["uid"] for d in self.dashboards}), len(self.dashboards))

    def test_every_query_is_templated_by_run_and_combines_shards(self):
        for dash in self.dashboards:
            for query in panel_queries(dash):
                with self.subTest(query=str(query)):
                    self.assertTrue(selectors(query.expr), "no wsloadgen_ selector with labels")
                    for name, matchers in selectors(query.expr):
                        for matcher in TEMPLATED:
                            self.assertIn(matcher, matchers, name)
                    groupings = grouping_labels(query.expr)
                    self.assertTrue(groupings, "an aggregation must combine the shards of a run")
                    for keyword, labels in groupings:
                        if keyword == "by":
                            self.assertNotIn("shard", labels)
                            self.assertNotIn("instance", labels)

    def test_every_metric_name_is_in_the_catalogue(self):
        kinds = catalogue(SOURCE_DIR)
        for dash in self.dashboards:
            for query in panel_queries(dash):
                for name in metric_names(query.expr):
                    self.assertIn(family_name(name, kinds), kinds, f"{name} in {query}")
            for variable in template_variables(dash).values():
                for name in metric_names(variable_query(variable)):
                    self.assertIn(name, kinds, f"variable {variable['name']}")

    def test_the_dashboards_cover_what_the_issue_asks_for(self):
        def families(dash):
            kinds = catalogue(SOURCE_DIR)
            return {family_name(n, kinds) for q in panel_queries(dash) for n in metric_names(q.expr)}
        overview, leak_hunting = (families(d) for d in self.dashboards)
        self.assertLessEqual({
            "wsloadgen_active_connections", "wsloadgen_connections_opened_total", "wsloadgen_connections_closed_total",
            "wsloadgen_connect_errors_total", "wsloadgen_handshake_duration_seconds", "wsloadgen_message_rtt_seconds",
            "wsloadgen_close_handshake_duration_seconds", "wsloadgen_server_reclaim_seconds",
            "wsloadgen_target_open_fds", "wsloadgen_target_sockets", "wsloadgen_target_resident_memory_bytes",
            "wsloadgen_leak_verdict", "wsloadgen_capacity_sustained_connections", "wsloadgen_step_sustained"}, overview)
        self.assertLessEqual({
            "wsloadgen_active_connections", "wsloadgen_target_open_fds", "wsloadgen_target_owned_sockets",
            "wsloadgen_target_resident_memory_bytes", "wsloadgen_leak_delta", "wsloadgen_leak_baseline",
            "wsloadgen_target_sockets", "wsloadgen_server_unreclaimed_sockets", "wsloadgen_leak_verdict"},
            leak_hunting)
        self.assertTrue(any('state="close_wait"' in q.expr for q in panel_queries(self.dashboards[1])))

    def test_provisioning_files_point_grafana_at_the_dashboards_and_prometheus(self):
        with open(os.path.join(DASHBOARD_DIR, "provisioning", "dashboards", "wsloadgen.yaml")) as f:
            providers = yaml.safe_load(f)
        self.assertEqual(providers["apiVersion"], 1)
        [provider] = providers["providers"]
        self.assertEqual(provider["type"], "file")
        self.assertTrue(os.path.isabs(provider["options"]["path"]))
        with open(os.path.join(DASHBOARD_DIR, "provisioning", "datasources", "prometheus.yaml")) as f:
            datasources = yaml.safe_load(f)
        self.assertEqual(datasources["apiVersion"], 1)
        [source] = datasources["datasources"]
        self.assertEqual((source["type"], source["isDefault"]), ("prometheus", True))
        with open(SCRAPE_CONFIG) as f:
            scrape = yaml.safe_load(f)
        # Grafana's $__rate_interval is only right when it knows the scrape interval.
        self.assertEqual(source["jsonData"]["timeInterval"], scrape["global"]["scrape_interval"])

    def test_the_example_scrape_config_is_valid_for_prometheus(self):
        proc = subprocess.run([PROMTOOL_BIN, "check", "config", SCRAPE_CONFIG], capture_output=True, text=True,
                              timeout=30)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        with open(SCRAPE_CONFIG) as f:
            jobs = {j["job_name"]: j for j in yaml.safe_load(f)["scrape_configs"]}
        self.assertEqual(jobs["wsloadgen"]["static_configs"][0]["targets"], ["127.0.0.1:9464"])
        self.assertTrue(jobs["pushgateway"]["honor_labels"], "pushed job/run_id/shard labels must be kept")


class AgainstRealPrometheus(unittest.TestCase):
    """One real run scraped by a real Prometheus; the tests then ask Prometheus what the dashboards ask."""

    @classmethod
    def setUpClass(cls):
        tmp = tempfile.TemporaryDirectory()
        cls.addClassCleanup(tmp.cleanup)
        cls.tmp = tmp.name
        oracle = WireOracle(cls.tmp, modes=("leak-on-abort",))
        try:
            cls._run_scraped(oracle)
        finally:
            cls.wire = oracle.stop()

    @classmethod
    def _run_scraped(cls, oracle):
        exporter = ProcessExporter(oracle.proc.pid)
        cls.addClassCleanup(exporter.stop)
        # Prometheus must know the generator's address before the run starts: the port is held (bound, not
        # listening) while Prometheus starts, so nothing else takes it, and let go just before the run.
        placeholder = socket.socket()
        placeholder.bind(("127.0.0.1", 0))
        cls.metrics_port = placeholder.getsockname()[1]
        with placeholder:
            cls.prometheus = PrometheusServer(cls.tmp, scrape_config_for(cls.metrics_port))
            cls.addClassCleanup(cls.prometheus.stop)
            # Discovery takes Prometheus a few seconds; the run starts once its scrape loop is running.
            wait_until(lambda: cls.prometheus.scraping("wsloadgen"), 30, interval=0.2, what="Prometheus to scrape")
        profile = write_profile(cls.tmp, PROFILE.format(pid=oracle.proc.pid, scrape=exporter.url,
                                                        port=cls.metrics_port, run_id=RUN_ID))
        cls.generator = BackgroundRun("run", profile, "--target", oracle.url, "--progress", "off",
                                      "--out", os.path.join(cls.tmp, "out"))
        cls.addClassCleanup(cls.generator.kill)
        metrics_url = cls.generator.wait_for_stderr(r"wsloadgen: metrics: (http://\S+)", 30).group(1)
        cls.first_body = http_get(metrics_url)
        # During metrics.linger the endpoint serves the final values: keep that body for the name checks.
        try:
            cls.final_body = wait_until(lambda: cls._final_body(metrics_url), 60, interval=0.1,
                                        what="/metrics to say the run finished")
        except AssertionError as e:
            raise AssertionError(f"{e}; wsloadgen's stderr so far:\n{cls.generator.stderr}") from None
        if cls.final_body is True:
            raise AssertionError(f"the run ended before /metrics said it finished: {cls.generator}")
        cls.exit_code = cls.generator.finish(timeout=30)
        with open(os.path.join(cls.tmp, "out", "report.json")) as f:
            cls.report = json.load(f)
        cls.start, cls.end = cls.generator.started_at - 1, cls.generator.ended_at
        cls.values = {"job": "wsloadgen", "instance": f"127.0.0.1:{cls.metrics_port}", "run_id": RUN_ID,
                      "__rate_interval": RATE_INTERVAL, "__interval": STEP,
                      "__range": f"{math.ceil(cls.end - cls.start)}s"}
        finished = f'max_over_time(wsloadgen_run_finished{{run_id="{RUN_ID}"}}[{cls.values["__range"]}]) == 1'
        wait_until(lambda: cls.prometheus.query(finished, cls.end)["result"], 10,
                   what="Prometheus to have scraped the final values")

    @classmethod
    def _final_body(cls, url):
        """The /metrics body once it says the run finished; True if the run ended first (nothing to wait for)."""
        try:
            body = http_get(url, timeout=1)
        except OSError:
            return not cls.generator.running()
        return body if any(v == 1 for _, v in exposition_samples(body, "wsloadgen_run_finished")) else None

    def test_the_run_found_the_leak_it_was_given(self):
        # The oracle keeps every connection the client left without a Close frame: a real leak to show.
        self.assertEqual(self.exit_code, 1, self.generator)
        self.assertEqual(self.report["leak_verdict"]["overall"], "LEAK", self.generator)

    def test_every_panel_query_returns_data(self):
        failures = []
        for path in DASHBOARDS:
            for query in panel_queries(load_dashboard(path)):
                expr = substitute(query.expr, self.values)
                if query.instant:  # stat and table panels: once, at the end of the dashboard's time range
                    data = self.prometheus.query(expr, self.end)
                else:
                    data = self.prometheus.query_range(expr, self.start, self.end, STEP)
                if not has_finite_value(data):
                    failures.append(f"{query}\n    -> {data}")
        self.assertEqual(failures, [], "\n".join(failures))

    def test_the_run_variables_list_this_run(self):
        for path in DASHBOARDS:
            variables = template_variables(load_dashboard(path))
            for name in ("job", "instance", "run_id"):
                selector, label = parse_label_values(variable_query(variables[name]))
                listed = self.prometheus.label_values(label, substitute(selector, self.values), self.start,
                                                      self.end)
                self.assertIn(self.values[name], listed, f"{path}: ${name}")

    def test_every_metric_in_the_dashboards_is_exported(self):
        kinds = catalogue(SOURCE_DIR)
        # prometheus-cpp's endpoint adds its own exposer_* series; wsloadgen's are the wsloadgen_* ones.
        exported = {family_name(n, kinds) for n in exposition_series_names(self.final_body)
                    if n.startswith("wsloadgen_")}
        used = {family_name(n, kinds) for path in DASHBOARDS for q in panel_queries(load_dashboard(path))
                for n in metric_names(q.expr)}
        self.assertEqual(used - exported, set(), "used by a dashboard but not in the run's /metrics")
        self.assertEqual(exported - set(kinds), set(), "exported but not in metric_catalogue.hpp")

    def test_metrics_pass_promtool(self):
        for body in (self.first_body, self.final_body):
            code, output = promtool_check_metrics(body)
            self.assertEqual(code, 0, output)

    def test_prometheus_holds_what_the_wire_saw(self):
        def final(name):
            data = self.prometheus.query(
                f'sum(last_over_time({name}{{run_id="{RUN_ID}"}}[{self.values["__range"]}]))', self.end)
            return float(data["result"][0]["value"][1])

        requests = [c for c in self.wire["connections"] if c["request_bytes"] > 0]  # not the preflight
        upgraded = [c for c in requests if c["handshake_completed"]]
        self.assertGreater(len(upgraded), 0)
        self.assertEqual(final("wsloadgen_connects_attempted_total"), len(requests))
        self.assertEqual(final("wsloadgen_connections_opened_total"), len(upgraded))
        self.assertEqual(self.report["connections"]["opened"], len(upgraded))
        fds = next(r for r in self.report["leak_verdict"]["resources"] if r["resource"] == "fds")
        leak = self.prometheus.query(
            f'last_over_time(wsloadgen_leak_verdict{{run_id="{RUN_ID}", resource="fds", verdict="leak"}}'
            f'[{self.values["__range"]}])', self.end)
        self.assertEqual((fds["verdict"], leak["result"][0]["value"][1]), ("LEAK", "1"))


if __name__ == "__main__":
    unittest.main()
