"""metrics.pushgateway: two shards of one run push to a real Pushgateway, which a real Prometheus then scrapes.

The pushed groups must be the run's shards (grouping key job/run_id/shard), pushed while the run lasts and
once at the end with the final values, which must match each shard's report.json and, added up, what the
wire oracle saw; through dashboards/prometheus-scrape.yml's Pushgateway job, the dashboards must find the run.
"""
import collections
import json
import math
import os
import sys
import tempfile
import time
import unittest

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from background_run import BackgroundRun  # noqa: E402
from dashboard_queries import (load_dashboard, panel_queries, parse_label_values, substitute,  # noqa: E402
                               template_variables, variable_query)
from harness import SOURCE_DIR, WireOracle, write_profile  # noqa: E402
from metric_catalogue import catalogue  # noqa: E402
from prometheus_servers import PrometheusServer, Pushgateway, wait_until  # noqa: E402

RUN_ID = "pushgateway-test"
SHARDS = 2
CONNECTIONS = 40
# Series the Pushgateway adds to every group on its own.
PUSHGATEWAY_OWN = {"push_time_seconds", "push_failure_time_seconds"}

PROFILE = """
name: pushgateway
seed: 9
workers: 2
phases:
  - {{name: ramp, connections: {connections}, connect_rate: 20/s}}
  - {{name: hold, duration: 1s}}
  - {{name: drain, close: all}}
session:
  messages: {{interval: 250ms, size: 32}}
close:
  timeout: 1s
  mix: [{{pattern: clean, weight: 3, code: 1000}}, {{pattern: rst, weight: 1}}]
checks:
  leak: {{settle: 500ms}}
metrics:
  listen: "off"
  run_id: {run_id}
  pushgateway: {{url: "{url}", job: wsloadgen, interval: 500ms}}
  labels: {{team: push-test}}
"""


def value(family):
    """The value of a pushed family's only series, as a number."""
    [metric] = family["metrics"]
    return float(metric["value"])


