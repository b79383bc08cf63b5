"""wss:// end to end: the generator against python3-websockets over TLS, with a CA the test makes itself.

The server's certificate is for localhost, signed by a throw-away CA (openssl CLI). The target is
wss://localhost:PORT/ and the server listens on the address localhost resolves to here, so the
generator's own resolution, SNI and name check are the real thing.

The load connections run TLS of the generator's own (OpenSSL over memory buffers) on plain TCP
sockets, because the close patterns need the socket itself; these tests prove every close pattern,
verification, insecure_skip_verify and client certificates through it, as the server saw them.
"""
import collections
import json
import os
import socket
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import RecordingServer, TempDirTestCase, run_wsloadgen, write_profile  # noqa: E402
from throwaway_ca import ThrowawayCa  # noqa: E402

ABNORMAL = 1006  # what websockets records when TCP ended without a Close frame

# One connection per pattern would leave it to chance which patterns occur; 44 connections over eleven
# equal weights with this seed give every pattern at least one (asserted below, from report.json).
EVERY_PATTERN = """
name: wss-patterns
seed: 12
workers: 2
target:
  tls: {TLS}
phases:
  - {name: open, connections: 44}
  - {name: hold, duration: 1s}
  - {name: drain, close: all}
session:
  messages: {interval: 100ms, size: 64, payload: text}
close:
  timeout: 2s
  mix:
    - {pattern: clean, code: 4001, reason: clean}
    - {pattern: close_no_wait, code: 4002, reason: no wait}
    - {pattern: close_timeout, code: 4003, reason: timeout, hold: 1s}
    - {pattern: server_close, code: 4004, reason: server close, hold: 500ms}
    - {pattern: invalid_close, code: 4005, reason: invalid}
    - {pattern: fin}
    - {pattern: rst}
    - {pattern: stall, hold: 500ms}
    - {pattern: ignore_server_close, hold: 500ms}
    - {pattern: mid_message, by: fin}
    - {pattern: handshake_abort, at: mid_request}
monitor: {pid: none, interval: 200ms}
checks: {leak: {settle: 200ms}, handshake_p99_max: 10s}
"""

# python3-websockets does its TLS handshakes one after another (a few ms each, far more on a busy
# machine), so the 44 opens take a while: the hold leaves time for messages before every close, and the
# handshake check is relaxed because this test is about the wire, not the server's speed.

# What python3-websockets records for each pattern's connections: the Close (code, reason) it received.
SEEN_BY_SERVER = {
    "clean": (4001, "clean"), "close_no_wait": (4002, "no wait"), "close_timeout": (4003, "timeout"),
    "server_close": (4004, "server close"), "invalid_close": (4005, "invalid"),
    "fin": (ABNORMAL, ""), "rst": (ABNORMAL, ""), "stall": (ABNORMAL, ""), "ignore_server_close": (ABNORMAL, ""),
    "mid_message": (ABNORMAL, ""),
}

SMALL = """
name: wss-small
seed: 3
target:
  tls: {TLS}
phases:
  - {name: open, connections: 3}
  - {name: drain, close: all}
close:
  mix: [{pattern: clean, code: 1000, reason: bye}]
monitor: {pid: none, interval: 200ms}
checks: {leak: {settle: 200ms}}
"""


def localhost_address():
    """The address the generator will connect to for "localhost": the first one getaddrinfo gives."""
    return socket.getaddrinfo("localhost", None, socket.AF_UNSPEC, socket.SOCK_STREAM)[0][4][0]


def tls_map(**options):
    return "{" + ", ".join(f"{k}: {v}" for k, v in options.items()) + "}"


