"""--progress: plain prints a status line per second on stderr, off prints none; stdout keeps only the summary."""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import TempDirTestCase, run_wsloadgen, write_profile  # noqa: E402

PROFILE = """
name: progress
seed: 1
workers: 2
phases:
  - {name: ramp, connections: 10, connect_rate: 100/s}
  - {name: hold, duration: 2500ms}
  - {name: drain, close: all}
checks:
  leak: {settle: 500ms}
"""
LINE = re.compile(r"^\S+ cycle 1/1 (ramp|hold|drain|settle) \| active \d+ \| opened \d+ \+\d+/s \| closed \d+", re.M)


class Progress(TempDirTestCase):
    def test_plain_prints_a_line_per_second_on_stderr(self):
        r = run_wsloadgen("run", write_profile(self.tmp, PROFILE), "--progress", "plain", "--out", self.tmp)
        self.assertEqual(r.code, 0, r)
        lines = LINE.findall(r.stderr)
        # One a second: at least three in the 3 s the phases and the settle last, at most one per second the
        # whole process lived (and one more for a line printed as it began).
        self.assertTrue(3 <= len(lines) <= int(r.elapsed) + 1, f"{len(lines)} lines in {r.elapsed:.1f}s\n{r}")
        self.assertIn("hold", lines)
        self.assertRegex(r.stderr, r"\| active 10 \|")  # during the hold every connection is open
        self.assertRegex(r.stderr, r"\| server fds \d+ rss ")
        self.assertEqual(LINE.findall(r.stdout), [], "progress must not mix into the summary")

    def test_off_prints_none(self):
        r = run_wsloadgen("run", write_profile(self.tmp, PROFILE), "--progress", "off", "--out", self.tmp)
        self.assertEqual(r.code, 0, r)
        self.assertEqual(LINE.findall(r.stderr), [], r)


if __name__ == "__main__":
    unittest.main()
