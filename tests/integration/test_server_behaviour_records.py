"""The generator's record of how the server behaved, checked against servers that misbehave on purpose."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import ServeProcess, TempDirTestCase, run_wsloadgen, write_profile  # noqa: E402
from kernel_sockets import ConnectionSampler  # noqa: E402
from summary_parser import close_rows, latency_row  # noqa: E402


HOLD_PHASE = 0.5   # seconds between the ramp and the drain
STALL_HOLD = 5.0   # seconds a stalled client keeps its end open


def profile(mix, timeout="1s", hold_phase=f"{HOLD_PHASE}s"):
    return f"""
name: records
seed: 4
workers: 2
phases:
  - {{name: ramp, connections: 20, connect_rate: 200/s}}
  - {{name: hold, duration: {hold_phase}}}
  - {{name: drain, close: all}}
session:
  messages: {{interval: 200ms, size: 32}}
close:
  timeout: {timeout}
  mix: [{mix}]
"""


class ServerBehaviourRecords(TempDirTestCase):
    def run_against(self, server, text):
        try:
            r = run_wsloadgen("run", write_profile(self.tmp, text), "--target", server.url, "--progress", "off",
                              timeout=90)
        finally:
            account = server.stop()
        self.assertEqual(r.code, 0, r)
        return r, account

    def test_no_close_reply_shows_timed_out_clean_closes(self):
        r, account = self.run_against(ServeProcess("--fault", "no-close-reply"),
                                      profile("{pattern: clean, code: 1000}", timeout="1s"))
        self.assertEqual(account["close_replies_withheld"], 20, account)
        clean = close_rows(r.stdout)["clean"]
        self.assertEqual(clean["started"], 20, r)
        self.assertEqual(clean["timed_out"], 20, r)
        self.assertEqual(clean["completed"], 0, r)

    def test_slow_close_shows_its_delay_as_close_latency(self):
        r, account = self.run_against(ServeProcess("--fault", "slow-close=2s"),
                                      profile("{pattern: clean, code: 1000}", timeout="5s"))
        self.assertEqual(account["close_replies_delayed"], 20, account)
        clean = close_rows(r.stdout)["clean"]
        self.assertEqual(clean["completed"], 20, r)
        self.assertIn("1000×20", clean["codes"])
        # The server's own tick is 50 ms, the histogram's resolution 1/16: 2 s lands in [1.95 s, 2.3 s].
        self.assertGreaterEqual(clean["p50"], 1.95, r)
        self.assertLessEqual(clean["max"], 2.3, r)

    def run_stalls_watched(self, server):
        """Runs the stall profile against `server`, sampling from /proc which peers the server process holds.

        Returns (Result, the server's account, the sampler, when the sampler first saw all 20 held)."""
        port = int(server.url.rstrip("/").rsplit(":", 1)[1])
        sampler = ConnectionSampler(server.proc.pid, port)
        try:
            r, account = self.run_against(server, profile("{pattern: stall, hold: %gs}" % STALL_HOLD))
        finally:
            sampler.stop()
        load, preflight = sampler.load_and_preflight()
        self.assertEqual(len(load), 20, r)
        self.assertLessEqual(len(preflight), 1, f"{preflight}\n{r}")
        all_held = sampler.first_time(lambda held: load <= held.keys())
        # Every one of the server's sockets was seen held, then seen gone before the run ended.
        releases = {p: sampler.released(p) for p in load}
        self.assertEqual(len(releases), 20, releases)
        self.assertNotIn(None, releases.values(), "a socket the server never gave back")
        # Stalled peers never send a Close frame: the server saw every connection end without one.
        self.assertEqual((account["handshakes"], account["closed_without_close_frame"], account["close_codes"]),
                         (20, 20, {}), account)
        return r, sampler, all_held, releases

    def test_stalled_peers_dropped_by_idle_timeout_but_kept_with_no_ping_timeout(self):
        # The kernel's account of the server process, read by this test: the stall begins HOLD_PHASE after the
        # ramp (20 connections at 200/s, so about when all 20 are first held) and the client keeps its end
        # open for STALL_HOLD after that.
        r, _, all_held, releases = self.run_stalls_watched(ServeProcess("--idle-timeout", "2s"))
        stall_begins = all_held + HOLD_PHASE
        for port, (last_held, gone) in releases.items():
            # The server gave up on every silent peer (idle timeout 2 s: not before 1 s of silence)...
            self.assertGreater(last_held, stall_begins + 1.0, f"peer {port} dropped while it still talked\n{r}")
            # ...well before the client's hold ran out and it would have reset the connection itself.
            self.assertLess(gone - stall_begins, 4.0, f"peer {port} held until {gone - stall_begins:.2f}s\n{r}")
        # The generator's record of it agrees.
        row = close_rows(r.stdout)["stall"]
        self.assertEqual(row["completed"], 20, r)
        tcp_end = latency_row(r.stdout, "tcp_end/stall")
        self.assertIsNotNone(tcp_end, r)
        self.assertLess(tcp_end["max"], 4.0, r)

        r, _, all_held, releases = self.run_stalls_watched(
            ServeProcess("--idle-timeout", "2s", "--fault", "no-ping-timeout"))
        stall_begins = all_held + HOLD_PHASE
        for port, (last_held, gone) in releases.items():
            # Without its ping timeout the server held every silent peer until the client's own reset.
            self.assertGreater(last_held, stall_begins + STALL_HOLD - 0.5, f"peer {port} dropped early\n{r}")
        row = close_rows(r.stdout)["stall"]
        self.assertEqual(row["server_never_closed"], 20, r)
        self.assertIsNone(latency_row(r.stdout, "tcp_end/stall"), r)

if __name__ == "__main__":
    unittest.main()
