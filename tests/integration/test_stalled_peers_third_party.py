"""Stalled peers against two servers nobody here wrote: node-ws (no heartbeat) never reclaims them, python3-websockets (pings) does."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import SUPPORT_DIR, RecordingServer, TempDirTestCase, run_wsloadgen, write_profile  # noqa: E402
from summary_parser import close_rows, latency_row  # noqa: E402

CONNECTIONS = 20
HOLD_PHASE_S = 1
STALL_HOLD_S = 6
PING_INTERVAL_S = 1
# Start-up, preflight, the drain's last RSTs and the leak check's 500 ms settle, with room for a busy machine.
RUN_SLACK_S = 4

PROFILE = f"""
name: stalled-peers-third-party
seed: 17
workers: 2
phases:
  - {{name: open, connections: {CONNECTIONS}}}
  - {{name: hold, duration: {HOLD_PHASE_S}s}}
  - {{name: drain, close: all}}
session:
  messages: {{interval: 200ms, size: 64, payload: text}}
close:
  timeout: 1s
  mix:
    - {{pattern: stall, hold: {STALL_HOLD_S}s}}
checks:
  leak: {{settle: 500ms}}
"""

NODE_PROJECT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "node")


class NodeWsServer:
    """node_ws_echo_server.js (the npm package `ws`, no heartbeat) in a subprocess; .stop() returns its JSON account."""

    def __init__(self):
        node = shutil.which("node")
        if node is None or not os.path.isdir(os.path.join(NODE_PROJECT, "node_modules", "ws")):
            raise RuntimeError(f"node or the ws package is missing: run ./dev build (npm ci --prefix {NODE_PROJECT})")
        self.proc = subprocess.Popen([node, os.path.join(SUPPORT_DIR, "node_ws_echo_server.js")],
                                     stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on (ws://127\.0\.0\.1:\d+/)", line)
        if not m:
            self.proc.kill()
            raise RuntimeError(f"node ws server did not start: {line!r}")
        self.url = m.group(1)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        out, _ = self.proc.communicate(timeout=30)
        return json.loads(out.strip().splitlines()[-1])


class StalledPeersThirdParty(TempDirTestCase):
    def run_stalls(self, url):
        """The generator's Result for the profile against `url`; its exit code is the leak verdict's business."""
        path = write_profile(self.tmp, PROFILE)
        r = run_wsloadgen("run", path, "--target", url, "--progress", "off",
                          "--out", os.path.join(self.tmp, "out"), timeout=60)
        self.assertIn(r.code, (0, 1), r)
        # The run lasts the hold phase and the stall's hold, then ends: a stalled peer must not stretch it.
        self.assertLess(r.elapsed, HOLD_PHASE_S + STALL_HOLD_S + RUN_SLACK_S, r)
        stall = close_rows(r.stdout).get("stall")
        self.assertIsNotNone(stall, r)
        self.assertEqual(stall["started"], CONNECTIONS, r)
        return r, stall

    def test_node_ws_without_heartbeat_never_reclaims_stalled_peers(self):
        server = NodeWsServer()
        try:
            r, stall = self.run_stalls(server.url)
        finally:
            account = server.stop()
        # The server's own word: it accepted every upgrade, and every one ended (by our RST at the hold's end).
        self.assertEqual(account["connections"], CONNECTIONS, (account, r))
        self.assertEqual(account["closed"], CONNECTIONS, (account, r))
        self.assertEqual(stall["server_never_closed"], CONNECTIONS, r)
        self.assertEqual(stall["completed"], 0, r)
        self.assertIsNone(latency_row(r.stdout, "tcp_end/stall"), r)

    def test_python_websockets_pings_and_reclaims_stalled_peers(self):
        server = RecordingServer(self.tmp, args=("--ping-interval", str(PING_INTERVAL_S)))
        try:
            r, stall = self.run_stalls(server.url)
        finally:
            record = server.stop()
        conns = record["connections"]
        self.assertEqual(len(conns), CONNECTIONS, r)
        self.assertTrue(all(c["messages"] >= 1 for c in conns), "messages flowed before the stall")
        self.assertEqual(stall["completed"], CONNECTIONS, r)
        self.assertEqual(stall["server_never_closed"], 0, r)
        tcp_end = latency_row(r.stdout, "tcp_end/stall")
        self.assertIsNotNone(tcp_end, r)
        self.assertEqual(tcp_end["count"], CONNECTIONS, r)
        # A ping within 1 s of the silence starting, dropped 1 s later when no pong came; the rest is slack
        # for the generator's TCP_INFO polling (hold/20 = 300 ms) and a busy machine.
        self.assertLess(tcp_end["max"], 4.0, r)


if __name__ == "__main__":
    unittest.main()
