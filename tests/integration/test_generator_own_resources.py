"""The generator's own fds and connection table return to where they started after a run of every close pattern.

Judged from outside: the test reads /proc/PID/fd of the running generator before the load and during its
final settle, and compares; the generator's own account (summary, report.json) must agree with it."""
import json
import os
import subprocess
import sys
import threading
import time
import unittest
from collections import Counter

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import TempDirTestCase, WireOracle, wsloadgen_command, write_profile  # noqa: E402

SETTLE = 2.0
CONNECTIONS = 88  # 8 per pattern on average; the seed gives each of the 11 at least one
PROFILE = f"""
name: own-resources
seed: 5
workers: 2
phases:
  - {{name: open, connections: {CONNECTIONS}}}
  - {{name: hold, duration: 600ms}}
  - {{name: drain, close: all}}
session:
  messages: {{interval: 100ms, size: 64, payload: binary}}
  ping: {{interval: 200ms}}
close:
  timeout: 1s
  mix:
    - {{pattern: clean, weight: 1}}
    - {{pattern: close_no_wait, weight: 1}}
    - {{pattern: fin, weight: 1}}
    - {{pattern: rst, weight: 1}}
    - {{pattern: close_timeout, weight: 1, hold: 500ms}}
    - {{pattern: stall, weight: 1, hold: 500ms}}
    - {{pattern: ignore_server_close, weight: 1, hold: 500ms}}
    - {{pattern: server_close, weight: 1, hold: 500ms}}
    - {{pattern: handshake_abort, weight: 1, at: mid_request, by: rst}}
    - {{pattern: mid_message, weight: 1, by: fin}}
    - {{pattern: invalid_close, weight: 1, code: 5000}}
monitor: {{pid: auto, interval: 500ms}}
checks:
  leak: {{settle: {SETTLE}s}}
  handshake_p99_max: 10s
"""
EVERY_PATTERN = {"clean", "close_no_wait", "fin", "rst", "close_timeout", "stall", "ignore_server_close",
                 "server_close", "handshake_abort", "mid_message", "invalid_close"}


def fd_kinds(pid):
    """What each open fd of `pid` is ("socket", "pipe", "anon_inode:[eventfd]", a path), or None when an fd
    closed while being read (that sample is then skipped: it caught a transient fd)."""
    directory = f"/proc/{pid}/fd"
    try:
        kinds = []
        for fd in os.listdir(directory):
            target = os.readlink(os.path.join(directory, fd))
            kinds.append(target.split(":[")[0] if target.startswith(("socket:", "pipe:")) else target)
        return kinds
    except FileNotFoundError:
        return None


class FdSampler:
    """Samples a process's open fds every 10 ms, on time.monotonic() (the wire oracle's clock too)."""

    def __init__(self, pid):
        self.pid = pid
        self.samples = []  # (t, Counter of fd kinds)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            kinds = fd_kinds(self.pid)
            if kinds is not None:
                self.samples.append((time.monotonic(), Counter(kinds)))
            self._stop.wait(0.01)

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)

    def between(self, start, end):
        return [kinds for t, kinds in self.samples if start < t < end]


def typical(samples):
    """The fd set the window spent most samples in, without the monitor's transient reads of /proc.

    A moment's fd (a /proc listing, a report being written) never dominates a window, and neither does the
    set-up right after the preflight, before the monitor and the metrics endpoint have opened theirs."""
    steady = [frozenset((kind, n) for kind, n in kinds.items() if not kind.startswith("/proc/")) for kinds in samples]
    return Counter(dict(Counter(steady).most_common(1)[0][0]))


