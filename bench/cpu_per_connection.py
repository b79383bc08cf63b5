#!/usr/bin/python3
"""CPU per connection lifecycle: wsloadgen and Artillery side by side against the same npm `ws` echo server.

One lifecycle is a TCP connect, the WebSocket upgrade, one 128-byte message echoed back, about 2 s open,
and a clean close, at RATE new connections per second (so about 2 × RATE connections are open at once). Each
tool's user + system CPU (every thread of its process tree, from /proc) is read while the server counts
its connections, over a steady window that leaves out start-up and shut-down; CPU per connection is the
CPU of the window over the connections opened in it. The tools take turns, RUNS times each, each run from
a loopback source address of its own; the figures are medians and their ratio (also the median of each
pair's ratio, as the two runs of a pair ran back to back under about the same load from the rest of the
machine).

    /usr/bin/python3 bench/cpu_per_connection.py [--rate 1000] [--runs 5] [--seconds 20] [--no-artillery]
                                                 [--set KEY=VALUE]...  (passed to wsloadgen, e.g. workers=1)
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
import bench_kit as kit  # noqa: E402

MESSAGE = '{"n":1,"pad":"' + "x" * 113 + '"}'  # 128 bytes of JSON, so Artillery can wait for its echo


def wsloadgen_profile(url, rate, seconds, source):
    # A fixed 2 s lifetime and one message per 2 s: one message per connection (sent at a seeded offset within
    # the interval after the upgrade), each connection replaced the instant it closes, so opens run at `rate`
    # once the ramp is done and about 2 × rate connections are open.
    return f"""
name: bench-cpu
seed: 1
target:
  url: {url}
  source_addresses: [{source}]
phases:
  - {{name: ramp, connections: {2 * rate}, connect_rate: {rate}/s}}
  - {{name: steady, duration: {seconds}s, connections: {2 * rate}}}
  - {{name: drain, close: all}}
session:
  lifetime: {{dist: fixed, mean: 2s}}
  messages: {{interval: 2s, size: {len(MESSAGE)}, payload: text, expect_echo: true}}
close:
  timeout: 5s
  mix: [{{pattern: clean, weight: 1, code: 1000}}]
checks:
  leak: {{settle: 1s}}
"""


def artillery_script(url, rate, seconds, source):
    # One virtual user per connection: open, send, wait for the echo (the capture), stay 2 s, close.
    return f"""
config:
  target: "{url}"
  phases:
    - duration: {seconds + 4}
      arrivalRate: {rate}
  ws:
    localAddress: "{source}"
scenarios:
  - engine: ws
    flow:
      - send:
          payload: '{MESSAGE}'
          capture: {{json: "$.n", as: "n"}}
      - think: 2
"""


class Window:
    """CPU of the generator and the server over a steady window of the run, by the server's count of opens."""

    def __init__(self, server, pid, rate, seconds):
        self.per_connection = None
        self.detail_prefix = ""
        start = server.wait_until(lambda s: s["opened"] >= 3 * rate, timeout=60)
        if start is None:
            self.detail = "never reached the rate"
            return
        cpu_start, server_start = kit.cpu_seconds(pid), kit.cpu_seconds(server.proc.pid)
        threads_start = kit.thread_cpu_seconds(pid)
        wall_start = time.monotonic()
        window_opens = int(rate * (seconds - 4))
        end = server.wait_until(lambda s: s["opened"] >= start["opened"] + window_opens, timeout=seconds * 4)
        if end is None:
            self.detail = "fell behind the rate"
            return
        cpu = kit.cpu_seconds(pid) - cpu_start
        threads_end = kit.thread_cpu_seconds(pid)
        server_cpu = kit.cpu_seconds(server.proc.pid) - server_start
        opened = end["opened"] - start["opened"]
        echoed = end["messages"] - start["messages"]
        wall = time.monotonic() - wall_start
        self.per_connection = cpu / opened * 1e6
        # A window where the server fell behind (its handshakes so slow that wsloadgen's connections closed
        # before their message was due, or opens well under the rate) did not run the lifecycle: not counted.
        if echoed / opened < 0.9 or opened / wall < 0.9 * rate:
            self.detail_prefix = f"NOT COUNTED, the server fell behind: {self.per_connection:.0f} µs/connection, "
            self.per_connection = None
        threads = {n: threads_end[n] - threads_start.get(n, 0) for n in threads_end}
        split = ", ".join(f"{n} {c / opened * 1e6:.0f}" for n, c in sorted(threads.items()) if c > 0)
        self.detail = self.detail_prefix + (
                       f"{opened} connections at {opened / wall:.0f}/s, {echoed / opened:.2f} echoes each, "
                       f"{cpu:.2f} s CPU; µs/connection by thread: {split}; the server's own: "
                       f"{server_cpu / opened * 1e6:.0f} µs/connection")