class PushedRun(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        tmp = tempfile.TemporaryDirectory()
        cls.addClassCleanup(tmp.cleanup)
        cls.tmp = tmp.name
        oracle = WireOracle(cls.tmp)
        cls.pushgateway = Pushgateway(cls.tmp)
        cls.addClassCleanup(cls.pushgateway.stop)
        try:
            profile = write_profile(cls.tmp, PROFILE.format(connections=CONNECTIONS, run_id=RUN_ID,
                                                            url=cls.pushgateway.url))
            cls.shards = [BackgroundRun("run", profile, "--target", oracle.url, "--shard", f"{i}/{SHARDS}",
                                        "--progress", "off", "--out", os.path.join(cls.tmp, f"out{i}"))
                          for i in range(SHARDS)]
            for shard in cls.shards:
                cls.addClassCleanup(shard.kill)
            cls.first_sighting = wait_until(
                lambda: ("pushed while running" if cls._a_push_before_the_end() else
                         "ended" if not any(s.running() for s in cls.shards) else None), 60,
                interval=0.05, what="a push or the end of the run")
            cls.exit_codes = [s.finish(timeout=60) for s in cls.shards]
            # the connections and each shard's preflight
            cls.wire_ended = oracle.wait_for_ended(CONNECTIONS + SHARDS, timeout=10)
        finally:
            cls.wire = oracle.stop()
        cls.reports = []
        for i in range(SHARDS):
            with open(os.path.join(cls.tmp, f"out{i}", "report.json")) as f:
                cls.reports.append(json.load(f))
        cls.groups = {g["labels"]["shard"]: g for g in cls.pushgateway.groups()
                      if g["labels"].get("run_id") == RUN_ID}

    @classmethod
    def _a_push_before_the_end(cls):
        """True if a group of this run says it is not finished while its shard still runs."""
        for group in cls.pushgateway.groups():
            if group["labels"].get("run_id") != RUN_ID or "wsloadgen_run_finished" not in group:
                continue
            shard = cls.shards[int(group["labels"]["shard"])]
            if value(group["wsloadgen_run_finished"]) == 0 and shard.running():
                return True
        return False

    def test_the_shards_ran_and_pushed(self):
        self.assertEqual(self.exit_codes, [0] * SHARDS, "\n".join(repr(s) for s in self.shards))
        self.assertEqual(self.first_sighting, "pushed while running", "metrics.pushgateway.interval")

    def test_each_shard_is_its_own_group(self):
        self.assertEqual(sorted(self.groups), [str(i) for i in range(SHARDS)])
        for shard, group in self.groups.items():
            self.assertEqual(group["labels"], {"job": "wsloadgen", "run_id": RUN_ID, "shard": shard})
            self.assertTrue(group["last_push_successful"])

    def test_every_pushed_series_carries_the_run_labels(self):
        kinds = catalogue(SOURCE_DIR)
        for shard, group in self.groups.items():
            families = {k: v for k, v in group.items() if isinstance(v, dict) and "metrics" in v}
            self.assertEqual(set(families) - PUSHGATEWAY_OWN - set(kinds), set(), "not in the catalogue")
            for name, family in families.items():
                if name in PUSHGATEWAY_OWN:
                    continue
                for metric in family["metrics"]:
                    labels = metric["labels"]
                    self.assertEqual((labels["run_id"], labels["shard"], labels["team"]),
                                     (RUN_ID, shard, "push-test"), name)

    def test_the_final_push_has_the_final_values(self):
        for shard, group in self.groups.items():
            report = self.reports[int(shard)]
            with self.subTest(shard=shard):
                self.assertEqual(value(group["wsloadgen_run_finished"]), 1)
                self.assertEqual(value(group["wsloadgen_connects_attempted_total"]),
                                 report["connections"]["attempted"])
                self.assertEqual(value(group["wsloadgen_connections_opened_total"]), report["connections"]["opened"])
                self.assertEqual(value(group["wsloadgen_messages_sent_total"]), report["messages"]["sent"])
                # Every opened connection timed its handshake once.
                [handshakes] = group["wsloadgen_handshake_duration_seconds"]["metrics"]
                self.assertEqual(float(handshakes["count"]), report["connections"]["opened"])
                self.assertEqual(float(handshakes["buckets"]["+Inf"]), report["connections"]["opened"])

    def test_the_shards_add_up_to_what_the_wire_saw(self):
        upgraded = [c for c in self.wire["connections"] if c["request_bytes"] > 0 and c["handshake_completed"]]
        self.assertEqual(len(upgraded), CONNECTIONS)
        pushed = sum(value(g["wsloadgen_connections_opened_total"]) for g in self.groups.values())
        self.assertEqual(pushed, len(upgraded))
        closed_pushed = collections.Counter()
        for group in self.groups.values():
            for m in group["wsloadgen_connections_closed_total"]["metrics"]:
                closed_pushed[m["labels"]["pattern"]] += float(m["value"])
        self.assertEqual(sum(closed_pushed.values()), CONNECTIONS)
        # And by pattern, as the oracle saw each close: a Close 1000 for clean, an RST without one for rst.
        self.assertTrue(self.wire_ended, "the oracle saw every connection end")
        on_the_wire = collections.Counter(
            "clean" if [f.get("close_code") for f in c["frames"] if f["opcode"] == 8] == [1000]
            else "rst" if c["tcp_end"] == "rst" and not any(f["opcode"] == 8 for f in c["frames"]) else "other"
            for c in upgraded)
        self.assertEqual(dict(closed_pushed), dict(on_the_wire))

    def test_the_dashboards_find_the_pushed_run_through_prometheus(self):
        with open(os.path.join(SOURCE_DIR, "dashboards", "prometheus-scrape.yml")) as f:
            config = yaml.safe_load(f)
        config["global"] = {"scrape_interval": "250ms", "scrape_timeout": "200ms"}
        job = next(j for j in config["scrape_configs"] if j["job_name"] == "pushgateway")
        job["static_configs"] = [{"targets": [self.pushgateway.url.removeprefix("http://")]}]
        config["scrape_configs"] = [job]
        prometheus = PrometheusServer(self.tmp, config)
        try:
            start = time.time()
            selector = f'{{job="wsloadgen", run_id="{RUN_ID}"}}'  # the pushed job, not the scrape job's name
            wait_until(lambda: len(prometheus.query(f"wsloadgen_run_finished{selector}", time.time())["result"])
                       == SHARDS, 30, interval=0.2, what="Prometheus to scrape both pushed shards")
            end = time.time()
            values = {"job": "wsloadgen", "instance": ".*", "run_id": RUN_ID, "__rate_interval": "1s",
                      "__interval": "1s", "__range": f"{math.ceil(end - start) + 1}s"}
            for path in (os.path.join(SOURCE_DIR, "dashboards", n) for n in ("wsloadgen-overview.json",
                                                                               "wsloadgen-leak-hunting.json")):
                dashboard = load_dashboard(path)
                variables = template_variables(dashboard)
                for name in ("job", "run_id"):
                    selector_text, label = parse_label_values(variable_query(variables[name]))
                    self.assertIn(values[name], prometheus.label_values(label, substitute(selector_text, values),
                                                                        start, end), f"{path}: ${name}")
                for query in panel_queries(dashboard):
                    if query.instant:  # a pushed run is one snapshot: the end-of-run panels must show it
                        result = prometheus.query(substitute(query.expr, values), end)["result"]
                        self.assertTrue(result, str(query))
            # The dashboards' way of adding shards up gives the whole run.
            opened = prometheus.query(f'sum by (run_id) (wsloadgen_connections_opened_total{{job=~"wsloadgen", '
                                      f'instance=~".*", run_id=~"{RUN_ID}"}})', end)["result"]
            self.assertEqual(float(opened[0]["value"][1]), CONNECTIONS)
        finally:
            prometheus.stop()


if __name__ == "__main__":
    unittest.main()
