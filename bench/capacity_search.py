#!/usr/bin/python3
"""Capacity search: how long profiles/capacity.yaml takes to find a server's limit, and how close it lands.

The server is `wsloadgen serve --fault max-connections=LIMIT`: it answers 503 to any upgrade while LIMIT
connections are open, so the true limit is known, and its own account says the most it ever held. Each run is
the shipped profile as it is (start 500, factor 2, max 15000, 20 s steps, refine 3, ramp 1000/s, settle 5 s)
from a loopback source address of its own. Printed per run and as medians: the wall time from start to exit,
the steps, the sustained and the first failed level, the resolution, and how far the sustained level is below
the true limit.

    /usr/bin/python3 bench/capacity_search.py [--limit 5000] [--runs 1] [--set KEY=VALUE]...
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
import bench_kit as kit  # noqa: E402

PROFILE = os.path.join(kit.SOURCE_DIR, "profiles", "capacity.yaml")


class LimitedServer:
    """`wsloadgen serve --fault max-connections=LIMIT`; .stop() returns its account."""

    def __init__(self, limit):
        self.proc = subprocess.Popen([kit.WSLOADGEN, "serve", "--port", "0", "--fault", f"max-connections={limit}"],
                                     stdout=subprocess.PIPE, text=True, preexec_fn=kit.raise_fd_limit)
        self.url = re.search(r"listening on (ws://\S+)", self.proc.stdout.readline()).group(1)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        out, _ = self.proc.communicate(timeout=60)
        return json.loads(out.strip().splitlines()[-1])


def one_run(limit, overrides, taken):
    source = kit.fresh_source_address(taken)
    taken.append(source)
    server = LimitedServer(limit)
    scratch = tempfile.TemporaryDirectory(prefix="wsloadgen-bench-capacity-")
    try:
        out_dir = scratch.name
        args = [kit.WSLOADGEN, "run", PROFILE, "--target", server.url, "--out", out_dir, "--progress", "off",
                "--metrics-listen", "127.0.0.1:0", "--set", f"target.source_addresses=[{source}]"]
        for o in overrides:
            args += ["--set", o]
        start = time.monotonic()
        proc = subprocess.run(args, capture_output=True, text=True, timeout=1800)
        wall = time.monotonic() - start
    finally:
        account = server.stop()
    with open(os.path.join(out_dir, "report.json")) as f:
        report = json.load(f)
    scratch.cleanup()
    how = re.search(r"^capacity .*\n\s+(search: .*)$", proc.stdout, re.M)
    return {"exit": proc.returncode, "wall": wall, "report": report, "account": account,
            "how": how.group(1) if how else proc.stdout[-2000:]}


def level(value):
    return "-" if value is None else f"{value:g}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--set", action="append", default=[], help="a profile override, as for wsloadgen run")
    args = parser.parse_args()
    kit.ensure_wsloadgen()
    kit.note(f"profiles/capacity.yaml against serve --fault max-connections={args.limit}, {args.runs} run(s)"
             + (f", overrides {args.set}" if args.set else ""))
    walls, distances, resolutions, taken = [], [], [], []
    for i in range(args.runs):
        r = one_run(args.limit, args.set, taken)
        c = r["report"]["capacity"]
        steps = r["report"]["steps"]
        sustained, failed = c["sustained"], c["failed"]
        inside = failed is not None and sustained is not None and sustained <= args.limit < failed
        kit.note(f"  run {i + 1}: exit {r['exit']}, {r['wall']:.1f} s wall ({r['report']['elapsed_seconds']:.1f} s "
                 f"of load), {len(steps)} steps {[int(s['level']) for s in steps]}")
        kit.note(f"    sustained {level(sustained)}, first failed {level(failed)}, resolution {level(c['resolution'])}, "
                 f"stop {c['stop']}; the true limit {'is' if inside else 'is NOT'} inside [sustained, failed)")
        kit.note(f"    server: peak {r['account']['peak_open_connections']} open, "
                 f"{r['account']['upgrades_refused']} upgrades refused, {r['account']['handshakes']} handshakes")
        kit.note(f"    summary: {r['how']}")
        walls.append(r["wall"])
        distances.append(args.limit - (sustained or 0))
        resolutions.append(c["resolution"] or float("nan"))
    kit.note(kit.figure_line("search wall time", walls, "s", 1))
    kit.note(kit.figure_line("true limit minus sustained level", distances, "connections", 0))
    kit.note(kit.figure_line("resolution (first failed minus sustained)", resolutions, "connections", 0))


if __name__ == "__main__":
    main()
