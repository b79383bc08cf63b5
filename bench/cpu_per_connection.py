#!/usr/bin/python3
"""CPU per connection lifecycle: wsloadgen beside tcpkali (the fastest peer) and Artillery, against the same npm
`ws` echo server, on the same work.

One lifecycle: a TCP connect, the WebSocket upgrade, one 7-byte text message (`{"n":1}`, so Artillery can wait
for its echo) echoed back, about 1 s open, then the close. At RATE new connections per second, each replaced
when it ends, about RATE connections are open at once. Tools, each run from a loopback source address of its
own, taking turns RUNS times:
  tcpkali          --websocket --channel-lifetime 1s --first-message: it never sends a Close frame and ends TCP
                   with a FIN; it does not wait for the echo (it reads it)
  wsloadgen fin    the same wire: no Close frame, a FIN (and wsloadgen still measures the echo, tcp_end, reclaim);
                   like tcpkali it sends the message as soon as the upgrade is answered (messages.first: at_open)
  wsloadgen clean  a close handshake with code 1000 instead
  fin-spread, clean-spread  the same two with the message at a seeded offset within the second (the default
                   schedule, messages.first: spread): one more wake-up of the generator per connection
  artillery        one virtual user per connection (unless --no-artillery)
Each tool's user + system CPU (every thread of its process tree, from /proc) is read while the server counts
its connections, over a steady window that leaves out start-up and shut-down; CPU per connection is the CPU of
the window over the connections the server saw opened in it. The figures are medians, and each tool's ratio to
tcpkali: the ratio of the medians and the median of the rounds' ratios (a round's runs ran back to back, under
about the same load from the rest of this shared machine).

    /usr/bin/python3 bench/cpu_per_connection.py [--rate 1000] [--runs 5] [--seconds 10] [--no-artillery]
        [--tcpkali PATH] [--tools tcpkali,fin,clean,artillery] [--baseline-bin PATH]
        [--set KEY=VALUE]...  (passed to wsloadgen)

--baseline-bin PATH adds another wsloadgen build (say, main before a change) to the same rounds, as baseline-fin
and baseline-clean, so a change is measured side by side. They run the spread schedule, which builds from before
messages.first understand: set them beside fin-spread and clean-spread.

tcpkali is not packaged for Debian: TCPKALI=PATH or --tcpkali PATH; without it the script says how to build it
(../shared/peers/build-tcpkali.sh DEST in the team's workspace) and runs the others.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
import bench_kit as kit  # noqa: E402

MESSAGE = '{"n":1}'  # 7 bytes of JSON, so Artillery can wait for its echo
LIFETIME_SECONDS = 1


def wsloadgen_profile(url, rate, seconds, source, pattern="clean", first="at_open"):
    # A fixed lifetime and one message per lifetime (at once after the upgrade, or at a seeded offset within the
    # lifetime: `first`), each connection replaced the instant it closes, so opens run at `rate` once the ramp is
    # done. The spread schedule is the default, left unsaid so that builds older than the key run it too.
    code = ", code: 1000" if pattern == "clean" else ""
    first_key = f", first: {first}" if first != "spread" else ""
    return f"""
name: bench-cpu
seed: 1
target:
  url: {url}
  source_addresses: [{source}]
phases:
  - {{name: ramp, connections: {LIFETIME_SECONDS * rate}, connect_rate: {rate}/s}}
  - {{name: steady, duration: {seconds}s, connections: {LIFETIME_SECONDS * rate}}}
  - {{name: drain, close: all}}
session:
  lifetime: {{dist: fixed, mean: {LIFETIME_SECONDS}s}}
  messages: {{interval: {LIFETIME_SECONDS}s, size: {len(MESSAGE)}, payload: text, expect_echo: true{first_key}}}
close:
  timeout: 5s
  mix: [{{pattern: {pattern}, weight: 1{code}}}]
checks:
  leak: {{settle: 1s}}
"""


def artillery_script(url, rate, seconds, source):
    # One virtual user per connection: open, send, wait for the echo (the capture), stay 1 s, close.
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
      - think: {LIFETIME_SECONDS}
"""


def tcpkali_command(tcpkali, url, rate, seconds, source):
    host_port = url.split("//", 1)[1].rstrip("/")
    return [tcpkali, "--websocket", "--connections", str(LIFETIME_SECONDS * rate), "--connect-rate", str(rate),
            "--channel-lifetime", f"{LIFETIME_SECONDS}s", "--first-message", MESSAGE, "--source-ip", source,
            "--duration", f"{seconds + 4}s", host_port]


def find_tcpkali(given):
    path = given or os.environ.get("TCPKALI")
    if path:
        return path if os.access(path, os.X_OK) else None
    return shutil.which("tcpkali")


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


def run_wsloadgen(rate, seconds, source, pattern, first, overrides=(), binary=None):
    with kit.EchoServer() as server:
        run = kit.WsloadgenRun(wsloadgen_profile(server.url, rate, seconds, source, pattern, first),
                               *[arg for o in overrides for arg in ("--set", o)], binary=binary)
        window = Window(server, run.pid, rate, seconds)
        code, out, err, report = run.finish()
    if code not in (0, 1):  # 1: a check failed, e.g. the server's handshakes were too slow; still measured
        return None, f"wsloadgen exited {code}: {err.strip()[-300:]}"
    errors = report["connections"]["errors"] if report else "?"
    return window.per_connection, f"{window.detail}; connect errors {errors or 'none'}"


