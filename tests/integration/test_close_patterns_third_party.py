"""The close patterns against python3-websockets, a server nobody here wrote: which close code did that server see?"""
import collections
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from wire_assertions import CloseRunCase  # noqa: E402

CONNECTIONS = 10
ABNORMAL = 1006  # RFC 6455 §7.1.5: what a server reports when TCP ended without a Close frame


def profile(entry, hold="300ms"):
    """Ten connections open at once, exchange messages for `hold`, then close with the one `entry`."""
    return (f"name: third-party-close\nseed: 21\nworkers: 2\n"
            f"phases:\n  - {{name: open, connections: {CONNECTIONS}}}\n  - {{name: hold, duration: {hold}}}\n"
            f"  - {{name: drain, close: all}}\n"
            f"session:\n  messages: {{interval: 100ms, size: 200, payload: text}}\n"
            f"close:\n  timeout: 2s\n  mix:\n    - {entry}\n")


class CloseCodesSeenByWebsockets(CloseRunCase):
    def codes_seen(self, entry, hold="300ms"):
        """Counter of (close_code, close_reason) as python3-websockets recorded them."""
        result, conns = self.run_against_websockets(profile(entry, hold))
        self.assertEqual(len(conns), CONNECTIONS, result)
        self.assertTrue(all(c["messages"] >= 1 for c in conns), "messages flowed before the close")
        return collections.Counter((c.get("close_code"), c.get("close_reason")) for c in conns)

    def assert_all_abnormal(self, entry, hold="300ms"):
        codes = self.codes_seen(entry, hold)
        self.assertEqual(codes, {(ABNORMAL, ""): CONNECTIONS})

    def test_clean_shows_the_code_and_reason(self):
        codes = self.codes_seen('{pattern: clean, weight: 1, code: 4100, reason: "so long"}')
        self.assertEqual(codes, {(4100, "so long"): CONNECTIONS})

    def test_close_no_wait_shows_its_code(self):
        codes = self.codes_seen('{pattern: close_no_wait, weight: 1, code: 4200, reason: "gone"}')
        self.assertEqual(codes, {(4200, "gone"): CONNECTIONS})

    def test_fin_is_1006(self):
        self.assert_all_abnormal("{pattern: fin, weight: 1}")

    def test_rst_is_1006(self):
        self.assert_all_abnormal("{pattern: rst, weight: 1}")

    def test_stall_is_1006_once_the_hold_ends(self):
        self.assert_all_abnormal("{pattern: stall, weight: 1, hold: 1s}")

    def test_mid_message_is_1006(self):
        self.assert_all_abnormal("{pattern: mid_message, weight: 1, by: fin}")


if __name__ == "__main__":
    unittest.main()
