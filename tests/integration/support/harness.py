"""Shared helpers for the integration tests: run the real wsloadgen binary and real servers on loopback."""
import json
import os
import re
import shlex
import signal
import subprocess
import tempfile
import threading
import time
import unittest

BIN = os.environ.get("WSLOADGEN_BIN", "build/wsloadgen")
SOURCE_DIR = os.environ.get("WSLOADGEN_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..", ".."))
SUPPORT_DIR = os.path.dirname(os.path.abspath(__file__))
# `./dev valgrind` runs the generator under a tool: WSLOADGEN_WRAPPER is the command put before it,
# WSLOADGEN_RUN_ARGS are added to every `run` (to relax latency checks the tool's pace would fail),
# WSLOADGEN_TIMEOUT_SCALE stretches the deadlines tests wait with (see scaled()), and
# WSLOADGEN_LATENCY_SCALE the allowances for how late the generator acts on one of its timers (see
# latency_slack()).
WRAPPER = shlex.split(os.environ.get("WSLOADGEN_WRAPPER", ""))
RUN_ARGS = shlex.split(os.environ.get("WSLOADGEN_RUN_ARGS", ""))
TIMEOUT_SCALE = float(os.environ.get("WSLOADGEN_TIMEOUT_SCALE", "1"))
LATENCY_SCALE = float(os.environ.get("WSLOADGEN_LATENCY_SCALE", "1"))


def generator_is_sanitized():
    """Whether the generator (and the embedded server, which is the same binary) was built with AddressSanitizer
    (`./dev asan`). Its allocator puts a redzone around every block, rounds sizes up to its own classes and keeps
    a shadow byte per 8, so memory a server keeps costs it about a third more than the same server built plainly."""
    global _SANITIZED
    if _SANITIZED is None:
        linked = subprocess.run(["ldd", BIN], capture_output=True, text=True).stdout
        _SANITIZED = "libasan" in linked
    return _SANITIZED


_SANITIZED = None


def scaled(seconds):
    """A deadline for waiting on the generator, stretched when it runs under a slow tool such as valgrind."""
    return seconds * TIMEOUT_SCALE


def latency_slack(seconds):
    """An allowance for the generator's reaction time (a frame or a TCP end that leaves a little after the
    instant its timer named), widened when it runs under a slow tool.

    Only the reaction time scales: a tolerance that is part of what a test claims (a hold kept to within
    10%) does not. Under a tool the reaction time grows far less than the run's overall pace (memcheck
    makes the held-pattern runs 10x slower but a timer at most ~50 ms late), hence its own scale."""
    return seconds * LATENCY_SCALE


class Result:
    def __init__(self, proc, elapsed):
        self.code = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.elapsed = elapsed

    def __repr__(self):
        return f"exit={self.code} elapsed={self.elapsed:.1f}s\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"

    def embedded_server_account(self):
        """The JSON line the embedded server printed about what it saw (its word, not ours)."""
        m = re.search(r"^embedded server saw: (\{.*\})$", self.stdout, re.M)
        return json.loads(m.group(1)) if m else None


def wsloadgen_command(*args):
    """The generator's command line, under WSLOADGEN_WRAPPER and with WSLOADGEN_RUN_ARGS for a run,
    which also gets a free metrics port unless the test chose one.

    Without it every run would serve /metrics on the default 127.0.0.1:9464, and tests running in
    parallel would collide there (a run refuses to start when it cannot bind)."""
    command = [*WRAPPER, BIN, *args]
    if args and args[0] == "run":
        command += RUN_ARGS
        if not any("metrics-listen" in a or "metrics.listen" in a for a in args):
            command += ["--metrics-listen", "127.0.0.1:0"]
    return command


def run_wsloadgen(*args, timeout=120, env=None):
    start = time.monotonic()
    proc = subprocess.run(wsloadgen_command(*args), capture_output=True, text=True, timeout=scaled(timeout),
                          env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL)
    return Result(proc, time.monotonic() - start)


