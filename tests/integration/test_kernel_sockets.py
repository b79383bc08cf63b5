"""Proof that support/kernel_sockets.py reads the kernel right: sockets this test makes itself, seen through /proc."""
import os
import socket
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from kernel_sockets import (ConnectionSampler, connections_to, listening_ports, owned_connections,  # noqa: E402
                            wait_for_listening_child)

PID = os.getpid()


def wait_until(predicate, timeout=2.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


class KernelSockets(unittest.TestCase):
    def setUp(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.clients, self.accepted = [], []

    def tearDown(self):
        for s in self.clients + self.accepted + [self.listener]:
            s.close()

    def connect(self, n):
        for _ in range(n):
            client = socket.create_connection(("127.0.0.1", self.port))
            self.clients.append(client)
            self.accepted.append(self.listener.accept()[0])

    def test_owned_connections_are_this_processs_server_ends_with_their_states(self):
        self.assertEqual(listening_ports(PID) & {self.port}, {self.port})
        self.assertEqual(owned_connections(PID, self.port), {})
        self.connect(3)
        ports = [c.getsockname()[1] for c in self.clients]
        self.assertEqual(owned_connections(PID, self.port), {p: "ESTABLISHED" for p in ports})
        self.assertEqual(connections_to(PID, self.port), {p: "ESTABLISHED" for p in ports})
        # The client's FIN leaves our server end in CLOSE_WAIT until we close it; then it is no longer ours.
        self.clients[0].close()
        self.assertTrue(wait_until(lambda: owned_connections(PID, self.port).get(ports[0]) == "CLOSE_WAIT"))
        self.accepted[0].close()
        self.assertTrue(wait_until(lambda: ports[0] not in owned_connections(PID, self.port)))
        self.assertEqual(set(owned_connections(PID, self.port)), set(ports[1:]))

    def test_the_sampler_times_a_release_between_two_samples(self):
        self.connect(2)
        kept, released = (c.getsockname()[1] for c in self.clients)
        sampler = ConnectionSampler(PID, self.port, interval=0.01)
        try:
            self.assertTrue(wait_until(lambda: len(sampler.samples) >= 5))
            before = time.monotonic()
            self.accepted[1].close()
            after = time.monotonic()
            self.assertTrue(wait_until(lambda: released not in sampler.samples[-1][1]))
        finally:
            sampler.stop()
        self.assertEqual(sampler.peak(), 2)
        self.assertEqual(sampler.ports_seen(), {kept, released})
        last_held, gone = sampler.released(released)
        self.assertLessEqual(last_held, after)
        self.assertGreaterEqual(gone, before)
        self.assertLess(gone - last_held, 0.1)
        self.assertIsNone(sampler.released(kept))

    def test_the_sampler_tells_a_runs_load_from_its_preflight(self):
        sampler = ConnectionSampler(PID, self.port, interval=0.01)

        def latest_sample_holds(predicate):
            return wait_until(lambda: sampler.samples and predicate(sampler.samples[-1][1]))

        try:
            # A preflight: one connection, seen held, then closed before the load comes.
            self.connect(1)
            preflight = self.clients[0].getsockname()[1]
            self.assertTrue(latest_sample_holds(lambda held: preflight in held))
            self.accepted[0].close()
            self.assertTrue(latest_sample_holds(lambda held: preflight not in held))
            # The load: three held at once, then one given back (a close pattern's own release).
            self.connect(3)
            load = [c.getsockname()[1] for c in self.clients[1:]]
            self.assertTrue(latest_sample_holds(lambda held: set(load) <= held.keys()))
            self.accepted[1].close()
            self.assertTrue(latest_sample_holds(lambda held: load[0] not in held))
        finally:
            sampler.stop()
        self.assertEqual(sampler.load_and_preflight(), (set(load), {preflight}))

    def test_finds_a_child_that_listens(self):
        child = subprocess.Popen([sys.executable, "-c", "import socket, time\n"
                                  "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(); time.sleep(30)"])
        try:
            pid, port = wait_for_listening_child(PID)
            self.assertEqual(pid, child.pid)
            self.assertEqual(listening_ports(child.pid), {port})
        finally:
            child.kill()
            child.wait()


if __name__ == "__main__":
    unittest.main()
