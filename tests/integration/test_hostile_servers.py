"""Hostile and broken servers: each misbehaviour is a counted error with its reason, and a clean teardown.

Every test is one short real run against hostile_server.py (one misbehaviour per run) and checks:
the run ended by itself, quickly, with the expected exit code; report.json counts the error under its
reason label and junit.xml was written; the server saw the generator get out cleanly (the bytes it
sent after the misbehaviour, and that it ended TCP itself rather than leaving it open); the
generator's fds came back; and, for the 1 GiB length header and the flood, the kernel's account of
the generator's peak RSS (wait4) stayed small. "Never answers Close" is the flood server too (it
ignores the client's Close); the wire oracle's `no-close-reply` tests cover it against a calm server.
"""
import json
import os
import sys
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import TempDirTestCase, WireOracle, run_wsloadgen_measured, write_profile  # noqa: E402
from wire_assertions import OP_CLOSE, describe, within, without_preflight  # noqa: E402

CONNECTIONS = 4
CLOSE_TIMEOUT = 1.0           # the profile's close.timeout, seconds
HANDSHAKE_TIMEOUT = 1.0       # and its target.handshake_timeout
RUN_BOUND_SECONDS = 15        # handshake_timeout 1 s, hold 300 ms, close.timeout 1 s, settle 200 ms, + start-up
PEAK_RSS_BOUND_KIB = 96 * 1024  # far below the 1 GiB a frame announces, or what an unread flood would pile up

PROFILE = f"""
name: hostile
seed: 5
workers: 1
target: {{connect_timeout: 2s, handshake_timeout: {HANDSHAKE_TIMEOUT:g}s}}
phases:
  - {{name: open, connections: {CONNECTIONS}}}
  - {{name: hold, duration: 300ms}}
  - {{name: drain, close: all}}
close:
  timeout: {CLOSE_TIMEOUT:g}s
  mix: [{{pattern: clean, code: 1000, reason: bye}}]
monitor: {{pid: none, interval: 200ms}}
checks: {{leak: {{settle: 200ms}}}}
"""


