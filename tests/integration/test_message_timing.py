"""When a connection's first message reaches the server: spread over the first interval, or at once (messages.first).

Timed by the wire oracle, on its clock: a frame's "t" is seconds since it accepted the connection, and it answers
the upgrade as soon as the request is in, so the 101 leaves within a millisecond or so of t = 0.
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import latency_slack  # noqa: E402
from wire_assertions import CloseRunCase, data_frames  # noqa: E402

CONNECTIONS = 12
INTERVAL = 1.0  # seconds; the hold is a little longer, so every connection's first message is due within it


def profile(first=None):
    option = f", first: {first}" if first else ""
    return (f"name: timing\nseed: 3\nworkers: 2\n"
            f"phases:\n  - {{name: open, connections: {CONNECTIONS}}}\n  - {{name: hold, duration: {INTERVAL + 0.3}s}}\n"
            f"  - {{name: drain, close: all}}\n"
            f"session:\n  messages: {{interval: {INTERVAL}s, size: 16, payload: text{option}}}\n")


class FirstMessage(CloseRunCase):
    def first_message_times(self, first):
        """Seconds from each connection's accept to its first data frame at the server."""
        _, conns = self.run_against_oracle(profile(first), CONNECTIONS)
        times = []
        for conn in conns:
            frames = data_frames(conn)
            self.assertTrue(frames, "a message was due within the hold")
            times.append(frames[0]["t"])
        return times

    def test_at_open_sends_the_first_message_with_the_answer_to_the_upgrade(self):
        times = self.first_message_times("at_open")
        self.assertLess(max(times), latency_slack(0.05), f"first messages at {sorted(times)} s after the accept")

    def test_spread_by_default_over_the_first_interval(self):
        times = sorted(self.first_message_times(None))
        self.assertLess(times[-1], INTERVAL + latency_slack(0.1), times)
        # Seeded offsets over 1 s: twelve of them all within a quarter of it would be a broken spread.
        self.assertGreater(times[-1] - times[0], INTERVAL / 4, f"first messages at {times} s after the accept")


if __name__ == "__main__":
    unittest.main()
