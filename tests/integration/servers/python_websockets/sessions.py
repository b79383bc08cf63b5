"""Per-connection state of the python3-websockets echo server, where its leak bugs live, and its account."""
import asyncio
import itertools
import os
import tempfile


class Session:
    def __init__(self, session_id):
        self.id = session_id
        self.ended = False
        self.buffer = None
        self.log = None
        self.ticker = None
        self.ticks = 0


class Sessions:
    def __init__(self, options):
        self.options = options
        # The bugs only exist while a leak flag is on: the healthy server releases on both ends.
        leaking = options.leak_bytes > 0 or options.leak_fd or options.leak_task
        self.skip_release_on = options.leak_on if leaking else None
        # --leak-fd's handles are on this one log file, which every connection opens for itself.
        self.log_path = os.path.join(tempfile.gettempdir(), f"wsecho-python-websockets-{os.getpid()}.log")
        self.live = {}  # id -> Session: registered at the upgrade, deleted by release()
        self.ids = itertools.count(1)
        self.connections = self.closed_clean = self.closed_abrupt = self.dropped_by_heartbeat = 0

    def open(self):
        """Called once the upgrade succeeded: what a real server sets up per connection."""
        session = Session(next(self.ids))
        self.connections += 1
        if self.options.leak_bytes > 0:
            # Filled rather than zeroed, so every page is written and counts in RSS.
            session.buffer = bytearray(b"\xa5") * self.options.leak_bytes
        if self.options.leak_fd:
            session.log = open(self.log_path, "a")
            session.log.write(f"connection {session.id} opened\n")
            session.log.flush()
        if self.options.leak_task:
            # Held by the session: asyncio itself keeps only a weak reference to a task.
            session.ticker = asyncio.get_running_loop().create_task(self._tick(session))
        self.live[session.id] = session
        return session

    @staticmethod
    async def _tick(session):
        while True:
            await asyncio.sleep(1)
            session.ticks += 1

    def ended_by_close_handshake(self, session):
        """The client's Close frame arrived (websockets has answered it)."""
        session.ended = True
        self.closed_clean += 1
        if self.skip_release_on != "clean":
            self.release(session)

    def ended_abruptly(self, session):
        """No Close frame from the client (FIN, RST, protocol error, heartbeat drop): the path real code forgets."""
        session.ended = True
        self.closed_abrupt += 1
        if self.skip_release_on != "abrupt":
            self.release(session)

    def release(self, session):
        if session.ticker is not None:
            session.ticker.cancel()
        if session.log is not None:
            session.log.close()
        session.ticker = session.log = session.buffer = None
        del self.live[session.id]

    def account(self):
        """Counted from the sessions still held after their connection ended, not from the flags."""
        left = [s for s in self.live.values() if s.ended]
        return {"runtime": "python-websockets", "connections": self.connections,
                "closed_clean": self.closed_clean, "closed_abrupt": self.closed_abrupt,
                "open": self.connections - self.closed_clean - self.closed_abrupt,
                "leaked_bytes": sum(len(s.buffer) for s in left if s.buffer is not None),
                "leaked_fds": sum(1 for s in left if s.log is not None),
                "leaked_tasks": sum(1 for s in left if s.ticker is not None and not s.ticker.done()),
                "dropped_by_heartbeat": self.dropped_by_heartbeat}

    def remove_log(self):
        try:
            os.remove(self.log_path)
        except FileNotFoundError:
            pass
