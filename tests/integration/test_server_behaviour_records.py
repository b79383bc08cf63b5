"""The generator's record of how the server behaved, checked against servers that misbehave on purpose."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import ServeProcess, TempDirTestCase, run_wsloadgen, write_profile  # noqa: E402
from summary_parser import close_rows, latency_row  # noqa: E402


def profile(mix, timeout="1s", hold_phase="500ms"):
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

    def test_stalled_peers_dropped_by_idle_timeout_but_kept_with_no_ping_timeout(self):
        stall = "{pattern: stall, hold: 5s}"
        r, _ = self.run_against(ServeProcess("--idle-timeout", "2s"), profile(stall))
        row = close_rows(r.stdout)["stall"]
        self.assertEqual(row["completed"], 20, r)  # the server gave up on every silent peer...
        tcp_end = latency_row(r.stdout, "tcp_end/stall")
        self.assertIsNotNone(tcp_end, r)
        self.assertLess(tcp_end["max"], 4.0, r)  # ...well before the 5 s hold ran out

        r, _ = self.run_against(ServeProcess("--idle-timeout", "2s", "--fault", "no-ping-timeout"), profile(stall))
        row = close_rows(r.stdout)["stall"]
        self.assertEqual(row["server_never_closed"], 20, r)
        self.assertIsNone(latency_row(r.stdout, "tcp_end/stall"), r)


if __name__ == "__main__":
    unittest.main()
