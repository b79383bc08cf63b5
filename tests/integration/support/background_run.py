"""`wsloadgen run` in the background, so a test can act while it runs (scrape it, watch what it pushes)."""
import re
import subprocess
import threading
import time

from harness import BIN


class BackgroundRun:
    """Starts `wsloadgen ARGS...`; stderr is read as it comes so the test can wait for a line of it."""

    def __init__(self, *args):
        self.started_at = time.time()
        self.proc = subprocess.Popen([BIN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     stdin=subprocess.DEVNULL)
        self._stderr = []
        self._changed = threading.Condition()
        self._stderr_reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._stderr_reader.start()
        self._stdout = []
        self._stdout_reader = threading.Thread(target=lambda: self._stdout.extend(self.proc.stdout), daemon=True)
        self._stdout_reader.start()
        self.stdout = ""  # set by finish()

    def _read_stderr(self):
        for line in self.proc.stderr:
            with self._changed:
                self._stderr.append(line)
                self._changed.notify_all()
        with self._changed:
            self._stderr.append(None)  # end of stream
            self._changed.notify_all()

    @property
    def stderr(self):
        with self._changed:
            return "".join(line for line in self._stderr if line)

    def wait_for_stderr(self, pattern, timeout):
        """The match of `pattern` in the first stderr line that has it; AssertionError if none comes in time."""
        regex = re.compile(pattern)
        seen = 0
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for line in self._stderr[seen:]:
                    if line is None:
                        raise AssertionError(f"wsloadgen ended without printing /{pattern}/:\n{self.stderr}")
                    m = regex.search(line)
                    if m:
                        return m
                seen = len(self._stderr)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no /{pattern}/ on wsloadgen's stderr within {timeout}s:\n{self.stderr}")
                self._changed.wait(remaining)

    def running(self):
        return self.proc.poll() is None

    def finish(self, timeout):
        """Waits for the run to end; returns its exit code (stdout is then in .stdout)."""
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise
        finally:
            self.ended_at = time.time()
            self._stdout_reader.join(timeout=5)
            self._stderr_reader.join(timeout=5)
            self.stdout = "".join(self._stdout)
        return self.proc.returncode

    def kill(self):
        """Ends a run that is still going (cleanup after a failed test); a no-op once it has ended."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.finish(timeout=10)

    def __repr__(self):
        return f"exit={self.proc.returncode}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"
