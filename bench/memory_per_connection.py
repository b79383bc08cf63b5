#!/usr/bin/python3
"""Memory per idle open connection: the generator's RSS with LOW and with HIGH connections held open.

wsloadgen opens LOW connections to the npm `ws` echo server and holds them, then opens more up to HIGH and
holds those; no messages, no pings. Its RSS (VmRSS) is read a few times in each hold, once the server
counts every connection open; the figure is the growth between the two levels over the connections added.
RUNS runs, each from a source address of its own; medians.

    /usr/bin/python3 bench/memory_per_connection.py [--low 1000] [--high 15000] [--runs 3]
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
import bench_kit as kit  # noqa: E402

HOLD_SECONDS = 6


def profile(url, low, high, source, rate):
    # The holds last long enough to read the RSS after each level is reached; reading starts from the server's
    # count of open connections, not from the clock.
    return f"""
name: bench-memory
seed: 1
target:
  url: {url}
  source_addresses: [{source}]
phases:
  - {{name: low,       connections: {low},  connect_rate: {rate}/s}}
  - {{name: hold-low,  duration: {HOLD_SECONDS + (low // rate)}s}}
  - {{name: high,      connections: {high}, connect_rate: {rate}/s}}
  - {{name: hold-high, duration: {HOLD_SECONDS + (high // rate)}s}}
  - {{name: drain, close: all, close_rate: 5000/s}}
close:
  mix: [{{pattern: rst, weight: 1}}]
checks:
  leak: {{settle: 1s}}
"""


def settled_rss(server, pid, level, timeout):
    """Median of five RSS readings 200 ms apart, once the server has `level` connections open."""
    if server.wait_until(lambda s: s["open"] >= level, timeout=timeout, poll=0.1) is None:
        return None
    readings = []
    for _ in range(5):
        readings.append(kit.rss_bytes(pid))
        time.sleep(0.2)
    return kit.median(readings)


def one_run(low, high, source, rate):
    with kit.EchoServer() as server:
        run = kit.WsloadgenRun(profile(server.url, low, high, source, rate))
        rss_low = settled_rss(server, run.pid, low, timeout=60)
        server_low = kit.rss_bytes(server.proc.pid)
        rss_high = settled_rss(server, run.pid, high, timeout=120)
        server_high = kit.rss_bytes(server.proc.pid)
        code, _, err, report = run.finish()
    if rss_low is None or rss_high is None or code not in (0, 1):
        return None, f"exit {code}, levels not reached: {err.strip()[-300:]}"
    errors = report["connections"]["errors"] if report else "?"
    per_connection = (rss_high - rss_low) / (high - low)
    server_per_connection = (server_high - server_low) / (high - low)
    return per_connection, (f"RSS {rss_low / 2**20:.1f} MiB at {low}, {rss_high / 2**20:.1f} MiB at {high}; "
                            f"connect errors {errors or 'none'}; the server's own growth: "
                            f"{server_per_connection / 1024:.2f} KiB/connection")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--low", type=int, default=1000)
    parser.add_argument("--high", type=int, default=15000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rate", type=int, default=1000, help="connections opened per second (default 1000)")
    args = parser.parse_args()
    kit.note(f"generator RSS per idle open connection between {args.low} and {args.high}, {args.runs} runs")
    used, results = [], []
    for i in range(args.runs):
        source = kit.fresh_source_address(used)
        used.append(source)
        per_connection, detail = one_run(args.low, args.high, source, args.rate)
        shown = f"{per_connection / 1024:.2f} KiB/connection" if per_connection is not None else "FAILED"
        kit.note(f"  run {i + 1} from {source}: {shown}  ({detail})")
        if per_connection is not None:
            results.append(per_connection / 1024)
    kit.note(kit.figure_line("wsloadgen RSS growth per idle connection", results, "KiB", 2))


if __name__ == "__main__":
    main()