class HostileServers(TempDirTestCase):
    def run_against(self, misbehaviour, exit_code, server_connections=CONNECTIONS):
        """(report.json, the server's records of the generator's connections, Result) of one bounded run."""
        out = os.path.join(self.tmp, "out-" + misbehaviour)  # a fresh directory: no earlier run's report
        server = WireOracle(self.tmp, script="hostile_server.py", extra_args=("--misbehave", misbehaviour))
        try:
            r = run_wsloadgen_measured("run", write_profile(self.tmp, PROFILE), "--target", server.url, "--out", out,
                                       "--progress", "off", timeout=60)
            ended_all = server.wait_for_ended(server_connections + 1, timeout=10)
        finally:
            record = server.stop()
        self.assertEqual(r.code, exit_code, r)
        self.assertLess(r.elapsed, RUN_BOUND_SECONDS, r)
        self.assertNotIn("terminate", r.stderr + r.stdout, r)  # no uncaught exception on the way out
        with open(os.path.join(out, "report.json")) as f:
            report = json.load(f)
        ET.parse(os.path.join(out, "junit.xml"))  # written, and well-formed
        fds = report["generator_fds"]
        self.assertEqual(fds["before"], fds["after"], "the generator's own fds came back")
        conns = without_preflight(record["connections"], server_connections)
        self.assertEqual(len(conns), server_connections, r)
        self.assertTrue(ended_all, "every connection ended at the server:\n" + "\n".join(map(describe, conns)))
        self.result = r
        return report, conns

    # ---------------------------------------------------------------- what the server saw

    def assert_client_left_quietly(self, conn, after=None):
        """The client sent its request, nothing after it, and ended TCP itself with a FIN (it read the whole
        answer, so no unread byte turns its close into an RST): `after` seconds from the connect (the
        handshake timeout), or at once when the answer was wrong."""
        self.assertTrue(conn["request_complete"], describe(conn))
        self.assertEqual(conn["frames"], [], "nothing may follow a refused handshake: " + describe(conn))
        self.assertEqual((conn["closed_first"], conn["tcp_end"]), ("client", "fin"), describe(conn))
        if after is None:
            self.assertLess(conn["tcp_end_t"], 0.5, "left at once: " + describe(conn))
        else:
            self.assertTrue(within(conn["tcp_end_t"], after), f"left after {after}s: " + describe(conn))

    def assert_one_close(self, conn, code):
        """One masked Close of `code` from the client, and nothing after it."""
        closes = [f for f in conn["frames"] if f["opcode"] == OP_CLOSE]
        self.assertEqual([(f["close_code"], f["masked"]) for f in closes], [(code, True)], describe(conn))
        self.assertIs(conn["frames"][-1], closes[0], "nothing after the Close: " + describe(conn))

    def assert_one_close_then_the_servers_fin(self, conn, code):
        """RFC 6455 §7.1.7 for a violation: the client answers it with a Close; this server (like the oracle)
        replies and closes TCP first, and the client follows with its own FIN (§7.1.1), never an RST."""
        self.assert_one_close(conn, code)
        self.assertEqual((conn["closed_first"], conn["tcp_end"]), ("server", "fin"), describe(conn))

    def assert_one_close_then_gave_up(self, conn, code):
        """A server that keeps streaming never answers the Close: the client ends TCP itself once close.timeout
        (1 s) has passed. FIN or RST: an RST when unread bytes of the stream are left in its receive buffer."""
        self.assert_one_close(conn, code)
        self.assertEqual(conn["closed_first"], "client", describe(conn))
        self.assertIn(conn["tcp_end"], ("fin", "rst"), describe(conn))
        waited = conn["tcp_end_t"] - conn["client_close_t"]
        self.assertTrue(within(waited, CLOSE_TIMEOUT), f"TCP ended {waited:.3f}s after the Close: {describe(conn)}")

    def assert_errors(self, report, errors=None, protocol_errors=None):
        connections = report["connections"]
        self.assertEqual(connections["errors"], errors or {}, self.result)
        self.assertEqual(connections["protocol_errors"], protocol_errors or {}, self.result)
        self.assertEqual(connections["failed"], sum((errors or {}).values()), self.result)

    def assert_peak_rss_bounded(self):
        self.assertLess(self.result.max_rss_kib, PEAK_RSS_BOUND_KIB, self.result)

    # ---------------------------------------------------------------- the handshake

    def test_refused_connections(self):
        # Only the preflight got in; every load connection was refused.
        report, _ = self.run_against("refuse-after-preflight", exit_code=1, server_connections=0)
        # The connect's own errno names it: the server refused.
        self.assert_errors(report, errors={"connection_refused": CONNECTIONS})
        self.assertEqual(report["connections"]["opened"], 0)

    def test_connects_the_server_accepts_late(self):
        # Connects that complete after connect() returned (a full accept queue holds them in SYN_SENT until the
        # client retransmits its SYN, 1 s on): the upgrade request leaves once each completes, exactly once.
        # Exit 1: the run's handshake_p99 check (250 ms) fails on those 1 s connects, as it should; nothing else does.
        report, conns = self.run_against("accept-late", exit_code=1)
        self.assertEqual([c["name"] for c in report["checks"] if not c["passed"]], ["handshake_p99"], self.result)
        self.assert_errors(report)
        self.assertEqual(report["connections"]["opened"], CONNECTIONS)
        connect = report["latency_seconds"]["connect"]
        self.assertGreater(connect["p50"], 0.9, "the connects waited for a retransmitted SYN: " + str(connect))
        first_request = conns[0]["request_bytes"]
        for conn in conns:
            self.assertTrue(conn["request_complete"], describe(conn))
            self.assertEqual(conn["request_bytes"], first_request, "one request each: " + describe(conn))
            self.assert_one_close(conn, 1000)
            self.assertEqual(len(conn["frames"]), 1, "nothing but the Close after the request: " + describe(conn))

    def test_upgrade_never_answered(self):
        report, conns = self.run_against("silent", exit_code=1)
        self.assert_errors(report, errors={"handshake_timeout": CONNECTIONS})
        for conn in conns:
            self.assert_client_left_quietly(conn, after=HANDSHAKE_TIMEOUT)

    def test_status_other_than_101(self):
        for status in (200, 403, 500):
            with self.subTest(status=status):
                report, conns = self.run_against(f"status={status}", exit_code=1)
                self.assert_errors(report, errors={"handshake_status": CONNECTIONS})
                for conn in conns:
                    self.assert_client_left_quietly(conn)

    def test_wrong_accept_value(self):
        report, conns = self.run_against("bad-accept", exit_code=1)
        self.assert_errors(report, errors={"handshake_bad_accept": CONNECTIONS})
        for conn in conns:
            self.assert_client_left_quietly(conn)

    def test_subprotocol_that_was_not_offered(self):
        report, conns = self.run_against("unoffered-subprotocol", exit_code=1)
        self.assert_errors(report, errors={"handshake_bad_subprotocol": CONNECTIONS})
        for conn in conns:
            self.assert_client_left_quietly(conn)

    # ---------------------------------------------------------------- frames

    def test_invalid_frames_are_failed_with_1002(self):
        for misbehaviour, reason in (("reserved-opcode", "reserved_opcode"), ("rsv-bits", "reserved_bits_set"),
                                     ("masked-frame", "masked_frame"),
                                     ("long-control-frame", "control_frame_too_long")):
            with self.subTest(misbehaviour=misbehaviour):
                report, conns = self.run_against(misbehaviour, exit_code=0)
                self.assert_errors(report, protocol_errors={reason: CONNECTIONS})
                self.assertEqual(report["connections"]["opened"], CONNECTIONS)
                for conn in conns:
                    self.assert_one_close_then_the_servers_fin(conn, 1002)

    def test_gibibyte_length_header_is_refused_without_buffering(self):
        report, conns = self.run_against("huge-length", exit_code=0)
        self.assert_errors(report, protocol_errors={"message_too_large": CONNECTIONS})
        for conn in conns:
            # The server kept streaming the announced payload; the client gave up on it (close.timeout).
            self.assert_one_close_then_gave_up(conn, 1009)
            self.assertGreater(conn["streamed_bytes"], 0, describe(conn))
        self.assert_peak_rss_bounded()

    def test_server_that_closes_in_the_middle_of_a_frame(self):
        # Each connection is dropped by the server without a Close frame: that fails the run (dropped_by_server).
        report, conns = self.run_against("truncated-frame", exit_code=1)
        self.assert_errors(report, protocol_errors={"truncated_frame": CONNECTIONS})
        self.assertEqual(report["connections"]["server_close_codes"], {"0": CONNECTIONS})
        dropped = {c["name"]: c for c in report["checks"]}["dropped_by_server"]
        self.assertFalse(dropped["passed"], dropped)
        self.assertTrue(dropped["detail"].startswith(f"{CONNECTIONS} open connections ended by the server without a "
                                                     "Close frame > max 0"), dropped)
        for conn in conns:
            self.assertEqual(conn["frames"], [], "no Close after TCP is gone: " + describe(conn))
            self.assertEqual(conn["closed_first"], "server", describe(conn))
            self.assertEqual(conn["tcp_end"], "fin", "the client closed its side too: " + describe(conn))

    def test_flood_faster_than_we_read_and_a_close_never_answered(self):
        report, conns = self.run_against("flood", exit_code=0)
        self.assert_errors(report)
        self.assertGreater(report["messages"]["received"], 100, self.result)
        clean = report["patterns"]["clean"]
        self.assertEqual(clean["outcomes"]["timed_out"], CONNECTIONS, "the flooding server never answered Close")
        for conn in conns:
            self.assert_one_close_then_gave_up(conn, 1000)  # the drain's own clean close, then it gave up
            self.assertGreater(conn["streamed_bytes"], 1 << 20, describe(conn))
        self.assert_peak_rss_bounded()


if __name__ == "__main__":
    unittest.main()
