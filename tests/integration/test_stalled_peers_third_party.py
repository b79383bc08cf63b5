"""Stalled peers (half-open clients) against two servers nobody here wrote: npm ws as it ships (no heartbeat) holds
them for ever, which the reap check reports as a leak; python3-websockets pings them and drops them in time.

What the servers did is read from them: their sockets in /proc, sampled by the test, and their own accounts."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import SUPPORT_DIR, RecordingServer, TempDirTestCase, run_wsloadgen, scaled, write_profile  # noqa: E402
from kernel_sockets import ConnectionSampler  # noqa: E402

CONNECTIONS = 20
HOLD_PHASE_S = 1
STALL_HOLD_S = 6
REAP_WITHIN_S = 5
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
  reap: {{within: {REAP_WITHIN_S}s}}
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
        m = re.search(r"listening on (ws://127\.0\.0\.1:(\d+)/)", line)
        if not m:
            self.proc.kill()
            raise RuntimeError(f"node ws server did not start: {line!r}")
        self.url, self.port = m.group(1), int(m.group(2))

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        out, _ = self.proc.communicate(timeout=30)
        return json.loads(out.strip().splitlines()[-1])


class StalledPeersThirdParty(TempDirTestCase):
    def run_stalls(self, url, server_pid, port):
        """(Result, the server's sockets sampled by the test, the peer ports of the load (its preflight left out),
        when the stall began on the test's clock)."""
        sampler = ConnectionSampler(server_pid, port, interval=0.05)
        try:
            r = run_wsloadgen("run", write_profile(self.tmp, PROFILE), "--target", url, "--progress", "off",
                              "--out", os.path.join(self.tmp, "out"), timeout=60)
        finally:
            sampler.stop()
        # The run lasts the hold phase and the stall's hold, then ends: a stalled peer must not stretch it.
        self.assertLess(r.elapsed, HOLD_PHASE_S + STALL_HOLD_S + RUN_SLACK_S, r)
        load, preflight = sampler.load_and_preflight()
        self.assertEqual(len(load), CONNECTIONS, f"the server never held all the connections at once\n{r}")
        self.assertLessEqual(len(preflight), 1, f"{preflight}\n{r}")
        all_open = sampler.first_time(lambda held: load <= held.keys())
        return r, sampler, load, all_open + HOLD_PHASE_S

    def test_node_ws_without_heartbeat_holds_stalled_peers_for_ever_and_that_is_a_leak(self):
        server = NodeWsServer()
        try:
            r, sampler, load, stall_began = self.run_stalls(server.url, server.proc.pid, server.port)
        finally:
            account = server.stop()
        self.assertEqual(r.code, 1, r)
        self.assertRegex(r.stdout, rf"(?m)^LEAK reap.stall: {CONNECTIONS} of {CONNECTIONS} held peers not given back "
                                   rf"within reap.within {REAP_WITHIN_S}.00s: {CONNECTIONS} still held by the server "
                                   r"when our hold ended", r)
        self.assertIn("verdict: FAIL", r.stdout)
        # The server's side, from /proc: past reap.within it still held every one of them, and let go only when
        # our reset came at the end of the hold.
        late = sampler.first_time(lambda held: len(held) == CONNECTIONS, after=stall_began + REAP_WITHIN_S + 0.2)
        self.assertIsNotNone(late, f"the server did not hold all {CONNECTIONS} stalled peers past reap.within")
        for port in load:
            released = sampler.released(port)
            self.assertIsNotNone(released, f"peer {port} never seen given back")
            self.assertGreater(released[1], stall_began + STALL_HOLD_S - 1, f"peer {port} given back early")
        # Its own word agrees: it accepted every upgrade, and each ended (by our reset).
        self.assertEqual((account["connections"], account["closed"]), (CONNECTIONS, CONNECTIONS), account)

    def test_python_websockets_pings_and_drops_stalled_peers_in_time(self):
        server = RecordingServer(self.tmp, args=("--ping-interval", str(PING_INTERVAL_S)))
        try:
            r, sampler, load, stall_began = self.run_stalls(server.url, server.proc.pid, server.port)
        finally:
            record = server.stop()
        self.assertEqual(r.code, 0, r)
        self.assertRegex(r.stdout, rf"(?m)^PASS reap.stall: {CONNECTIONS} of {CONNECTIONS} held peers given back "
                                   rf"within reap.within {REAP_WITHIN_S}.00s", r)
        conns = record["connections"]
        self.assertEqual(len(conns), CONNECTIONS, record)
        self.assertTrue(all(c["messages"] >= 1 for c in conns), "messages flowed before the stall")
        # The server's own record: it closed each one itself, with 1011 (keepalive ping timeout)...
        self.assertEqual([c["close_sent_code"] for c in conns], [1011] * CONNECTIONS, record)
        # ...and /proc shows each of its sockets leaving ESTABLISHED (its FIN: websockets half-closes after the Close,
        # then waits for the client) only once the peer went silent (its pongs answered every ping before; the
        # stall's start is known to this test within a sample, hence the 0.25 s) and well within reap.within.
        for port in load:
            ended = sampler.first_time(lambda held, port=port: held.get(port) != "ESTABLISHED", after=stall_began - 1)
            self.assertIsNotNone(ended, f"peer {port} never seen ended by the server")
            self.assertGreater(ended, stall_began - 0.25, f"peer {port} dropped before it went silent")
            self.assertLess(ended, stall_began + REAP_WITHIN_S, f"peer {port} still established past reap.within")

if __name__ == "__main__":
    unittest.main()
