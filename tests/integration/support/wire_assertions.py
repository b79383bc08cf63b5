"""Shared helpers for the close-pattern tests: run the generator against a server and read what that server recorded.

Everything here reads the server's record (the wire oracle's JSON, or python3-websockets' close codes);
the only reader of the generator's own output is pattern_codes_from_summary(), for the tests that are
about the generator's record of the server's behaviour.
"""
import math
import re

from harness import (RecordingServer, TempDirTestCase, WireOracle, latency_slack, run_wsloadgen, scaled,
                     write_profile)

OP_CONTINUATION, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0, 1, 2, 8, 9, 10
DATA_OPCODES = (OP_CONTINUATION, OP_TEXT, OP_BINARY)


# ---------------------------------------------------------------- one connection's record

def close_frames(conn):
    return [f for f in conn["frames"] if f["opcode"] == OP_CLOSE]


def data_frames(conn):
    return [f for f in conn["frames"] if f["opcode"] in DATA_OPCODES]


def frames_after(conn, t):
    """Frames the oracle received strictly after t (seconds since the connection was accepted)."""
    return [f for f in conn["frames"] if f["t"] > t]


def server_closes(conn):
    """Close frames the oracle itself sent to the client."""
    return [s for s in conn["server_sent"] if s["opcode"] == OP_CLOSE]


def absolute(conn, t):
    """A connection-relative oracle time as the oracle's monotonic clock (comparable across connections)."""
    return conn["accepted_at"] + t


def unfinished_message(conn):
    """The frames of a message left unfinished at the end of the record (first fragment first), or [].

    A message is unfinished when its last frame (complete, or cut off by the end of TCP) has FIN clear."""
    frames = data_frames(conn)
    if not frames or frames[-1]["fin"]:
        return []
    start = len(frames) - 1
    while start > 0 and frames[start]["opcode"] == OP_CONTINUATION:
        start -= 1
    return frames[start:]


def describe(conn):
    """A short account of one connection for failure messages."""
    frames = [(f["t"], f["opcode"], f["fin"], f.get("close_code"), f.get("partial", False)) for f in conn["frames"]]
    if len(frames) > 6:
        frames = frames[:2] + ["..."] + frames[-4:]
    return (f"peer_port={conn['peer_port']} request_bytes={conn['request_bytes']} "
            f"complete={conn['request_complete']} handshake={conn['handshake_completed']} frames={frames} "
            f"server_sent={[(s['t'], s['opcode'], s.get('close_code')) for s in conn['server_sent']][-3:]} "
            f"client_close_t={conn['client_close_t']} closed_first={conn['closed_first']} "
            f"tcp_end={conn['tcp_end']} tcp_end_t={conn['tcp_end_t']}")


def within(actual, expected, relative=0.10, slack=0.1):
    """True when actual is expected ± (relative · expected + slack).

    `slack` is the generator's (and the oracle's) reaction time, so it is widened under a slow tool
    (harness.latency_slack); `relative` is the precision a test claims, and never is."""
    return abs(actual - expected) <= relative * expected + latency_slack(slack)


def most_periodic(span, interval):
    """The most frames of a periodic kind (messages, pings) that fit in `span` seconds: the first comes at a
    random offset within the first interval, then one per interval (docs/profile-reference.md, session.messages)."""
    return int(span / interval + 1e-9) + 1


def binomial_bound(n, p, sigmas=4):
    """(low, high) for a count of n draws with probability p, within `sigmas` standard deviations."""
    sd = math.sqrt(n * p * (1 - p))
    return n * p - sigmas * sd, n * p + sigmas * sd


# ---------------------------------------------------------------- the generator's own summary

def pattern_codes_from_summary(stdout, pattern):
    """{code: count} from the summary's close-pattern table row for `pattern` ("none" for no Close frame)."""
    for line in stdout.splitlines():
        if line.split()[:1] == [pattern]:
            return {code: int(n) for code, n in re.findall(r"(\S+)×(\d+)", line)}
    return None


# ---------------------------------------------------------------- running

def without_preflight(connections, expected):
    """The generator's connections: the run's preflight (a bare TCP connect and close before any load) dropped.

    The preflight is the first connection accepted, with no request bytes and no frames."""
    if len(connections) == expected + 1:
        first = connections[0]
        if first["request_bytes"] == 0 and not first["frames"] and first["tcp_end"] in ("fin", "rst"):
            return connections[1:]
    return connections


class CloseRunCase(TempDirTestCase):
    """Runs a profile against a fresh server (the wire oracle or python3-websockets), stopped even if the test fails."""

    def run_against_oracle(self, profile, connections, modes=(), timeout=60, extra_args=(), exit_codes=(0,)):
        """(wsloadgen Result, the `connections` records of the generator's connections, in accept order).

        Asserts the run exited with one of `exit_codes`, the oracle saw every connection end, and saw
        exactly `connections`."""
        oracle = WireOracle(self.tmp, modes)
        try:
            path = write_profile(self.tmp, profile)
            result = run_wsloadgen("run", path, "--target", oracle.url, "--progress", "off", *extra_args,
                                   timeout=timeout)
            self.assertIn(result.code, exit_codes, result)
            ended_all = oracle.wait_for_ended(connections + 1, timeout=scaled(10))
        finally:
            report = oracle.stop()
        conns = without_preflight(report["connections"], connections)
        self.assertTrue(ended_all, f"the oracle saw {len(report['connections'])} connections, not all ended:\n"
                        + "\n".join(describe(c) for c in conns if c["tcp_end"] == "open"))
        self.assertEqual(len(conns), connections, result)
        self.result = result
        return result, conns

    def run_against_websockets(self, profile, timeout=60):
        """(wsloadgen Result, python3-websockets' per-connection records)."""
        server = RecordingServer(self.tmp)
        try:
            path = write_profile(self.tmp, profile)
            result = run_wsloadgen("run", path, "--target", server.url, "--progress", "off", timeout=timeout)
        finally:
            record = server.stop()
        self.assertEqual(result.code, 0, result)
        return result, record["connections"]

    def for_each(self, conns, check):
        """Run check(conn) on every connection; fail naming the first few that failed and how many did."""
        failures = []
        for conn in conns:
            try:
                check(conn)
            except AssertionError as e:
                failures.append(f"{e}\n      {describe(conn)}")
        if failures:
            self.fail(f"{len(failures)} of {len(conns)} connections failed, e.g.:\n  " + "\n  ".join(failures[:3]))
