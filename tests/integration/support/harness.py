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
# WSLOADGEN_RUN_ARGS are added to every `run` (to relax latency checks the tool's pace would fail), and
# WSLOADGEN_TIMEOUT_SCALE stretches the deadlines tests wait with (see scaled()).
WRAPPER = shlex.split(os.environ.get("WSLOADGEN_WRAPPER", ""))
RUN_ARGS = shlex.split(os.environ.get("WSLOADGEN_RUN_ARGS", ""))
TIMEOUT_SCALE = float(os.environ.get("WSLOADGEN_TIMEOUT_SCALE", "1"))


def scaled(seconds):
    """A deadline for waiting on the generator, stretched when it runs under a slow tool such as valgrind."""
    return seconds * TIMEOUT_SCALE


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


def run_wsloadgen(*args, timeout=120, env=None):
    start = time.monotonic()
    if args and args[0] == "run":
        args = (*args, *RUN_ARGS)
    proc = subprocess.run([*WRAPPER, BIN, *args], capture_output=True, text=True, timeout=scaled(timeout),
                          env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL)
    return Result(proc, time.monotonic() - start)


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
        m = re.search(r"listening on (ws://\S+)", line)
        if not m:
            self.proc.kill()
            raise RuntimeError(f"recording server did not start: {line!r}")
        self.url = m.group(1)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)
        self.proc.stdout.close()
        with open(self.out) as f:
            return json.load(f)


class WireOracle:
    """wire_oracle.py (raw-socket server recording frames and FIN/RST) in a subprocess; .stop() returns its JSON.

    A reader thread drains its stdout and counts finished connections, so tests can wait for the
    oracle to have seen every TCP end before stopping it."""

    def __init__(self, directory, modes=()):
        self.out = os.path.join(directory, "wire_oracle.json")
        args = ["/usr/bin/python3", os.path.join(SUPPORT_DIR, "wire_oracle.py"), "--out", self.out, "--events"]
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
