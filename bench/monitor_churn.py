#!/usr/bin/python3
"""Monitor overhead in a churn: the wsl-monitor thread's CPU per connection and the reclaim times it measured.

Runs cpu_per_connection.py's lifecycle (1000 new connections/s, each about 2 s open, clean close, against the
npm `ws` echo server), so the server's port gathers TIME_WAIT sockets as the run goes on while the monitor
checks every closed connection's reclaim. Printed per run: the monitor thread's CPU over a steady window
per connection opened in it, and the `reclaim/clean` quantiles of the report (their resolution is the
monitor's reclaim poll). With several --wsloadgen binaries the runs alternate between them (A/B under about
the same load from the rest of the machine); each run has a source address of its own.

    /usr/bin/python3 bench/monitor_churn.py [--runs 3] [--seconds 16] [--wsloadgen BIN ...]
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
import bench_kit as kit  # noqa: E402
from cpu_per_connection import wsloadgen_profile  # noqa: E402

RATE = 1000


def monitor_cpu_seconds(pid):
    return kit.thread_cpu_seconds(pid).get("wsl-monitor", 0.0)


def run_once(binary, seconds, source):
    kit.WSLOADGEN = binary
    with kit.EchoServer() as server:
        # The spread schedule: every build understands it, old ones included (--wsloadgen alternates builds).
        run = kit.WsloadgenRun(wsloadgen_profile(server.url, RATE, seconds, source, first="spread"))
        start = server.wait_until(lambda s: s["opened"] >= 3 * RATE, timeout=60)
        if start is None:
            run.finish()
            return None, "never reached the rate"
        cpu_start = monitor_cpu_seconds(run.pid)
        time.sleep(seconds - 5)  # a steady window that ends before the drain
        cpu = monitor_cpu_seconds(run.pid) - cpu_start
        opened = server.stats()["opened"] - start["opened"]
        code, _, err, report = run.finish()
    if code not in (0, 1) or not report:
        return None, f"wsloadgen exited {code}: {err.strip()[-300:]}"
    per_connection = cpu / opened * 1e6
    reclaim = report["patterns"]["clean"]["server_reclaim_seconds"]
    quantiles = "  ".join(f"{q} {reclaim[q] * 1e3:.1f} ms" for q in ("p50", "p99", "max") if q in reclaim)
    return per_connection, (f"wsl-monitor {per_connection:.0f} µs/connection ({opened} connections in the window); "
                            f"reclaim/clean {reclaim['count']} measured: {quantiles}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs of each binary (default 3)")
    parser.add_argument("--seconds", type=int, default=16, help="length of the steady phase (default 16)")
    parser.add_argument("--wsloadgen", action="append", help="binary to run (repeat to alternate; default the build)")
    args = parser.parse_args()
    binaries = args.wsloadgen or [kit.WSLOADGEN]
    results = {b: [] for b in binaries}
    used_sources = []
    kit.note(f"the monitor in a churn of {RATE} new connections/s, {args.runs} runs of each of {len(binaries)} binaries")
    for i in range(args.runs):
        for binary in binaries:
            source = kit.fresh_source_address(used_sources)
            used_sources.append(source)
            per_connection, detail = run_once(binary, args.seconds, source)
            kit.note(f"  run {i + 1} {binary} from {source}: {detail}")
            if per_connection is not None:
                results[binary].append(per_connection)
            time.sleep(1)  # let the machine settle between runs (not a synchronisation)
    for binary in binaries:
        kit.note(kit.figure_line(f"{binary}: wsl-monitor CPU per connection", results[binary], "µs", 0))


if __name__ == "__main__":
    main()
