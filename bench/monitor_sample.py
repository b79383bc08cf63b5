#!/usr/bin/python3
"""Monitor overhead: one sock_diag sample of a port with CONNECTIONS sockets, as the monitor takes it.

Runs build/bench/bench_sock_diag_sample (C++, built with the project) RUNS times; each run sets up the
loopback connections and reports the median of 15 samples, wall and CPU time; printed: the medians over runs
of the monitor's own sample (count_server_sockets: the listener's family, port filtered in the kernel).

    /usr/bin/python3 bench/monitor_sample.py [--connections 15000] [--runs 5]
"""
import argparse
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
import bench_kit as kit  # noqa: E402

SAMPLER = os.path.join(os.path.dirname(kit.WSLOADGEN), "bench", "bench_sock_diag_sample")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=15000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    kit.ensure_wsloadgen()
    walls, cpus = [], []
    kit.note(f"one monitor sample (sock_diag) of a port with {args.connections} connections, {args.runs} runs")
    for i in range(args.runs):
        out = subprocess.run([SAMPLER, str(args.connections)], capture_output=True, text=True, timeout=300,
                             check=True).stdout
        m = re.search(r"count_server_sockets.*?(\d+) sockets\s+median wall\s+([\d.]+) ms\s+cpu\s+([\d.]+) ms", out)
        host = re.search(r"^host (.*)$", out, re.M)
        walls.append(float(m.group(2)))
        cpus.append(float(m.group(3)))
        kit.note(f"  run {i + 1}: {m.group(1)} sockets, wall {m.group(2)} ms, cpu {m.group(3)} ms  "
                 f"(host {host.group(1) if host else '?'})")
    kit.note(kit.figure_line("sock_diag sample wall time", walls, "ms", 1))
    kit.note(kit.figure_line("sock_diag sample CPU time", cpus, "ms", 1))


if __name__ == "__main__":
    main()
