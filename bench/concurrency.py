#!/usr/bin/python3
"""Concurrency and timer accuracy: CONNECTIONS open at once in one process, held with pings, zero errors.

wsloadgen opens CONNECTIONS to the npm `ws` echo server at RATE per second, holds them for HOLD seconds
pinging each every PING seconds, then closes them at RATE per second with `close_timeout` (a Close frame,
then silence, then an RST when its 5 s hold ends). Printed:
- the level reached and every error the generator or the server saw (the target: none);
- ping timer lateness: each ping carries its due time on the monotonic clock, which the server reads too,
  so the server measures exactly how late each ping arrived (timer delay + loopback + the server's own lag);
- hold accuracy: the server times each connection from its Close frame to its RST; less the 5 s hold, that
  is how much longer than its hold the connection waited (the hold timer's lateness, less the lateness of
  the Close frame itself, which went out from the schedule's own timer);
- the generator's RSS and CPU while holding.

    /usr/bin/python3 bench/concurrency.py [--connections 15000] [--rate 1000] [--hold 20] [--ping 10]
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
import bench_kit as kit  # noqa: E402

CLOSE_HOLD_SECONDS = 5


def profile(url, source, connections, rate, hold, ping):
    return f"""
name: bench-concurrency
seed: 1
target:
  url: {url}
  source_addresses: [{source}]
phases:
  - {{name: ramp, connections: {connections}, connect_rate: {rate}/s}}
  - {{name: hold, duration: {hold}s}}
  - {{name: drain, close: all, close_rate: {rate}/s}}
session:
  ping: {{interval: {ping}s}}
close:
  timeout: 5s
  mix: [{{pattern: close_timeout, weight: 1, code: 1000, hold: {CLOSE_HOLD_SECONDS}s}}]
checks:
  leak: {{settle: 1s}}
"""


def failed_checks(report):
    """Checks and leak resources that did not pass (the leak verdict judges the echo server, not wsloadgen)."""
    failed = [c["name"] for c in report["checks"] if not c["passed"]]
    return failed + [f"leak {r['resource']}" for r in report["leak_verdict"]["resources"] if r["verdict"] == "LEAK"]


def ms(summary, key):
    value = summary.get(key)
    return "-" if value is None else f"{value:.1f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=15000)
    parser.add_argument("--rate", type=int, default=1000, help="opens (and closes) per second (default 1000)")
    parser.add_argument("--hold", type=int, default=20, help="seconds to hold every connection open (default 20)")
    parser.add_argument("--ping", type=int, default=10, help="ping interval in seconds (default 10)")
    args = parser.parse_args()
    n, rate = args.connections, args.rate
    source = kit.fresh_source_address()
    kit.note(f"{n} connections at {rate}/s from {source}, held {args.hold} s with a ping every {args.ping} s")
    with kit.EchoServer() as server:
        run = kit.WsloadgenRun(profile(server.url, source, n, rate, args.hold, args.ping))
        reached = server.wait_until(lambda s: s["open"] >= n, timeout=n / rate * 4 + 60, poll=0.1)
        if reached is None:
            code, out, err, _ = run.finish()
            sys.exit(f"the level was never reached (exit {code}): {err.strip()[-500:]}")
        cpu_start, wall_start = kit.cpu_seconds(run.pid), time.monotonic()
        threads_start = kit.thread_cpu_seconds(run.pid)
        server.stats(reset=True)  # lateness from here on: the hold, with every connection open
        # Read the hold's figures just before the drain begins: its first close is due hold seconds after the
        # last open (this wait is the benchmark's own pacing, not a synchronisation).
        time.sleep(max(1.0, args.hold - 1.5))
        rss = kit.rss_bytes(run.pid)
        cpu = kit.cpu_seconds(run.pid) - cpu_start
        holding_seconds = time.monotonic() - wall_start
        threads = {name: (c - threads_start.get(name, 0)) / holding_seconds * 100
                   for name, c in kit.thread_cpu_seconds(run.pid).items()}
        during_hold = server.stats(reset=True)
        code, out, err, report = run.finish(timeout=n / rate * 2 + args.hold + 120)
        after = server.stats()
    if report is None:
        sys.exit(f"wsloadgen exited {code} without a report: {err.strip()[-500:]}")
    c, m = report["connections"], report["messages"]
    kit.note(f"level: {reached['open']} open at the server; generator attempted {c['attempted']}, opened "
             f"{c['opened']}, failed {c['failed']}{' ' + str(c['errors']) if c['errors'] else ''}, "
             f"dropped by server {c['dropped_by_server']}, "
             f"protocol errors {c['protocol_errors'] or 'none'}; exit {code}"
             + (f" ({', '.join(failed_checks(report))} failed)" if code == 1 else ""))
    kit.note(f"pings: {m['pings_sent']} sent, {m['pongs_received']} pongs; the server counted {after['pings']}")
    ping = during_hold["ping_lateness_ms"]
    kit.note(f"ping timer lateness during the hold (ms): p50 {ms(ping, 'p50')}  p99 {ms(ping, 'p99')}  "
             f"max {ms(ping, 'max')}  ({ping['count']} pings)")
    held = after["close_to_end_ms"]
    late = {k: (held[k] - CLOSE_HOLD_SECONDS * 1000 if held.get(k) is not None else None)
            for k in ("min", "p50", "p99", "max")}
    kit.note(f"close_timeout hold beyond its {CLOSE_HOLD_SECONDS} s at {n} connections (ms): min {ms(late, 'min')}  "
             f"p50 {ms(late, 'p50')}  p99 {ms(late, 'p99')}  max {ms(late, 'max')}  ({held['count']} connections)")
    split = ", ".join(f"{name} {share:.1f}%" for name, share in sorted(threads.items()) if share >= 0.05)
    kit.note(f"generator while holding: RSS {rss / 2**20:.1f} MiB, CPU {cpu / holding_seconds * 100:.1f}% of a core "
             f"({split})")


if __name__ == "__main__":
    main()
