"""`wsloadgen serve --fault no-close-reply|slow-close=D`, checked on the wire with a hand-made raw-socket client."""
import base64
import json
import os
import re
import signal
import socket
import struct
import subprocess
import time
import unittest

BIN = os.environ.get("WSLOADGEN_BIN", "build/wsloadgen")
ESTABLISHED, TIME_WAIT, LISTEN = "01", "06", "0A"


class Serve:
    """`wsloadgen serve --port 0 --fault ...` in a subprocess; .stop() returns its JSON account."""

    def __init__(self, *faults):
        args = [BIN, "serve", "--port", "0"]
        for fault in faults:
            args += ["--fault", fault]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     stdin=subprocess.DEVNULL)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on ws://([\d.]+):(\d+)/", line)
        if not m:
            self.proc.kill()
            raise RuntimeError(f"serve did not start: {line!r} {self.proc.stderr.read()!r}")
        self.host, self.port = m.group(1), int(m.group(2))
        self.idle_sockets = self.open_sockets()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        out, _ = self.proc.communicate(timeout=30)
        self.proc.stderr.close()
        lines = out.strip().splitlines()
        return json.loads(lines[-1])

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()

    def server_side_sockets(self):
        """TCP states (hex, as in /proc/net/tcp) of the accepted sockets the server process still owns.

        TIME_WAIT is left out: it belongs to the kernel, after the server closed TCP first as it should."""
        states = []
        with open("/proc/net/tcp") as f:
            next(f)
            for row in f:
                fields = row.split()
                local_port = int(fields[1].split(":")[1], 16)
                if local_port == self.port and fields[3] not in (LISTEN, TIME_WAIT):
                    states.append(fields[3])
        return states

    def open_sockets(self):
        """How many socket descriptors the server process holds (listener included)."""
        fd_dir = f"/proc/{self.proc.pid}/fd"
        count = 0
        for name in os.listdir(fd_dir):
            try:
                count += os.readlink(os.path.join(fd_dir, name)).startswith("socket:")
            except FileNotFoundError:
                pass  # closed while we looked
        return count

    def wait_until_released(self, timeout):
        """Seconds until the server holds no more sockets than before any client came, or None on timeout."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.open_sockets() <= self.idle_sockets and not self.server_side_sockets():
                return time.monotonic() - start
            time.sleep(0.01)
        return None


def masked_frame(opcode, payload):
    mask = os.urandom(4)
    assert len(payload) <= 125
    body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + body


def close_payload(code, reason):
    return struct.pack("!H", code) + reason.encode()


def recv_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError(f"EOF after {len(data)} of {n} bytes")
        data += chunk
    return data


def read_frame(sock):
    """(opcode, payload) of one unmasked server frame with a 7-bit length."""
    head = recv_exactly(sock, 2)
    assert head[1] & 0x80 == 0, "a server frame must not be masked"
    length = head[1] & 0x7F
    assert length <= 125, length
    return head[0], recv_exactly(sock, length)


def ws_connect(serve):
    sock = socket.create_connection((serve.host, serve.port), timeout=5)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /faults HTTP/1.1\r\nHost: {serve.host}:{serve.port}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    response = b""
    while b"\r\n\r\n" not in response:
        chunk = sock.recv(4096)
        if not chunk:
            raise EOFError(f"EOF during the handshake: {response!r}")
        response += chunk
    head, rest = response.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 101"), head
    assert rest == b"", rest
    return sock


class ServerFaults(unittest.TestCase):
    def start(self, *faults):
        serve = Serve(*faults)
        self.addCleanup(serve.kill)
        return serve

    def echo_once(self, sock):
        sock.sendall(masked_frame(0x1, b"hello"))
        self.assertEqual(read_frame(sock), (0x81, b"hello"))

    def test_well_behaved_server_answers_at_once_and_closes_first(self):
        serve = self.start()
        sock = ws_connect(serve)
        self.echo_once(sock)
        start = time.monotonic()
        sock.sendall(masked_frame(0x8, close_payload(1000, "bye")))
        self.assertEqual(read_frame(sock), (0x88, close_payload(1000, "bye")))
        self.assertLess(time.monotonic() - start, 0.5)
        self.assertEqual(sock.recv(16), b"", "server FIN after its Close")
        sock.close()
        seen = serve.stop()
        self.assertEqual(seen["close_codes"], {"1000": 1})
        self.assertEqual((seen["close_replies_withheld"], seen["close_replies_delayed"]), (0, 0))

    def test_no_close_reply_sends_nothing_and_keeps_tcp_open_until_the_client_leaves(self):
        serve = self.start("no-close-reply")
        sock = ws_connect(serve)
        self.echo_once(sock)
        sock.sendall(masked_frame(0x8, close_payload(1000, "bye")))
        sock.settimeout(3)
        with self.assertRaises(socket.timeout, msg="no Close frame, no FIN, no RST for 3 s"):
            sock.recv(16)
        self.assertEqual(serve.server_side_sockets(), [ESTABLISHED], "still open on the server side")
        self.assertEqual(serve.open_sockets(), serve.idle_sockets + 1, "the server holds the real socket")
        sock.close()
        released_after = serve.wait_until_released(2)
        self.assertIsNotNone(released_after, serve.server_side_sockets())
        self.assertLess(released_after, 0.5, "held sockets are polled every 50 ms")
        seen = serve.stop()
        self.assertEqual(seen["close_codes"], {"1000": 1})
        self.assertEqual(seen["closed_without_close_frame"], 0)
        self.assertEqual(seen["close_replies_withheld"], 1)
        self.assertEqual(seen["held_at_stop"], 0)

    def test_no_close_reply_releases_a_still_connected_client_when_stopping(self):
        serve = self.start("no-close-reply")
        sock = ws_connect(serve)
        sock.sendall(masked_frame(0x8, close_payload(4000, "later")))
        sock.settimeout(0.5)
        with self.assertRaises(socket.timeout):
            sock.recv(16)
        seen = serve.stop()
        self.assertEqual(seen["close_codes"], {"4000": 1})
        self.assertEqual(seen["held_at_stop"], 1)
        sock.settimeout(2)
        self.assertEqual(sock.recv(16), b"", "the stopping server closed the held socket")
        sock.close()

    def test_slow_close_answers_after_the_delay_then_closes_tcp_first(self):
        serve = self.start("slow-close=2s")
        sock = ws_connect(serve)
        self.echo_once(sock)
        sock.settimeout(4)
        start = time.monotonic()
        sock.sendall(masked_frame(0x8, close_payload(1000, "bye")))
        frame = read_frame(sock)
        delay = time.monotonic() - start
        self.assertEqual(frame, (0x88, close_payload(1000, "bye")))
        self.assertAlmostEqual(delay, 2.0, delta=0.2)
        sock.settimeout(1)
        self.assertEqual(sock.recv(16), b"", "server FIN right after its late Close")
        sock.close()
        self.assertIsNotNone(serve.wait_until_released(2), serve.server_side_sockets())
        seen = serve.stop()
        self.assertEqual(seen["close_codes"], {"1000": 1})
        self.assertEqual(seen["close_replies_delayed"], 1)
        self.assertEqual(seen["held_at_stop"], 0)

    def test_slow_close_echoes_a_close_without_code_as_an_empty_close(self):
        serve = self.start("slow-close=100ms")
        sock = ws_connect(serve)
        sock.settimeout(2)
        sock.sendall(masked_frame(0x8, b""))
        self.assertEqual(read_frame(sock), (0x88, b""))
        self.assertEqual(sock.recv(16), b"")
        sock.close()
        self.assertEqual(serve.stop()["close_codes"], {"1005": 1})

    def test_slow_close_lets_go_of_a_client_that_leaves_before_the_delay(self):
        serve = self.start("slow-close=5s")
        sock = ws_connect(serve)
        sock.sendall(masked_frame(0x8, close_payload(1001, "going")))
        time.sleep(0.2)  # let the server take the Close in before the FIN follows
        sock.close()
        released_after = serve.wait_until_released(2)
        self.assertIsNotNone(released_after, serve.server_side_sockets())
        self.assertLess(released_after, 0.5)
        seen = serve.stop()
        self.assertEqual(seen["close_codes"], {"1001": 1})
        self.assertEqual(seen["close_replies_delayed"], 1)
        self.assertEqual(seen["held_at_stop"], 0)

    def test_contradictory_or_incomplete_faults_are_refused(self):
        for faults, hint in ((["no-close-reply", "slow-close=1s"], "contradict"), (["slow-close"], "duration")):
            args = [BIN, "serve", "--port", "0"]
            for fault in faults:
                args += ["--fault", fault]
            r = subprocess.run(args, capture_output=True, text=True, timeout=10, stdin=subprocess.DEVNULL)
            self.assertEqual(r.returncode, 2, r)
            self.assertIn(hint, r.stderr)


if __name__ == "__main__":
    unittest.main()
