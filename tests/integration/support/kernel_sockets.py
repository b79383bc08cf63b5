"""The kernel's account of a process's TCP connections, read by the test itself from /proc.

Tests that judge what a server did with its sockets (dropped an idle peer, kept a dead one, gave a socket
back after a close) must not take the generator's word for it: the generator's monitor is the code under
test. This module reads /proc/PID/fd (which sockets the process holds) and /proc/PID/net/tcp{,6} (each
socket's ports and TCP state) directly, and can sample them on time.monotonic(), the clock the wire
oracle records on too. Standard library only.
"""
import os
import threading
import time

TCP_STATES = {1: "ESTABLISHED", 2: "SYN_SENT", 3: "SYN_RECV", 4: "FIN_WAIT1", 5: "FIN_WAIT2", 6: "TIME_WAIT",
              7: "CLOSE", 8: "CLOSE_WAIT", 9: "LAST_ACK", 10: "LISTEN", 11: "CLOSING", 12: "NEW_SYN_RECV"}


def socket_inodes(pid):
    """The inodes of the sockets `pid` holds open (its fds that are sockets); empty once it has exited."""
    directory = f"/proc/{pid}/fd"
    inodes = set()
    try:
        names = os.listdir(directory)
    except (FileNotFoundError, ProcessLookupError):
        return inodes
    for name in names:
        try:
            target = os.readlink(os.path.join(directory, name))
        except (FileNotFoundError, ProcessLookupError):
            continue  # closed while we looked
        if target.startswith("socket:["):
            inodes.add(int(target[len("socket:["):-1]))
    return inodes


def tcp_table(pid):
    """Every TCP socket of `pid`'s network namespace: dicts with local_port, remote_port, state (a name), inode."""
    rows = []
    for name in ("tcp", "tcp6"):
        try:
            with open(f"/proc/{pid}/net/{name}") as f:
                lines = f.read().splitlines()[1:]
        except (FileNotFoundError, ProcessLookupError):
            continue
        for line in lines:
            cells = line.split()
            local, remote, state, inode = cells[1], cells[2], cells[3], cells[9]
            rows.append({"local_port": int(local.rsplit(":", 1)[1], 16),
                         "remote_port": int(remote.rsplit(":", 1)[1], 16),
                         "state": TCP_STATES.get(int(state, 16), state), "inode": int(inode)})
    return rows


def owned_connections(pid, port):
    """{peer port: TCP state} of the connections to local `port` that `pid` holds an fd for (listeners left out).

    A socket the process has closed is no longer its own, whatever state the kernel keeps it in (TIME_WAIT,
    FIN_WAIT2, LAST_ACK): that is what "the server gave the socket back" means here."""
    inodes = socket_inodes(pid)
    return {row["remote_port"]: row["state"] for row in tcp_table(pid)
            if row["inode"] in inodes and row["local_port"] == port and row["state"] != "LISTEN"}


def connections_to(pid, port):
    """{local port: TCP state} of `pid`'s sockets connected to remote `port` (a client's view of its connections)."""
    inodes = socket_inodes(pid)
    return {row["local_port"]: row["state"] for row in tcp_table(pid)
            if row["inode"] in inodes and row["remote_port"] == port}


class ConnectionSampler:
    """Samples owned_connections(pid, port) every `interval` seconds in a thread, on time.monotonic().

    .samples is a list of (t, {peer port: state}). A sample is only as exact as its interval: an event
    between two samples is known to lie between their times."""

    def __init__(self, pid, port, interval=0.02):
        self.pid, self.port, self.interval = pid, port, interval
        self.samples = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            self.samples.append((time.monotonic(), owned_connections(self.pid, self.port)))
            self._stop.wait(self.interval)

    def stop(self):
        """Stops sampling (after one last sample) and returns the samples."""
        self._stop.set()
        self._thread.join(timeout=10)
        return self.samples

    def counts(self):
        """[(t, number of connections held)]."""
        return [(t, len(held)) for t, held in self.samples]

    def peak(self):
        return max((n for _, n in self.counts()), default=0)

    def first_time(self, predicate, after=float("-inf")):
        """The time of the first sample after `after` whose {peer port: state} satisfies predicate, or None."""
        return next((t for t, held in self.samples if t > after and predicate(held)), None)

    def ports_seen(self):
        return set().union(*(held for _, held in self.samples)) if self.samples else set()

    def load_and_preflight(self):
        """(the peer ports of the run's load, those of its preflight) for a run that holds all its load at once.

        A run's preflight (a bare TCP connect, closed before any load) comes and goes before the load is all held,
        and a sample may or may not catch it. So the load is the latest of the fullest samples, and whatever else a
        sample caught is the preflight, which a test should find to be one port at most."""
        load = set(max(reversed([held for _, held in self.samples]), key=len, default={}))
        return load, self.ports_seen() - load

    def released(self, peer_port):
        """(last time the socket for `peer_port` was seen held, first time it was seen gone), or None when it
        was never seen or never seen gone. The release happened between the two."""
        last = None
        for t, held in self.samples:
            if peer_port in held:
                last = t
            elif last is not None:
                return last, t
        return None


def child_pids(pid):
    """The pids of `pid`'s children (from every thread's /proc/PID/task/TID/children)."""
    children = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except (FileNotFoundError, ProcessLookupError):
        return children
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                children += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return children


def listening_ports(pid):
    """The TCP ports `pid` listens on (its own listening sockets)."""
    inodes = socket_inodes(pid)
    return {row["local_port"] for row in tcp_table(pid) if row["inode"] in inodes and row["state"] == "LISTEN"}


def wait_for_listening_child(pid, timeout=10):
    """(child pid, port) of the first child of `pid` that listens on a TCP port, e.g. the generator's embedded
    server; raises TimeoutError if none does within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in child_pids(pid):
            ports = listening_ports(child)
            if ports:
                return child, min(ports)
        time.sleep(0.005)
    raise TimeoutError(f"no child of {pid} listened on a TCP port within {timeout}s")
