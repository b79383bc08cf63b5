"""Starts the echo servers on real WebSocket libraries (tests/integration/servers/) and reads their SIGTERM account.

    with RealServer("go-gorilla", "--leak-fd") as server:
        ... connect to server.url, read /proc/{server.pid}, fetch server.metrics_url ...
        account = server.stop()

A server that cannot be run here (a missing build, package or npm install) raises MissingServer, never a skip:
these servers are what the leak verdict is judged on, so their absence is a failure to be fixed with ./dev."""
import json
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request

from harness import SOURCE_DIR

RUNTIMES = ("node-ws", "python-websockets", "go-gorilla", "boost-beast")

SERVERS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "servers")
NODE_PROJECT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "node")
DEBIAN_PYTHON = "/usr/bin/python3"  # the pyenv python3 on PATH lacks python3-websockets
# Where a build made with `./dev build` puts the compiled ones, for a run outside ctest.
BUILT_SERVERS_DIR = os.path.join(SOURCE_DIR, "build", "tests", "integration", "servers")


class MissingServer(RuntimeError):
    pass


def _built(runtime, variable, name):
    path = os.environ.get(variable) or os.path.join(BUILT_SERVERS_DIR, name)
    if not os.access(path, os.X_OK):
        raise MissingServer(f"{runtime}: no server binary at {path} (build the project: ./dev build; ctest passes "
                            f"the path in {variable})")
    return [path]


def server_command(runtime):
    """The command line that starts `runtime`'s server, or MissingServer saying what to install."""
    if runtime == "node-ws":
        node = shutil.which("node")
        if node is None:
            raise MissingServer("node-ws: node is not on PATH (./dev installs nodejs)")
        if not os.path.isdir(os.path.join(NODE_PROJECT, "node_modules", "ws")):
            raise MissingServer("node-ws: the npm package ws is not installed in tests/integration/node "
                                "(./dev runs npm ci there)")
        return [node, os.path.join(SERVERS_DIR, "node_ws", "server.js")]
    if runtime == "python-websockets":
        probe = subprocess.run([DEBIAN_PYTHON, "-c", "import websockets.legacy.server"], capture_output=True)
        if probe.returncode != 0:
            raise MissingServer("python-websockets: Debian's python3-websockets is not importable by "
                                f"{DEBIAN_PYTHON} (./dev installs it)")
        return [DEBIAN_PYTHON, os.path.join(SERVERS_DIR, "python_websockets", "server.py")]
    if runtime == "go-gorilla":
        return _built(runtime, "WSLOADGEN_GO_SERVER", "go_gorilla_echo_server")
    if runtime == "boost-beast":
        return _built(runtime, "WSLOADGEN_BEAST_SERVER", "beast_echo_server")
    raise ValueError(f"unknown runtime {runtime!r}; one of {RUNTIMES}")


def parse_prometheus(text):
    """{name: value} of the unlabelled samples in Prometheus text, and {name: type} from its # TYPE lines."""
    samples, types = {}, {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            types[name] = kind
        elif line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return samples, types


class RealServer:
    """One echo server process; .url, .port, .pid, .metrics_url once it listens; .stop() returns its account."""

    def __init__(self, runtime, *flags, start_timeout=20):
        self.runtime = runtime
        self._stderr = tempfile.TemporaryFile("w+")
        self.proc = subprocess.Popen([*server_command(runtime), *flags], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=self._stderr)
        self.pid = self.proc.pid
        line = self._read_line(start_timeout)
        match = re.fullmatch(r"listening on ws://127\.0\.0\.1:(\d+)/\n", line)
        if not match:
            self.kill()
            raise RuntimeError(f"{runtime} server did not start: {line!r}\n--- its stderr\n{self.stderr()}")
        self.port = int(match.group(1))
        self.url = f"ws://127.0.0.1:{self.port}/"
        self.metrics_url = f"http://127.0.0.1:{self.port}/metrics"

    def _read_line(self, timeout):
        """The first stdout line, read straight from the pipe so a server that hangs cannot hang the test."""
        fd, data, deadline = self.proc.stdout.fileno(), b"", time.monotonic() + timeout
        while not data.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                break
            chunk = os.read(fd, 1)
            if not chunk:
                break
            data += chunk
        return data.decode(errors="replace")

    def stderr(self):
        self._stderr.seek(0)
        return self._stderr.read()

    def alive(self):
        return self.proc.poll() is None

    def metrics_text(self):
        with urllib.request.urlopen(self.metrics_url, timeout=10) as response:
            return response.read().decode()

    def metrics(self):
        """{name: value} from GET /metrics."""
        return parse_prometheus(self.metrics_text())[0]

    def stop(self, timeout=20):
        """SIGTERM; the one JSON line it prints then, as a dict. Raises unless it exits 0 having printed it."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            out, _ = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise RuntimeError(f"{self.runtime} server did not exit within {timeout}s of SIGTERM")
        lines = out.decode(errors="replace").splitlines()
        if self.proc.returncode != 0 or len(lines) != 1:
            raise RuntimeError(f"{self.runtime} server exited {self.proc.returncode} printing {lines!r}\n"
                               f"--- its stderr\n{self.stderr()}")
        return json.loads(lines[0])

    def kill(self):
        if self.alive():
            self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.alive():
            self.kill()
        self._stderr.close()
