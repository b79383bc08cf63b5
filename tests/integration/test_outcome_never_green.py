"""A run is never green by mistake: lost reports, a server that died, connections it dropped all fail it."""
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from background_run import BackgroundRun  # noqa: E402
from harness import SUPPORT_DIR, TempDirTestCase, WireOracle, run_wsloadgen, scaled, write_profile  # noqa: E402
from kernel_sockets import owned_connections  # noqa: E402
from real_servers import RealServer  # noqa: E402

NODE_PROJECT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "node")


def held_profile(connections, hold, mix="[{pattern: clean}]", settle="500ms"):
    return f"""
name: outcome
seed: 5
workers: 1
phases:
  - {{name: open, connections: {connections}, connect_rate: 500/s}}
  - {{name: hold, duration: {hold}}}
  - {{name: drain, close: all}}
session:
  messages: {{interval: 500ms, size: 32}}
close:
  timeout: 1s
  mix: {mix}
monitor: {{interval: 200ms}}
checks:
  leak: {{settle: {settle}}}
"""


def socket_fds(pid):
    """How many of `pid`'s fds are sockets, read by the test from /proc (0 once it is gone)."""
    count = 0
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                count += os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")
            except OSError:
                pass
    except OSError:
        return 0
    return count


def wait_until(condition, timeout, what):
    deadline = time.monotonic() + scaled(timeout)
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


def embedded_server_pid(run_pid):
    """The `wsloadgen serve` child of a run, from /proc."""
    with open(f"/proc/{run_pid}/task/{run_pid}/children") as f:
        children = [int(p) for p in f.read().split()]
    for child in children:
        with open(f"/proc/{child}/cmdline", "rb") as f:
            if b"serve" in f.read().split(b"\0"):
                return child
    return None


class ReportsAreNeverLost(TempDirTestCase):
    def test_a_report_directory_that_cannot_be_made_refuses_the_run_before_any_load(self):
        oracle = WireOracle(self.tmp)
        try:
            r = run_wsloadgen("run", write_profile(self.tmp, held_profile(5, "200ms")), "--target", oracle.url,
                              "--progress", "off", "--out", "/proc/nonexistent/x", timeout=30)
        finally:
            record = oracle.stop()
        self.assertEqual(r.code, 3, r)
        self.assertIn("cannot run: cannot create report directory /proc/nonexistent/x", r.stderr)
        # Nothing was run: the server saw no connection at all, not even the preflight's.
        self.assertEqual(record["connections"], [], record)
        self.assertNotIn("verdict:", r.stdout)

    def test_a_report_that_cannot_be_written_at_the_end_fails_a_passing_run(self):
        out = os.path.join(self.tmp, "out")
        oracle = WireOracle(self.tmp)
        run = BackgroundRun("run", write_profile(self.tmp, held_profile(5, "3s")), "--target", oracle.url,
                            "--progress", "off", "--out", out, "--metrics-listen", "127.0.0.1:0")
        try:
            # Once the load is under way the report directory exists (checked before the load); then it goes away
            # and a file takes its name, so nothing can be written there any more.
            wait_until(lambda: socket_fds(oracle.proc.pid) >= 6, 10, "the oracle to hold 5 connections and its listener")
            self.assertTrue(os.path.isdir(out))
            shutil.rmtree(out)
            with open(out, "w") as f:
                f.write("not a directory\n")
            code = run.finish(timeout=scaled(60))
        finally:
            run.kill()
            oracle.stop()
        self.assertEqual(code, 3, run.stdout + run.stderr)
        self.assertIn("verdict: PASS", run.stdout)  # the checks passed: only the evidence was lost
        self.assertRegex(run.stderr, r"wsloadgen: cannot create report directory .*/out")


class ADeadServerFailsTheRun(TempDirTestCase):
    def test_a_naive_node_server_that_crashes_on_an_invalid_close_fails_the_run(self):
        # ws' README example has no 'error' handler: an invalid close code raises an unhandled error, and the process
        # dies. The tool found a real bug class, so the run must say so.
        naive = subprocess.Popen([shutil.which("node"), os.path.join(SUPPORT_DIR, "naive_node_ws_server.js")],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            url = re.search(r"listening on (ws://\S+/)", naive.stdout.readline()).group(1)
            mix = "[{pattern: clean, weight: 3}, {pattern: invalid_close, weight: 1, code: 1005}]"
            r = run_wsloadgen("run", write_profile(self.tmp, held_profile(12, "1s", mix)), "--target", url,
                              "--progress", "off", "--out", os.path.join(self.tmp, "out"), timeout=60)
            naive_exit = naive.wait(timeout=10)
        finally:
            if naive.poll() is None:
                naive.kill()
            _, naive_stderr = naive.communicate()
        # What happened to the server, from the server: it died of the unhandled error.
        self.assertNotEqual(naive_exit, 0)
        self.assertIn("Invalid WebSocket frame: invalid status code 1005", naive_stderr)
        self.assertEqual(r.code, 1, r)
        self.assertRegex(r.stdout, rf"(?m)^FAIL server: server pid {naive.pid} was gone at [\d.]+m?s$", r)
        self.assertIn("verdict: FAIL", r.stdout)

    def test_a_server_killed_mid_run_fails_it_with_the_connections_it_dropped(self):
        with RealServer("node-ws") as server:
            run = BackgroundRun("run", write_profile(self.tmp, held_profile(60, "30s")), "--target", server.url,
                                "--progress", "plain", "--out", os.path.join(self.tmp, "out"),
                                "--metrics-listen", "127.0.0.1:0")
            try:
                # The kill comes only once all 60 are open: the server's kernel holds 60 established on its port
                # (its listener and the run's preflight left out), and all 60 upgrades were answered. (Counting the
                # server's socket fds counted its listener too, so one connection could still be mid-upgrade.)
                wait_until(lambda: list(owned_connections(server.pid, server.port).values()).count("ESTABLISHED")
                           >= 60, 20, "the server to hold 60 connections")
                run.wait_for_stderr(r"\| opened 60 \+", scaled(20))
                server.proc.send_signal(signal.SIGKILL)
                code = run.finish(timeout=scaled(60))
            finally:
                run.kill()
            self.assertEqual(server.proc.wait(timeout=10), -signal.SIGKILL)
        self.assertEqual(code, 1, run.stdout + run.stderr)
        self.assertRegex(run.stdout, r"(?m)^FAIL dropped_by_server: 60 open connections ended by the server "
                                     r"without a Close frame > max 0")
        self.assertRegex(run.stdout, rf"(?m)^FAIL server: server pid {server.pid} was gone at [\d.]+m?s$")
        self.assertIn("verdict: FAIL", run.stdout)

    def test_the_embedded_server_killed_by_a_signal_is_named_with_it(self):
        run = BackgroundRun("run", write_profile(self.tmp, held_profile(20, "20s")), "--progress", "off",
                            "--out", os.path.join(self.tmp, "out"), "--metrics-listen", "127.0.0.1:0")
        try:
            pid = None

            def found():
                nonlocal pid
                pid = embedded_server_pid(run.proc.pid)
                return pid is not None and socket_fds(pid) >= 20

            wait_until(found, 20, "the embedded server to hold 20 connections")
            os.kill(pid, signal.SIGKILL)
            code = run.finish(timeout=scaled(60))
        finally:
            run.kill()
        self.assertEqual(code, 1, run.stdout + run.stderr)
        self.assertRegex(run.stdout, rf"(?m)^FAIL server: server pid {pid} was gone at [\d.]+m?s "
                                     r"\(killed by signal 9 \(SIGKILL\)\)$")


if __name__ == "__main__":
    unittest.main()
