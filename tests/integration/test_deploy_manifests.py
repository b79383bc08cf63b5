"""deploy/kubernetes: every manifest parses, the Indexed Job's shards add up, and the profile and flags it runs are valid."""
import copy
import glob
import os
import re
import subprocess
import sys
import unittest

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import BIN, SOURCE_DIR, TempDirTestCase, closed_local_port, run_wsloadgen, write_profile  # noqa: E402

DEPLOY = os.path.join(SOURCE_DIR, "deploy", "kubernetes")


def load_documents(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def manifests():
    """{path: [documents]} for every YAML file under deploy/kubernetes."""
    paths = sorted(glob.glob(os.path.join(DEPLOY, "**", "*.yaml"), recursive=True))
    return {p: load_documents(p) for p in paths}


def the(kind):
    found = [d for docs in manifests().values() for d in docs if d.get("kind") == kind]
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


def option_values(args, option):
    """Every value given to `option` in a container's args (`--opt VALUE` form)."""
    return [args[i + 1] for i, a in enumerate(args[:-1]) if a == option]


def expand(arg, env):
    """Kubernetes' $(VAR) expansion of a container arg, with `env` as the pod would have it."""
    return re.sub(r"\$\((\w+)\)", lambda m: env[m.group(1)], arg)


def apply_json_patch(document, operations):
    """The JSON-patch `add` operations a kustomize component uses (only what our components need)."""
    patched = copy.deepcopy(document)
    for op in operations:
        assert op["op"] == "add", op
        *parents, last = op["path"].strip("/").split("/")
        node = patched
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if last == "-":
            node.append(op["value"])
        else:
            node[last] = op["value"]
    return patched


class DeployManifests(TempDirTestCase):
    def job_container(self, job=None):
        job = job or the("Job")
        containers = job["spec"]["template"]["spec"]["containers"]
        self.assertEqual(len(containers), 1)
        return containers[0]

    def validate_profile_with_args(self, args, env):
        """Runs `wsloadgen validate` on the ConfigMap's profile with the container's --set overrides."""
        configmap = the("ConfigMap")
        path = write_profile(self.tmp, configmap["data"]["profile.yaml"])
        overrides = []
        for value in option_values(args, "--set"):
            overrides += ["--set", expand(value, env)]
        return subprocess.run([BIN, "validate", path, *overrides], capture_output=True, text=True, timeout=30)

    def test_every_manifest_parses_and_names_no_namespace(self):
        found = manifests()
        self.assertGreaterEqual(len(found), 5)
        for path, documents in found.items():
            self.assertTrue(documents, path)
            for d in documents:
                self.assertIn("apiVersion", d, path)
                self.assertIn("kind", d, path)
                self.assertNotIn("namespace", d.get("metadata", {}), f"{path}: the manifests are namespace-agnostic")

    def test_the_kustomization_lists_files_that_exist(self):
        kustomization = load_documents(os.path.join(DEPLOY, "kustomization.yaml"))[0]
        for resource in kustomization["resources"]:
            self.assertTrue(os.path.isfile(os.path.join(DEPLOY, resource)), resource)
        kinds = {load_documents(os.path.join(DEPLOY, r))[0]["kind"] for r in kustomization["resources"]}
        self.assertEqual(kinds, {"ConfigMap", "Job"})

    def test_the_job_runs_shard_i_of_n_with_n_pods_at_once(self):
        job = the("Job")
        spec = job["spec"]
        self.assertEqual(spec["completionMode"], "Indexed")
        self.assertEqual(spec["parallelism"], spec["completions"])
        self.assertEqual(spec["template"]["spec"]["restartPolicy"], "Never")
        container = self.job_container()
        args = container["args"]
        self.assertEqual(args[0], "run")
        shard = option_values(args, "--shard")
        self.assertEqual(shard, [f"$(JOB_COMPLETION_INDEX)/{spec['completions']}"])
        env = {e["name"]: e for e in container["env"]}
        self.assertEqual(env["JOB_COMPLETION_INDEX"]["valueFrom"]["fieldRef"]["fieldPath"],
                         "metadata.annotations['batch.kubernetes.io/job-completion-index']")
        self.assertEqual(env["RUN_ID"]["valueFrom"]["fieldRef"]["fieldPath"], "metadata.labels['job-name']")
        self.assertIn("requests", container["resources"])

    def test_the_profile_path_is_the_mounted_configmap(self):
        pod = the("Job")["spec"]["template"]["spec"]
        container = self.job_container()
        profile_path = container["args"][1]
        mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
        volumes = {v["name"]: v for v in pod["volumes"]}
        (volume_name,) = [n for n, mount in mounts.items() if profile_path.startswith(mount.rstrip("/") + "/")]
        configmap = the("ConfigMap")
        self.assertEqual(volumes[volume_name]["configMap"]["name"], configmap["metadata"]["name"])
        self.assertIn(os.path.basename(profile_path), configmap["data"])

    def test_the_configmap_profile_and_the_jobs_overrides_are_valid(self):
        container = self.job_container()
        result = self.validate_profile_with_args(container["args"], {"RUN_ID": "wsloadgen-20261125", "JOB_COMPLETION_INDEX": "0"})
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("run_id: wsloadgen-20261125", result.stdout)
        # Reports go where the pod has a volume for them.
        report_dir = yaml.safe_load(result.stdout)["report"]["dir"]
        mounts = [m["mountPath"] for m in container["volumeMounts"]]
        self.assertTrue(any(report_dir.startswith(m) for m in mounts), (report_dir, mounts))

    def test_each_shard_fits_in_one_pods_local_ports(self):
        # Against a closed loopback port the run stops at the preflight, after the limit checks: a shard of the
        # shipped profile must not be refused for local ports (fds depend on the runtime's limit, ports do not).
        container = self.job_container()
        completions = the("Job")["spec"]["completions"]
        configmap = the("ConfigMap")
        path = write_profile(self.tmp, configmap["data"]["profile.yaml"])
        result = run_wsloadgen("run", path, "--target", f"ws://127.0.0.1:{closed_local_port()}/",
                               "--shard", f"{completions - 1}/{completions}", "--progress", "off",
                               "--out", self.tmp, timeout=60)
        self.assertEqual(result.code, 3, result)
        self.assertNotIn("local ports", result.stderr)
        self.assertIn("is unreachable", result.stderr)  # it got as far as the preflight
        self.assertEqual(option_values(container["args"], "--shard")[0].split("/")[1], str(completions))

    def test_the_scrape_port_is_the_metrics_listen_port(self):
        job = the("Job")
        container = self.job_container()
        (listen,) = option_values(container["args"], "--metrics-listen")
        host, port = listen.rsplit(":", 1)
        self.assertEqual(host, "0.0.0.0")  # reachable from the scraper, not only inside the pod
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        self.assertEqual(ports["metrics"], int(port))
        annotations = job["spec"]["template"]["metadata"]["annotations"]
        self.assertEqual(annotations["prometheus.io/scrape"], "true")
        self.assertEqual(annotations["prometheus.io/port"], port)
        self.assertEqual(annotations["prometheus.io/path"], "/metrics")

    def test_the_podmonitor_selects_the_shards_on_the_metrics_port(self):
        monitor = the("PodMonitor")
        pod_labels = the("Job")["spec"]["template"]["metadata"]["labels"]
        for key, value in monitor["spec"]["selector"]["matchLabels"].items():
            self.assertEqual(pod_labels.get(key), value)
        container_ports = {p["name"] for p in self.job_container()["ports"]}
        for endpoint in monitor["spec"]["podMetricsEndpoints"]:
            self.assertIn(endpoint["port"], container_ports)
            self.assertEqual(endpoint["path"], "/metrics")

    def test_the_pushgateway_component_adds_a_valid_override(self):
        component = the("Component")
        job = the("Job")
        patched = job
        for patch in component["patches"]:
            self.assertEqual(patch["target"]["kind"], "Job")
            self.assertEqual(patch["target"]["name"], job["metadata"]["name"])
            patched = apply_json_patch(patched, yaml.safe_load(patch["patch"]))
        args = self.job_container(patched)["args"]
        self.assertTrue(any(v.startswith("metrics.pushgateway.url=") for v in option_values(args, "--set")), args)
        result = self.validate_profile_with_args(args, {"RUN_ID": "wsloadgen", "JOB_COMPLETION_INDEX": "0"})
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("url: http://pushgateway:9091", result.stdout)


if __name__ == "__main__":
    unittest.main()