class GeneratorOwnResources(TempDirTestCase):
    def run_and_sample(self, modes):
        """Runs PROFILE against the wire oracle in `modes`.

        Returns (fd sampler, when the summary began to print, oracle record, report.json, stdout)."""
        oracle = WireOracle(self.tmp, modes)
        out = os.path.join(self.tmp, "report")
        proc = None
        try:
            with open(os.path.join(self.tmp, "stderr"), "w+") as stderr:
                proc = subprocess.Popen(wsloadgen_command("run", write_profile(self.tmp, PROFILE), "--target",
                                                          oracle.url, "--out", out, "--progress", "off"),
                                        stdout=subprocess.PIPE, stderr=stderr, text=True)
                sampler = FdSampler(proc.pid)
                watchdog = threading.Timer(90, proc.kill)  # a hung generator ends the reads below
                watchdog.start()
                try:
                    # The summary is printed after the settle and the reports: its first line ends the
                    # window in which the generator is idle and whole (later it exits, closing everything).
                    first_line = proc.stdout.readline()
                    summary_at = time.monotonic()
                    stdout = first_line + proc.stdout.read()
                    proc.wait(timeout=60)
                finally:
                    watchdog.cancel()
                    sampler.stop()
                stderr.seek(0)
                # The monitored server is the oracle, which gives back every socket it is handed: a healthy
                # server must pass the leak verdict (docs/verdict.md), whether or not it answers Closes and pings.
                self.assertEqual(proc.returncode, 0, stdout + stderr.read())
            self.assertTrue(oracle.wait_for_ended(CONNECTIONS + 1, timeout=10))
        finally:
            if proc and proc.poll() is None:
                proc.kill()
            record = oracle.stop()
        with open(os.path.join(out, "report.json")) as f:
            report = json.load(f)
        return sampler, summary_at, record, report, stdout

    def assert_back_to_baseline(self, modes):
        sampler, summary_at, record, report, stdout = self.run_and_sample(modes)
        preflight = [c for c in record["connections"] if c["request_bytes"] == 0]
        conns = [c for c in record["connections"] if c["request_bytes"] > 0]
        self.assertEqual(len(preflight), 1)
        self.assertEqual(len(conns), CONNECTIONS)
        self.assertEqual(set(report["patterns"]), EVERY_PATTERN, "the run used every close pattern")

        def ended(c):
            return c["accepted_at"] + c["tcp_end_t"]
        # Before: from the preflight's end (the generator has closed it) to the first connection of the load,
        # which spans the monitor's baseline window. After: from the last connection's end (at the server)
        # to the summary, which spans the final settle.
        before = sampler.between(ended(preflight[0]), min(c["accepted_at"] for c in conns))
        during = sampler.between(min(c["accepted_at"] for c in conns), max(ended(c) for c in conns))
        after = sampler.between(max(ended(c) for c in conns), summary_at)
        self.assertGreaterEqual(len(before), 5, "too few samples before the load to know the baseline")
        self.assertGreaterEqual(len(after), 20, "too few samples in the settle")
        # The last third of the time before the load: the generator is set up and waits for the load.
        baseline, settled = typical(before[-(len(before) // 3 or 1):]), typical(after)
        # The sampler sees the connections: the peak during the load is well above the baseline.
        peak = max(sum(kinds.values()) for kinds in during)
        self.assertGreater(peak, sum(baseline.values()) + CONNECTIONS // 2, f"{peak} fds at the peak")
        self.assertEqual(settled, baseline, f"fds by kind before the load {dict(baseline)}, after {dict(settled)}")
        # The generator's own account agrees, and its workers' connection tables ended empty.
        fds = report["generator_fds"]
        self.assertEqual(fds["before"], fds["after"], stdout)
        self.assertEqual(fds["after"], sum(settled.values()), f"the generator says {fds}; /proc said {dict(settled)}")
        self.assertEqual(report["generator_connections_left"], 0, stdout)

    def test_polite_server(self):
        self.assert_back_to_baseline(())

    def test_server_that_never_answers_closes_or_pings(self):
        self.assert_back_to_baseline(("no-close-reply", "no-reply-to-ping"))


if __name__ == "__main__":
    unittest.main()
