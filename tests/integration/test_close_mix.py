"""A weighted close mix over 400 connections: does the wire oracle see each behaviour about as often as its weight says?"""
import collections
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from wire_assertions import CloseRunCase, binomial_bound, close_frames, describe, unfinished_message  # noqa: E402

CONNECTIONS = 400
WEIGHTS = {"clean": 60, "rst": 15, "fin": 10, "close_no_wait": 5, "mid_message": 5, "handshake_abort": 5}

PROFILE = f"""
name: close-mix
seed: 1234
workers: 2
phases:
  - {{name: ramp, connections: {CONNECTIONS}, connect_rate: 500/s}}
  - {{name: hold, duration: 300ms}}
  - {{name: drain, close: all}}
session:
  messages: {{interval: 100ms, size: 64, payload: text}}
close:
  timeout: 2s
  mix:
    - {{pattern: clean, weight: 60, code: 1000, reason: "bye"}}
    - {{pattern: rst, weight: 15}}
    - {{pattern: fin, weight: 10}}
    - {{pattern: close_no_wait, weight: 5, code: 4002, reason: "no wait"}}
    - {{pattern: mid_message, weight: 5, by: fin}}
    - {{pattern: handshake_abort, weight: 5, at: mid_request, by: rst}}
"""


def wire_behaviour(conn):
    """Which pattern's bytes and TCP end this connection shows, judged from the oracle's record alone."""
    closes = close_frames(conn)
    if not conn["handshake_completed"]:
        if 0 < conn["request_bytes"] and not conn["request_complete"] and conn["tcp_end"] == "rst":
            return "handshake_abort"
    elif len(closes) == 1 and conn["frames"][-1] is closes[0]:
        close = (closes[0]["close_code"], closes[0]["reason"])
        if close == (1000, "bye") and conn["closed_first"] == "server" and conn["tcp_end"] == "fin":
            return "clean"
        if close == (4002, "no wait") and conn["tcp_end"] == "fin" and conn["tcp_end_t"] - closes[0]["t"] < 0.2:
            return "close_no_wait"
    elif not closes:
        if unfinished_message(conn):
            return "mid_message" if conn["tcp_end"] == "fin" else "unclassified"
        if conn["tcp_end"] in ("fin", "rst"):
            return conn["tcp_end"]
    return "unclassified"


class CloseMix(CloseRunCase):
    def test_each_wire_behaviour_occurs_as_often_as_its_weight(self):
        _, conns = self.run_against_oracle(PROFILE, CONNECTIONS)
        behaviours = [wire_behaviour(c) for c in conns]
        strange = [describe(c) for c, b in zip(conns, behaviours) if b == "unclassified"]
        self.assertEqual(strange, [], f"{len(strange)} connections match no configured pattern")
        counts = collections.Counter(behaviours)
        total = sum(WEIGHTS.values())
        for pattern, weight in WEIGHTS.items():
            low, high = binomial_bound(CONNECTIONS, weight / total)
            with self.subTest(pattern=pattern):
                self.assertTrue(low <= counts[pattern] <= high,
                                f"{pattern}: {counts[pattern]} of {CONNECTIONS}, expected {low:.0f}..{high:.0f}; "
                                f"all counts {dict(counts)}")


if __name__ == "__main__":
    unittest.main()