class Wss(TempDirTestCase):
    @classmethod
    def setUpClass(cls):
        cls._ca_dir = tempfile.TemporaryDirectory()
        cls.ca = ThrowawayCa(cls._ca_dir.name)

    @classmethod
    def tearDownClass(cls):
        cls._ca_dir.cleanup()

    def start_server(self, client_ca=False):
        args = ["--host", localhost_address(), "--tls-cert", self.ca.server_cert, "--tls-key", self.ca.server_key]
        if client_ca:
            args += ["--client-ca", self.ca.ca]
        server = RecordingServer(self.tmp, args)
        self.url = f"wss://localhost:{server.port}/"
        return server

    def run_profile(self, template, server, **tls):
        text = template.replace("{TLS}", tls_map(**tls) if tls else "{}")
        out = os.path.join(self.tmp, "out")
        try:
            r = run_wsloadgen("run", write_profile(self.tmp, text), "--target", self.url, "--out", out,
                              "--progress", "off", timeout=60)
        finally:
            record = server.stop()
        return r, record["connections"]

    def report(self):
        with open(os.path.join(self.tmp, "out", "report.json")) as f:
            return json.load(f)

    def test_every_close_pattern_over_tls_as_the_server_saw_it(self):
        r, conns = self.run_profile(EVERY_PATTERN, self.start_server(), ca_file=self.ca.ca)
        self.assertEqual(r.code, 0, r)
        patterns = self.report()["patterns"]
        for name in (*SEEN_BY_SERVER, "handshake_abort"):
            self.assertGreater(patterns.get(name, {}).get("started", 0), 0, f"{name} never drawn: {r}")
        expected = collections.Counter()
        for name, seen in SEEN_BY_SERVER.items():
            expected[seen] += patterns[name]["started"]
        seen = collections.Counter((c.get("close_code"), c.get("close_reason") or "") for c in conns)
        self.assertEqual(seen, expected, r)  # handshake_abort connections never reach the handler
        self.assertTrue(all(c["messages"] >= 1 for c in conns), "messages flowed over TLS before every close")

    def test_without_the_ca_the_run_refuses_with_a_verification_error(self):
        r, conns = self.run_profile(SMALL, self.start_server())
        self.assertEqual(r.code, 3, r)
        self.assertIn(self.url, r.stderr)
        self.assertIn("certificate verification failed", r.stderr)
        self.assertEqual(conns, [], "no WebSocket handshake may happen")

    def test_insecure_skip_verify_passes_the_preflight_and_warns(self):
        r, conns = self.run_profile(SMALL, self.start_server(), insecure_skip_verify="true")
        self.assertEqual(r.code, 0, r)  # the unverifiable (to it) certificate was accepted
        self.assertIn("warning: target.tls.insecure_skip_verify is set", r.stderr)
        self.assertEqual(len(conns), 3, "every connection got through TLS to the server's handler")

    def test_insecure_skip_verify_runs_end_to_end(self):
        r, conns = self.run_profile(SMALL, self.start_server(), insecure_skip_verify="true")
        self.assertEqual(r.code, 0, r)
        self.assertIn("warning: target.tls.insecure_skip_verify is set", r.stderr)
        self.assertEqual(collections.Counter(c["close_code"] for c in conns), {1000: 3}, r)

    def test_no_warning_when_the_certificate_is_verified(self):
        r, conns = self.run_profile(SMALL, self.start_server(), ca_file=self.ca.ca)
        self.assertEqual(r.code, 0, r)
        self.assertNotIn("warning", r.stderr, r)
        self.assertEqual(collections.Counter((c["close_code"], c["close_reason"]) for c in conns), {(1000, "bye"): 3}, r)

    def test_server_name_that_the_certificate_does_not_cover(self):
        r, conns = self.run_profile(SMALL, self.start_server(), ca_file=self.ca.ca, server_name="other.example")
        self.assertEqual(r.code, 3, r)
        self.assertIn("certificate verification failed", r.stderr)
        self.assertIn("mismatch", r.stderr.lower())
        self.assertEqual(conns, [])

    def test_client_certificate_when_the_server_requires_one(self):
        r, conns = self.run_profile(SMALL, self.start_server(client_ca=True), ca_file=self.ca.ca,
                                    cert_file=self.ca.client_cert, key_file=self.ca.client_key)
        self.assertEqual(r.code, 0, r)
        self.assertEqual(collections.Counter(c["close_code"] for c in conns), {1000: 3}, r)

    def test_server_refusing_the_client_without_a_certificate_is_a_counted_error(self):
        # TLS 1.3 lets the client finish its side (so the preflight passes) before the server judges it;
        # the refusal comes while the generator waits for the 101: an alert (tls_error) or, as python's
        # asyncio does, TCP closed without one (handshake_eof). The alert path is in the unit tests.
        r, conns = self.run_profile(SMALL, self.start_server(client_ca=True), ca_file=self.ca.ca)
        self.assertEqual(r.code, 1, r)  # every handshake failed: checks.handshake_error_ratio_max
        connections = self.report()["connections"]
        self.assertEqual(sum(connections["errors"].values()), 3, r)
        self.assertLessEqual(set(connections["errors"]), {"tls_error", "handshake_eof"}, r)
        self.assertEqual(connections["opened"], 0, r)
        self.assertEqual(conns, [], "no WebSocket handshake may happen")


if __name__ == "__main__":
    unittest.main()
