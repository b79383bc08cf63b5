"""Server reclaim time: when the server's own socket for each closed connection disappeared, or that it never did.

The generator measures reclaim with its own monitor (sock_diag); these tests check its numbers against the
kernel's account read by the test itself (/proc/PID/fd and /proc/PID/net/tcp of the server process) and
against the wire oracle's record."""
import os
import statistics
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import Result, TempDirTestCase, WireOracle, run_wsloadgen, scaled, wsloadgen_command, write_profile  # noqa: E402
from kernel_sockets import ConnectionSampler, owned_connections, wait_for_listening_child  # noqa: E402
from summary_parser import close_rows, latency_row  # noqa: E402
from wire_assertions import close_frames, describe, without_preflight  # noqa: E402

CONNECTIONS = 30
STALL_HOLD = 1.0


def profile(mix):
    return f"""
name: reclaim
seed: 5
workers: 2
phases:
  - {{name: ramp, connections: {CONNECTIONS}, connect_rate: 300/s}}
  - {{name: hold, duration: 300ms}}
  - {{name: drain, close: all}}
close:
  timeout: 1s
  mix: {mix}
monitor: {{interval: 200ms}}
checks:
  leak: {{settle: 1s}}
"""


class ReclaimTime(TempDirTestCase):
    def run_watching_the_embedded_server(self, text):
        """Runs `text` against the embedded server while sampling, from /proc, which peers that server process
        holds. Returns (Result, sampler)."""
        proc = subprocess.Popen(wsloadgen_command("run", write_profile(self.tmp, text), "--out", self.tmp,
                                                  "--progress", "off"),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        sampler = None
        try:
            server_pid, port = wait_for_listening_child(proc.pid)
            sampler = ConnectionSampler(server_pid, port, interval=0.01)
            stdout, stderr = proc.communicate(timeout=scaled(60))
        finally:
            if sampler:
                sampler.stop()
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        proc.stdout, proc.stderr = stdout, stderr
        return Result(proc, 0), sampler

    def test_every_closed_connection_is_reclaimed_by_a_clean_server(self):
        r, sampler = self.run_watching_the_embedded_server(profile(
            "[{pattern: clean, weight: 1}, {pattern: rst, weight: 1}, "
            f"{{pattern: stall, weight: 1, hold: {STALL_HOLD}s}}]"))
        self.assertEqual(r.code, 0, r)
        rows = close_rows(r.stdout)
        for pattern in ("clean", "rst", "stall"):
            reclaim = latency_row(r.stdout, f"reclaim/{pattern}")
            self.assertIsNotNone(reclaim, f"{pattern}\n{r}")
            self.assertEqual(reclaim["count"], rows[pattern]["started"], f"{pattern}\n{r}")
        # The embedded server lets go of a stalled peer only when the client resets it after its hold.
        self.assertGreaterEqual(latency_row(r.stdout, "reclaim/stall")["p50"], 0.95, r)
        self.assertLess(latency_row(r.stdout, "reclaim/clean")["max"], 0.5, r)
        self.assertNotIn("never given back", r.stdout)

        # What the kernel says the server process did, read by this test: it held every connection, and gave
        # every socket back before the run ended.
        load, preflight = sampler.load_and_preflight()
        self.assertLessEqual(len(preflight), 1, f"{preflight}\n{r}")
        released = {port: sampler.released(port) for port in load}
        self.assertEqual(len(released), CONNECTIONS, r)
        self.assertNotIn(None, released.values(), f"a socket the server never gave back\n{r}")
        gone = sorted(when for _, when in released.values())
        # Every close is due at one instant (close: all); an rst connection's socket goes at once.
        drain = gone[0]
        # The preflight, where a sample caught it, was given back before the load's first close.
        for port in preflight:
            self.assertIsNotNone(sampler.released(port), f"preflight {port} never given back\n{r}")
            self.assertLess(sampler.released(port)[1], drain, f"preflight {port}\n{r}")
        after_drain = [t - drain for t in gone]
        quick = [d for d in after_drain if d < 0.5]
        late = [d for d in after_drain if d >= STALL_HOLD - 0.05]
        # Clean and rst connections were given back within 0.5 s, the stalled ones only after their hold.
        self.assertEqual(len(quick), rows["clean"]["started"] + rows["rst"]["started"], f"{after_drain}\n{r}")
        self.assertEqual(len(late), rows["stall"]["started"], f"{after_drain}\n{r}")
        self.assertLess(max(late), STALL_HOLD + 0.5, f"{after_drain}\n{r}")
        # And the generator's reclaim time of the stalled ones is the one the kernel showed (this test samples
        # every 10 ms, the monitor every 20 ms).
        self.assertAlmostEqual(latency_row(r.stdout, "reclaim/stall")["p50"], statistics.median(late), delta=0.1,
                               msg=f"{after_drain}\n{r}")

    def test_sockets_a_server_never_closes_are_reported_stuck(self):
        oracle = WireOracle(self.tmp, modes=("leak-on-abort",))
        try:
            r = run_wsloadgen("run", write_profile(self.tmp, profile("[{pattern: fin, weight: 1}]")),
                              "--target", oracle.url, "--out", self.tmp, "--progress", "off", timeout=60)
            ended_all = oracle.wait_for_ended(CONNECTIONS + 1, timeout=scaled(10))
            # The kernel's account of the oracle process while it still runs: the sockets it kept.
            held = owned_connections(oracle.proc.pid, oracle.port)
        finally:
            record = oracle.stop()
        self.assertEqual(r.code, 1, r)  # the leak verdict fails the run too
        self.assertRegex(r.stdout, r"reclaim\s+30 server sockets never given back \(close_wait 30\)", r)
        self.assertIsNone(latency_row(r.stdout, "reclaim/fin"), r)

        # The oracle saw every connection end with the client's FIN and no Close frame...
        conns = without_preflight(record["connections"], CONNECTIONS)
        self.assertTrue(ended_all, "\n".join(map(describe, conns)))
        self.assertEqual(len(conns), CONNECTIONS, r)
        for conn in conns:
            self.assertTrue(conn["handshake_completed"], describe(conn))
            self.assertEqual(close_frames(conn), [], describe(conn))
            self.assertEqual((conn["tcp_end"], conn["closed_first"]), ("fin", "client"), describe(conn))
        # ...and kept each socket, in CLOSE_WAIT, as the kernel shows: exactly the 30 the generator named (the
        # preflight, a bare TCP connect that also ended without a Close frame, is kept too).
        preflight = [c for c in record["connections"] if c not in conns]
        self.assertEqual(len(preflight), 1, record["connections"][:2])
        self.assertEqual(held, {c["peer_port"]: "CLOSE_WAIT" for c in conns + preflight}, r)


if __name__ == "__main__":
    unittest.main()