def run_wsloadgen_measured(*args, timeout=120, env=None):
    """run_wsloadgen, plus the kernel's account of the process: Result.max_rss_kib (peak RSS, from wait4).

    That is evidence from outside the generator, unlike anything it reports about itself."""
    start = time.monotonic()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(wsloadgen_command(*args), stdout=out, stderr=err, text=True, stdin=subprocess.DEVNULL,
                                env={**os.environ, **(env or {})})
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                proc.wait()
                raise subprocess.TimeoutExpired(proc.args, timeout)
            time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        proc.stdout, proc.stderr = out.read(), err.read()
    result = Result(proc, time.monotonic() - start)
    result.max_rss_kib = usage.ru_maxrss
    return result


def write_profile(directory, text, name="profile.yaml"):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(text)
    return path


class RecordingServer:
    """python3-websockets echo server in a subprocess; .stop() returns what it recorded.

    `args` are extra options for recording_server.py, e.g. ("--ping-interval", "1")."""

    def __init__(self, directory, args=()):
        self.out = os.path.join(directory, "recording.json")
        self.proc = subprocess.Popen(["/usr/bin/python3", os.path.join(SUPPORT_DIR, "recording_server.py"),
                                      "--out", self.out, *args], stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on (wss?://\S+:(\d+)/)", line)
        if not m:
            self.proc.kill()
            raise RuntimeError(f"recording server did not start: {line!r}")
        self.url, self.port = m.group(1), int(m.group(2))

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)
        self.proc.stdout.close()
        with open(self.out) as f:
            return json.load(f)


class WireOracle:
    """wire_oracle.py (raw-socket server recording frames and FIN/RST) in a subprocess; .stop() returns its JSON.

    `script` may name another server built on the oracle (hostile_server.py) that records the same way.

    A reader thread drains its stdout and counts finished connections, so tests can wait for the
    oracle to have seen every TCP end before stopping it."""

    def __init__(self, directory, modes=(), script="wire_oracle.py", extra_args=()):
        self.out = os.path.join(directory, "wire_oracle.json")
        args = ["/usr/bin/python3", os.path.join(SUPPORT_DIR, script), "--out", self.out, "--events", *extra_args]
        for mode in modes:
            args += ["--mode", mode]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on (ws://127\.0\.0\.1:(\d+)/)", line)
        if not m:
            self.proc.kill()
            raise RuntimeError(f"wire oracle did not start: {line!r}")
        self.url, self.port = m.group(1), int(m.group(2))
        self.ended = []  # one {"index", "peer_port", "tcp_end"} per finished connection
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read_events, daemon=True)
        self._reader.start()

    def _read_events(self):
        for line in self.proc.stdout:
            if line.startswith("ended "):
                with self._changed:
                    self.ended.append(json.loads(line[len("ended "):]))
                    self._changed.notify_all()

    def wait_for_ended(self, count, timeout=10):
        """True once at least `count` connections have ended (FIN, RST or closed by the oracle)."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self.ended) >= count, timeout)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)
        self._reader.join(timeout=5)
        self.proc.stdout.close()
        with open(self.out) as f:
            return json.load(f)


class ServeProcess:
    """`wsloadgen serve` with fault modes and options, as the server under test; .stop() returns its JSON account."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([BIN, "serve", "--port", "0", *args], stdout=subprocess.PIPE, text=True)
        m = re.search(r"listening on (ws://\S+)", self.proc.stdout.readline())
        if not m:
            self.proc.kill()
            raise RuntimeError("wsloadgen serve did not start")
        self.url = m.group(1)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        out, _ = self.proc.communicate(timeout=30)
        return json.loads(out.strip().splitlines()[-1])


class ProcessExporter:
    """support/process_exporter.py: a /metrics endpoint (process_open_fds, process_resident_memory_bytes) for `pid`."""

    def __init__(self, pid):
        self.proc = subprocess.Popen(["/usr/bin/python3", os.path.join(SUPPORT_DIR, "process_exporter.py"),
                                      "--pid", str(pid)], stdout=subprocess.PIPE, text=True)
        self.url = re.search(r"metrics on (http://\S+)", self.proc.stdout.readline()).group(1)

    def stop(self):
        self.proc.terminate()
        self.proc.communicate(timeout=10)


def closed_local_port():
    """A loopback port with nothing listening on it (bound then released)."""
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class TempDirTestCase(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()
