"""What every benchmark in bench/ needs: the binaries and npm packages, the echo server, CPU/RSS readings, medians.

Benchmarks print figures; they never judge them. Everything runs on loopback. Each generator run gets a
source address of its own (127.0.10.1, 127.0.10.2, ...: the first with no socket on it), so ports a previous
run left in TIME_WAIT cannot run the next one out of local ports.
"""
import json
import os
import re
import resource
import signal
import statistics
import subprocess
import tempfile
import time
import urllib.request

BENCH_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE_DIR = os.path.dirname(BENCH_DIR)
WSLOADGEN = os.environ.get("WSLOADGEN_BIN", os.path.join(SOURCE_DIR, "build", "wsloadgen"))
NODE_WS_PROJECT = os.path.join(SOURCE_DIR, "tests", "integration", "node")
ARTILLERY_PROJECT = os.path.join(BENCH_DIR, "node")
ARTILLERY = os.path.join(ARTILLERY_PROJECT, "node_modules", ".bin", "artillery")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def note(text):
    print(text, flush=True)


# ------------------------------------------------------------------ installing what the benchmarks need

def ensure_wsloadgen():
    """The release build of wsloadgen (./dev build installs the apt packages and builds it)."""
    if not os.access(WSLOADGEN, os.X_OK):
        subprocess.run([os.path.join(SOURCE_DIR, "dev"), "build"], check=True)


def ensure_node_ws():
    """npm `ws`, pinned by the integration tests' package-lock.json."""
    if not os.path.isdir(os.path.join(NODE_WS_PROJECT, "node_modules", "ws")):
        subprocess.run(["npm", "ci", "--prefix", NODE_WS_PROJECT, "--no-audit", "--no-fund"], check=True)


def ensure_artillery():
    """npm `artillery`, pinned in bench/node/package.json; --ignore-scripts skips its browser downloads."""
    if not os.access(ARTILLERY, os.X_OK):
        note("installing Artillery into bench/node (npm install --ignore-scripts; a few minutes)")
        subprocess.run(["npm", "install", "--prefix", ARTILLERY_PROJECT, "--ignore-scripts", "--no-audit",
                        "--no-fund"], check=True, stdout=subprocess.DEVNULL)


def raise_fd_limit():
    """For child processes: the soft open-file limit up to the hard one (Node never raises its own)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


# ------------------------------------------------------------------ the server

class EchoServer:
    """bench/support/bench_echo_server.js (npm `ws`); .stats() reads its counters."""

    def __init__(self):
        ensure_node_ws()
        script = os.path.join(BENCH_DIR, "support", "bench_echo_server.js")
        self.proc = subprocess.Popen(["node", script], stdout=subprocess.PIPE, text=True, preexec_fn=raise_fd_limit)
        line = self.proc.stdout.readline()
        match = re.search(r"listening on (ws://127\.0\.0\.1:(\d+)/)", line)
        if not match:
            self.proc.kill()
            raise RuntimeError(f"echo server did not start: {line!r}")
        self.url, self.port = match.group(1), int(match.group(2))

    def stats(self, reset=False):
        url = f"http://127.0.0.1:{self.port}/stats" + ("?reset" if reset else "")
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.load(response)

    def wait_until(self, condition, timeout, poll=0.02):
        """The first stats for which condition(stats) holds, or None after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            stats = self.stats()
            if condition(stats):
                return stats
            time.sleep(poll)
        return None

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)
        self.proc.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


# ------------------------------------------------------------------ source addresses

def _local_ipv4_addresses_in_use():
    """Local IPv4 addresses of every TCP socket on this host, TIME_WAIT included (from /proc/net/tcp)."""
    used = set()
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            hex_address = line.split()[1].split(":")[0]
            used.add(".".join(str(int(hex_address[i:i + 2], 16)) for i in (6, 4, 2, 0)))
    return used


def fresh_source_address(taken=()):
    """A loopback address no socket uses yet, e.g. 127.0.10.7; `taken` are addresses already handed out."""
    used = _local_ipv4_addresses_in_use() | set(taken)
    for third in range(10, 250):
        for fourth in range(1, 255):
            address = f"127.0.{third}.{fourth}"
            if address not in used:
                return address
    raise RuntimeError("no free loopback address left")


# ------------------------------------------------------------------ processes: CPU and memory

def _children(pid):
    found = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                found += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return found


def process_tree(pid):
    """`pid` and all its descendants."""
    tree, pending = [], [pid]
    while pending:
        p = pending.pop()
        tree.append(p)
        pending += _children(p)
    return tree


def cpu_seconds(pid):
    """User + system CPU time of a process tree so far (every thread of every process in it)."""
    total = 0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            pass
    return total / CLOCK_TICKS


def thread_cpu_seconds(pid):
    """{thread name: user + system CPU seconds} over one process's threads (threads of a name summed)."""
    by_name = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                text = f.read()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text.rsplit(")", 1)[1].split()
        by_name[name] = by_name.get(name, 0) + (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return by_name


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


# ------------------------------------------------------------------ running the generator

class WsloadgenRun:
    """`wsloadgen run` of a profile text in the background; output in a temporary directory."""

    def __init__(self, profile_text, *args, binary=None):
        if binary is None:
            ensure_wsloadgen()
        self.dir = tempfile.TemporaryDirectory(prefix="wsloadgen-bench-")
        path = os.path.join(self.dir.name, "profile.yaml")
        with open(path, "w") as f:
            f.write(profile_text)
        self.proc = subprocess.Popen(
            [binary or WSLOADGEN, "run", path, "--progress", "off", "--metrics-listen", "127.0.0.1:0",
             "--out", os.path.join(self.dir.name, "out"), *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.pid = self.proc.pid

    def finish(self, timeout=600):
        """(exit code, stdout, stderr, report.json or None)."""
        out, err = self.proc.communicate(timeout=timeout)
        report = None
        try:
            with open(os.path.join(self.dir.name, "out", "report.json")) as f:
                report = json.load(f)
        except OSError:
            pass
        self.dir.cleanup()
        return self.proc.returncode, out, err, report


# ------------------------------------------------------------------ figures

def median(values):
    return statistics.median(values) if values else float("nan")


def figure_line(name, values, unit, digits=1):
    """"name: median M unit (runs: a b c)"."""
    runs = " ".join(f"{v:.{digits}f}" for v in values)
    return f"{name}: median {median(values):.{digits}f} {unit}  (runs: {runs})"