def run_wsloadgen(rate, seconds, source, overrides=()):
    with kit.EchoServer() as server:
        run = kit.WsloadgenRun(wsloadgen_profile(server.url, rate, seconds, source),
                               *[arg for o in overrides for arg in ("--set", o)])
        window = Window(server, run.pid, rate, seconds)
        code, out, err, report = run.finish()
    if code not in (0, 1):  # 1: a check failed, e.g. the server's handshakes were too slow; still measured
        return None, f"wsloadgen exited {code}: {err.strip()[-300:]}"
    errors = report["connections"]["errors"] if report else "?"
    return window.per_connection, f"{window.detail}; connect errors {errors or 'none'}"


def run_artillery(rate, seconds, source):
    kit.ensure_artillery()
    with kit.EchoServer() as server, tempfile.TemporaryDirectory(prefix="artillery-bench-") as tmp:
        script = os.path.join(tmp, "script.yaml")
        with open(script, "w") as f:
            f.write(artillery_script(server.url, rate, seconds, source))
        proc = subprocess.Popen([kit.ARTILLERY, "run", "--quiet", "--output", os.path.join(tmp, "report.json"),
                                 script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                cwd=tmp, preexec_fn=kit.raise_fd_limit,
                                env={**os.environ, "ARTILLERY_DISABLE_TELEMETRY": "true"})
        window = Window(server, proc.pid, rate, seconds)
        out, _ = proc.communicate(timeout=seconds * 10 + 120)
    if proc.returncode != 0:
        return None, f"artillery exited {proc.returncode}: {out.strip()[-300:]}"
    return window.per_connection, window.detail


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=int, default=1000, help="new connections per second (default 1000)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each tool (default 5)")
    parser.add_argument("--seconds", type=int, default=20, help="length of the steady phase (default 20)")
    parser.add_argument("--no-artillery", action="store_true", help="wsloadgen only")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a profile override for wsloadgen's runs (repeatable)")
    args = parser.parse_args()

    tools = [("wsloadgen", lambda *a: run_wsloadgen(*a, overrides=args.set))] + ([] if args.no_artillery else [("artillery", run_artillery)])
    results = {name: {} for name, _ in tools}  # name: {run: µs per connection}
    used_sources = []
    kit.note(f"CPU per connection lifecycle at {args.rate} new connections/s, {args.runs} runs per tool")
    for i in range(args.runs):
        for name, run in tools:
            source = kit.fresh_source_address(used_sources)
            used_sources.append(source)
            per_connection, detail = run(args.rate, args.seconds, source)
            shown = f"{per_connection:.0f} µs/connection" if per_connection is not None else "-"
            kit.note(f"  run {i + 1} {name:<9} from {source}: {shown}  ({detail})")
            if per_connection is not None:
                results[name][i] = per_connection
            time.sleep(1)  # let the machine settle between runs (not a synchronisation)
    for name, _ in tools:
        kit.note(kit.figure_line(f"{name} CPU per connection", list(results[name].values()), "µs", 0))
    if len(tools) == 2 and results["wsloadgen"] and results["artillery"]:
        ratio = kit.median(list(results["artillery"].values())) / kit.median(list(results["wsloadgen"].values()))
        # Runs i of both tools ran back to back, under about the same load from the rest of the machine.
        paired = [results["artillery"][i] / results["wsloadgen"][i]
                  for i in results["wsloadgen"] if i in results["artillery"]]
        kit.note(f"artillery / wsloadgen: {ratio:.2f}x the CPU per connection (ratio of medians); "
                 f"{kit.median(paired):.2f}x (median of the runs' ratios: {' '.join(f'{r:.2f}' for r in paired)})")


if __name__ == "__main__":
    main()
