"""Real Prometheus and Pushgateway servers (Debian's binaries) on free loopback ports, for the metrics tests.

Each instance gets its own temporary config, storage and log, listens on 127.0.0.1:0 (the port it got is
read from the socket it owns, so there is no race for a port), and is stopped by the test; a system service
of the same package, if one runs, is neither needed nor touched.
"""
import ctypes
import json
import os
import signal
import subprocess
import time
import urllib.parse
import urllib.request

PROMETHEUS_BIN = "/usr/bin/prometheus"
PUSHGATEWAY_BIN = "/usr/bin/prometheus-pushgateway"
PROMTOOL_BIN = "/usr/bin/promtool"


def wait_until(condition, timeout, interval=0.05, what="condition"):
    """condition()'s first truthy value, polled until `timeout` seconds have passed; AssertionError after."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def listening_port(pid):
    """The port of a TCP socket that process `pid` listens on (IPv4 or IPv6), or None (not yet, or gone)."""
    try:
        inodes = set()
        for fd in os.listdir(f"/proc/{pid}/fd"):
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
            if target.startswith("socket:["):
                inodes.add(target[len("socket:["):-1])
        for table in ("tcp", "tcp6"):
            with open(f"/proc/{pid}/net/{table}") as f:
                next(f)
                for line in f:
                    fields = line.split()
                    if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                        return int(fields[1].rsplit(":", 1)[1], 16)
    except (FileNotFoundError, ProcessLookupError):
        pass
    return None


# Looked up here, not in the child: a forked child of a threaded test should only make the system call.
_prctl = ctypes.CDLL(None, use_errno=True).prctl
PR_SET_PDEATHSIG = 1


def _end_with_the_test():
    """In the child: receive SIGTERM when the test process dies, so a killed test leaves no server behind."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def http_get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode()


class _Server:
    """A server binary started on 127.0.0.1:0 with its log in `directory`; .url once it listens."""

    def __init__(self, directory, name, args, ready_path):
        self.log_path = os.path.join(directory, f"{name}.log")
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(args, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     preexec_fn=_end_with_the_test)
        try:
            port = wait_until(lambda: self._exited() or listening_port(self.proc.pid), 30, what=f"{name} to listen")
            if self._exited():
                raise RuntimeError(f"{name} exited with {self.proc.returncode}: {self.log()}")
            self.url = f"http://127.0.0.1:{port}"
            wait_until(lambda: self._ready(ready_path), 30, what=f"{name} to be ready")
        except BaseException:
            self.stop()
            raise

    def _exited(self):
        return self.proc.poll() is not None

    def _ready(self, path):
        try:
            http_get(self.url + path, timeout=2)
            return True
        except OSError:
            return False

    def get_json(self, path, **params):
        query = urllib.parse.urlencode(params, doseq=True)
        return json.loads(http_get(f"{self.url}{path}?{query}" if query else self.url + path, timeout=10))

    def log(self):
        self._log.flush()
        with open(self.log_path) as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


class PrometheusServer(_Server):
    """`prometheus` with `config` (a dict, written as JSON, which is YAML) and storage under `directory`."""

    def __init__(self, directory, config):
        config_path = os.path.join(directory, "prometheus.json")
        with open(config_path, "w") as f:
            json.dump(config, f)
        super().__init__(directory, "prometheus",
                         [PROMETHEUS_BIN, f"--config.file={config_path}",
                          f"--storage.tsdb.path={os.path.join(directory, 'prometheus-data')}",
                          "--web.listen-address=127.0.0.1:0", "--log.level=warn"],
                         "/-/ready")

    def _api(self, path, **params):
        body = self.get_json("/api/v1/" + path, **params)
        if body.get("status") != "success":
            raise AssertionError(f"Prometheus {path} {params}: {body}")
        return body["data"]

    def query(self, expr, at):
        """/api/v1/query: {"resultType", "result"} of `expr` evaluated at unix time `at`."""
        return self._api("query", query=expr, time=f"{at:.3f}")

    def query_range(self, expr, start, end, step):
        return self._api("query_range", query=expr, start=f"{start:.3f}", end=f"{end:.3f}", step=step)

    def label_values(self, label, match, start, end):
        """What Grafana's label_values(match, label) lists for the time range."""
        return self._api(f"label/{label}/values", **{"match[]": match, "start": f"{start:.3f}",
                                                     "end": f"{end:.3f}"})

    def scraping(self, job):
        """True once every target of `job` has been scraped at least once (reachable or not)."""
        targets = [t for t in self._api("targets", state="active")["activeTargets"]
                   if t["labels"].get("job") == job]
        return bool(targets) and all(not t["lastScrape"].startswith("0001-") for t in targets)


class Pushgateway(_Server):
    """`prometheus-pushgateway` keeping what is pushed in memory only (no persistence file)."""

    def __init__(self, directory):
        super().__init__(directory, "pushgateway",
                         [PUSHGATEWAY_BIN, "--web.listen-address=127.0.0.1:0", "--persistence.file=",
                          "--log.level=warn"],
                         "/-/ready")

    def groups(self):
        """The pushed groups: [{"labels": {grouping key}, "<metric>": {"type", "metrics": [...]}, ...}]."""
        return self.get_json("/api/v1/metrics")["data"]


def promtool_check_metrics(exposition_text):
    """(exit code, output) of `promtool check metrics` on a /metrics body."""
    proc = subprocess.run([PROMTOOL_BIN, "check", "metrics"], input=exposition_text, capture_output=True,
                          text=True, timeout=30)
    return proc.returncode, proc.stdout + proc.stderr