def run_tcpkali(tcpkali, rate, seconds, source):
    with kit.EchoServer() as server:
        proc = subprocess.Popen(tcpkali_command(tcpkali, server.url, rate, seconds, source),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                preexec_fn=kit.raise_fd_limit)
        window = Window(server, proc.pid, rate, seconds)
        out, _ = proc.communicate(timeout=seconds * 10 + 120)
    if proc.returncode != 0:
        return None, f"tcpkali exited {proc.returncode}: {out.strip()[-300:]}"
    return window.per_connection, window.detail


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


TOOL_NAMES = ("tcpkali", "fin", "clean", "artillery", "fin-spread", "clean-spread", "baseline-fin", "baseline-clean")
DEFAULT_TOOLS = ("tcpkali", "fin", "clean", "artillery")
LABELS = {"tcpkali": "tcpkali", "fin": "wsloadgen fin", "clean": "wsloadgen clean", "artillery": "artillery",
          "fin-spread": "fin spread", "clean-spread": "clean spread",
          "baseline-fin": "baseline fin", "baseline-clean": "baseline clean"}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=int, default=1000, help="new connections per second (default 1000)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each tool (default 5)")
    parser.add_argument("--seconds", type=int, default=10, help="length of the steady phase (default 10)")
    parser.add_argument("--tools", default=",".join(DEFAULT_TOOLS),
                        help="comma list of " + ", ".join(TOOL_NAMES) + " (default: " + ",".join(DEFAULT_TOOLS)
                             + ", and the baselines with --baseline-bin)")
    parser.add_argument("--no-artillery", action="store_true", help="leave Artillery out")
    parser.add_argument("--tcpkali", metavar="PATH", help="the tcpkali binary (default $TCPKALI, then PATH)")
    parser.add_argument("--baseline-bin", metavar="PATH",
                        help="another wsloadgen build (say, before a change) run as baseline-fin/baseline-clean "
                             "in the same rounds, for a side-by-side figure of a change")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a profile override for wsloadgen's runs (repeatable)")
    args = parser.parse_args()

    default_tools = args.tools == parser.get_default("tools")
    wanted = [t.strip() for t in args.tools.split(",") if t.strip()]
    if default_tools:
        if args.baseline_bin:
            wanted += ["baseline-fin", "baseline-clean"]
    if any(t.startswith("baseline-") for t in wanted) and not args.baseline_bin:
        parser.error("baseline-fin and baseline-clean need --baseline-bin PATH")
    if not wanted or any(t not in TOOL_NAMES for t in wanted):
        parser.error(f"--tools {args.tools!r}: choose from {', '.join(TOOL_NAMES)}")
    if args.no_artillery and "artillery" in wanted:
        wanted.remove("artillery")
    tcpkali = find_tcpkali(args.tcpkali)
    if "tcpkali" in wanted and tcpkali is None:
        kit.note("tcpkali: not found (TCPKALI=PATH or --tcpkali PATH); skipped. It is not packaged for Debian 12; "
                 "build it with ../shared/peers/build-tcpkali.sh DEST (then DEST/bin/tcpkali), or from "
                 "https://github.com/satori-com/tcpkali")
        wanted.remove("tcpkali")
    runners = {
        "tcpkali": lambda *a: run_tcpkali(tcpkali, *a),
        "fin": lambda *a: run_wsloadgen(*a, pattern="fin", first="at_open", overrides=args.set),
        "clean": lambda *a: run_wsloadgen(*a, pattern="clean", first="at_open", overrides=args.set),
        "artillery": run_artillery,
        "fin-spread": lambda *a: run_wsloadgen(*a, pattern="fin", first="spread", overrides=args.set),
        "clean-spread": lambda *a: run_wsloadgen(*a, pattern="clean", first="spread", overrides=args.set),
        "baseline-fin": lambda *a: run_wsloadgen(*a, pattern="fin", first="spread", overrides=args.set,
                                                 binary=args.baseline_bin),
        "baseline-clean": lambda *a: run_wsloadgen(*a, pattern="clean", first="spread", overrides=args.set,
                                                   binary=args.baseline_bin),
    }
    results = {name: {} for name in wanted}  # name: {round: µs per connection}
    used_sources = []
    kit.note(f"CPU per connection lifecycle at {args.rate} new connections/s for {args.seconds} s, "
             f"{LIFETIME_SECONDS} s open, one {len(MESSAGE)}-byte message echoed; {args.runs} runs of "
             + ", ".join(LABELS[n] for n in wanted)
             + (f"; wsloadgen --set {' '.join(args.set)}" if args.set else "")
             + (f"; tcpkali {tcpkali}" if "tcpkali" in wanted else ""))
    for i in range(args.runs):
        for name in wanted:
            source = kit.fresh_source_address(used_sources)
            used_sources.append(source)
            per_connection, detail = runners[name](args.rate, args.seconds, source)
            shown = f"{per_connection:.0f} µs/connection" if per_connection is not None else "-"
            kit.note(f"  round {i + 1} {LABELS[name]:<15} from {source}: {shown}  ({detail})")
            if per_connection is not None:
                results[name][i] = per_connection
            time.sleep(1)  # let the machine settle between runs (not a synchronisation)
    for name in wanted:
        kit.note(kit.figure_line(f"{LABELS[name]} CPU per connection", list(results[name].values()), "µs", 0))
    if "tcpkali" in wanted and results["tcpkali"]:
        base = results["tcpkali"]
        for name in wanted:
            if name == "tcpkali" or not results[name]:
                continue
            ratio = kit.median(list(results[name].values())) / kit.median(list(base.values()))
            paired = [results[name][i] / base[i] for i in results[name] if i in base]
            kit.note(f"{LABELS[name]} / tcpkali: {ratio:.2f}x the CPU per connection (ratio of medians); "
                     f"{kit.median(paired):.2f}x (median of the rounds' ratios: "
                     f"{' '.join(f'{r:.2f}' for r in paired)})")


if __name__ == "__main__":
    main()
