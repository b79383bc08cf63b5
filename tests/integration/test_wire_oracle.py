"""Proof that the wire oracle sees the wire: hand-made raw clients check it tells FIN from RST and records frames exactly."""
import array
import fcntl
import os
import socket
import struct
import sys
import termios
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from harness import TempDirTestCase, WireOracle  # noqa: E402
from wire_oracle import drain_socket, end_after_send_error  # noqa: E402

RFC_KEY = "dGhlIHNhbXBsZSBub25jZQ=="            # the sample key of RFC 6455 §1.3 ...
RFC_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="     # ... and its accept value
MASK = b"\x37\xfa\x21\x3d"
TEXT, BINARY, CONT, CLOSE, PING, PONG = 1, 2, 0, 8, 9, 10


def upgrade_request(port, extra=""):
    return (f"GET /chat HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {RFC_KEY}\r\nSec-WebSocket-Version: 13\r\n{extra}\r\n").encode()


def client_frame(opcode, payload, fin=True):
    """A masked client-to-server frame, built by hand (not by the code under test)."""
    n = len(payload)
    first = (0x80 if fin else 0) | opcode
    if n < 126:
        header = struct.pack("!BB", first, 0x80 | n)
    elif n < 65536:
        header = struct.pack("!BBH", first, 0x80 | 126, n)
    else:
        header = struct.pack("!BBQ", first, 0x80 | 127, n)
    return header + MASK + bytes(b ^ MASK[i % 4] for i, b in enumerate(payload))


def close_payload(code, reason=b""):
    return struct.pack("!H", code) + reason


class RawClient:
    """A blocking loopback socket speaking just enough WebSocket to drive the oracle."""

    def __init__(self, port):
        self.port = port
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        # Nagle would hold back a small frame behind an unacknowledged one, and an RST discards it unsent.
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def read_exactly(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError(f"connection ended with {len(self.buf)} of {n} bytes")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def handshake(self, extra=""):
        """Send the upgrade request; return the response head as text."""
        self.sock.sendall(upgrade_request(self.port, extra))
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("no response head")
            self.buf += chunk
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        return head.decode("latin-1")

    def send(self, opcode, payload, fin=True):
        self.sock.sendall(client_frame(opcode, payload, fin))

    def read_frame(self):
        """(fin, opcode, masked, payload) of the next server frame."""
        b0, b1 = self.read_exactly(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self.read_exactly(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self.read_exactly(8))[0]
        return bool(b0 & 0x80), b0 & 0x0F, bool(b1 & 0x80), self.read_exactly(n)

    def read_until_eof(self):
        """Wait for the server's FIN; return any bytes that came before it."""
        rest = self.buf
        while True:
            chunk = self.sock.recv(65536)
            if not chunk:
                return rest
            rest += chunk

    def close_with_fin(self):
        self.sock.close()

    def wait_until_acknowledged(self, timeout=5):
        """Wait until the peer's kernel has acknowledged every byte sent (SIOCOUTQ is 0)."""
        deadline = time.monotonic() + timeout
        unacked = array.array("i", [1])
        while time.monotonic() < deadline:
            fcntl.ioctl(self.sock.fileno(), termios.TIOCOUTQ, unacked)
            if unacked[0] == 0:
                return
            time.sleep(0.001)
        raise TimeoutError(f"{unacked[0]} bytes still unacknowledged")

    def close_with_rst(self):
        """Reset the connection, once everything sent is on the peer's side (SO_LINGER 0 drops unsent data)."""
        self.wait_until_acknowledged()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


class OracleTestCase(TempDirTestCase):
    modes = ()

    def setUp(self):
        super().setUp()
        self.oracle = WireOracle(self.tmp, self.modes)

    def tearDown(self):
        if self.oracle.proc.poll() is None:  # a failed test left it running; stop it before its directory goes
            self.oracle.stop()
        super().tearDown()

    def record_after(self, ended_count=1):
        """Stop the oracle once it has seen `ended_count` TCP ends; return the only connection's record."""
        self.assertTrue(self.oracle.wait_for_ended(ended_count, timeout=10), self.oracle.ended)
        report = self.oracle.stop()
        self.assertEqual(len(report["connections"]), 1, report)
        return report["connections"][0]


class CleanCloseAndFin(OracleTestCase):
    def test_text_echo_then_close_1000_bye_then_fin(self):
        c = RawClient(self.oracle.port)
        head = c.handshake()
        self.assertTrue(head.startswith("HTTP/1.1 101 "), head)
        self.assertIn(f"Sec-WebSocket-Accept: {RFC_ACCEPT}", head)
        c.send(TEXT, b"hello")
        self.assertEqual(c.read_frame(), (True, TEXT, False, b"hello"))
        c.send(CLOSE, close_payload(1000, b"bye"))
        self.assertEqual(c.read_frame(), (True, CLOSE, False, close_payload(1000)))
        self.assertEqual(c.read_until_eof(), b"", "the server closes TCP first, with nothing after its Close")
        c.close_with_fin()

        rec = self.record_after()
        self.assertTrue(rec["request_complete"])
        self.assertTrue(rec["handshake_completed"])
        self.assertEqual(rec["request_bytes"], len(upgrade_request(self.oracle.port)))
        self.assertEqual(rec["request_headers"]["sec-websocket-key"], RFC_KEY)
        text, close = rec["frames"]
        self.assertEqual({k: text[k] for k in ("opcode", "fin", "masked", "rsv", "length", "payload_prefix_hex")},
                         {"opcode": 1, "fin": True, "masked": True, "rsv": 0, "length": 5,
                          "payload_prefix_hex": b"hello".hex()})
        self.assertEqual({k: close[k] for k in ("opcode", "fin", "masked", "length", "close_code", "reason_hex",
                                                "reason")},
                         {"opcode": 8, "fin": True, "masked": True, "length": 5, "close_code": 1000,
                          "reason_hex": b"bye".hex(), "reason": "bye"})
        self.assertLessEqual(text["t"], close["t"])
        self.assertEqual(rec["client_close_t"], close["t"])
        self.assertEqual([(s["opcode"], s.get("close_code")) for s in rec["server_sent"]], [(1, None), (8, 1000)])
        self.assertEqual(rec["closed_first"], "server")
        self.assertIsNotNone(rec["server_fin_t"])
        self.assertEqual(rec["tcp_end"], "fin")
        self.assertGreaterEqual(rec["tcp_end_t"], rec["server_fin_t"])

    def test_peer_port_is_the_clients_local_port(self):
        c = RawClient(self.oracle.port)
        port = c.sock.getsockname()[1]
        c.close_with_fin()
        rec = self.record_after()
        self.assertEqual(rec["peer_port"], port)
        self.assertEqual((rec["request_bytes"], rec["handshake_completed"], rec["tcp_end"]), (0, False, "fin"))


class ResetIsNotFin(OracleTestCase):
    def test_handshake_then_so_linger_zero_is_rst_without_close_frame(self):
        c = RawClient(self.oracle.port)
        self.assertIn(" 101 ", c.handshake())
        c.close_with_rst()
        rec = self.record_after()
        self.assertTrue(rec["handshake_completed"])
        self.assertEqual(rec["frames"], [])
        self.assertEqual(rec["tcp_end"], "rst")
        self.assertEqual(rec["closed_first"], "client")
        self.assertIsNone(rec["client_close_t"])
        self.assertEqual(rec["server_sent"], [])

    def test_fragmented_message_then_rst_keeps_fin_clear_frames_and_the_cut_frame(self):
        c = RawClient(self.oracle.port)
        c.handshake()
        c.send(TEXT, b"part one", fin=False)
        c.send(CONT, b"part two", fin=False)
        cut = client_frame(CONT, b"x" * 300)[:20]  # header with 16-bit length, key, 12 payload bytes
        c.sock.sendall(cut)
        c.close_with_rst()
        rec = self.record_after()
        first, second, partial = rec["frames"]
        self.assertEqual((first["opcode"], first["fin"], first["payload_prefix_hex"]), (1, False, b"part one".hex()))
        self.assertEqual((second["opcode"], second["fin"]), (0, False))
        self.assertEqual({k: partial[k] for k in ("partial", "opcode", "fin", "masked", "length", "bytes_received")},
                         {"partial": True, "opcode": 0, "fin": True, "masked": True, "length": 300,
                          "bytes_received": 20})
        self.assertEqual(rec["server_sent"], [], "an unfinished message is not echoed")
        self.assertEqual(rec["tcp_end"], "rst")

    def test_fragmented_message_then_fin_is_fin(self):
        c = RawClient(self.oracle.port)
        c.handshake()
        c.send(BINARY, b"\x00\xff", fin=False)
        c.close_with_fin()
        rec = self.record_after()
        self.assertEqual([(f["opcode"], f["fin"]) for f in rec["frames"]], [(2, False)])
        self.assertEqual(rec["tcp_end"], "fin")


class AbortedHandshake(OracleTestCase):
    def test_partial_request_then_fin(self):
        c = RawClient(self.oracle.port)
        part = upgrade_request(self.oracle.port)[:40]
        c.sock.sendall(part)
        c.close_with_fin()
        rec = self.record_after()
        self.assertEqual(rec["request_bytes"], 40)
        self.assertFalse(rec["request_complete"])
        self.assertFalse(rec["handshake_completed"])
        self.assertEqual(rec["frames"], [])
        self.assertEqual(rec["tcp_end"], "fin")

    def test_full_request_with_fin_in_the_same_segment_gets_no_101(self):
        c = RawClient(self.oracle.port)
        # Corked, the request waits in the send queue and close() puts the FIN on that same segment.
        c.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
        c.sock.sendall(upgrade_request(self.oracle.port) + client_frame(TEXT, b"early"))
        c.close_with_fin()
        rec = self.record_after()
        self.assertTrue(rec["request_complete"])
        self.assertFalse(rec["handshake_completed"], "the 101 must not be sent after the peer's FIN")
        self.assertEqual([f["opcode"] for f in rec["frames"]], [TEXT])
        self.assertEqual((rec["server_sent"], rec["last_write_t"], rec["tcp_end"]), ([], None, "fin"))

    def test_partial_request_then_rst(self):
        c = RawClient(self.oracle.port)
        c.sock.sendall(upgrade_request(self.oracle.port)[:10])
        c.close_with_rst()
        rec = self.record_after()
        self.assertEqual((rec["request_bytes"], rec["request_complete"], rec["tcp_end"]), (10, False, "rst"))

    def test_invalid_request_gets_400_and_no_handshake(self):
        c = RawClient(self.oracle.port)
        c.sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertTrue(c.read_until_eof().startswith(b"HTTP/1.1 400 "))
        c.close_with_fin()
        rec = self.record_after()
        self.assertTrue(rec["request_complete"])
        self.assertFalse(rec["handshake_completed"])
        self.assertIn("Upgrade", rec["handshake_error"])


class CloseReplies(OracleTestCase):
    def close_and_get_reply(self, payload):
        c = RawClient(self.oracle.port)
        c.handshake()
        c.send(CLOSE, payload)
        reply = c.read_frame()
        c.read_until_eof()
        c.close_with_fin()
        return reply, self.record_after()

    def test_reserved_code_gets_1002(self):
        (_, opcode, _, payload), rec = self.close_and_get_reply(close_payload(1005))
        self.assertEqual((opcode, payload), (CLOSE, close_payload(1002)))
        self.assertEqual(rec["frames"][0]["close_code"], 1005)

    def test_non_utf8_reason_gets_1007_and_survives_in_hex(self):
        (_, _, _, payload), rec = self.close_and_get_reply(close_payload(1000, b"\xff\xfebad"))
        self.assertEqual(payload, close_payload(1007))
        self.assertEqual(rec["frames"][0]["reason_hex"], "fffe626164")

    def test_empty_close_gets_empty_close(self):
        (_, _, _, payload), rec = self.close_and_get_reply(b"")
        self.assertEqual(payload, b"")
        self.assertIsNone(rec["frames"][0]["close_code"])
        self.assertEqual(rec["server_sent"][0]["close_code"], None)

    def test_one_byte_close_gets_1002(self):
        (_, _, _, payload), _ = self.close_and_get_reply(b"\x03")
        self.assertEqual(payload, close_payload(1002))


class SubprotocolAndPing(OracleTestCase):
    def test_first_offered_subprotocol_is_selected_and_ping_gets_pong(self):
        c = RawClient(self.oracle.port)
        head = c.handshake("Sec-WebSocket-Protocol: chat.v1, chat.v2\r\n")
        self.assertIn("Sec-WebSocket-Protocol: chat.v1\r\n", head + "\r\n")
        c.send(PING, b"are you there")
        self.assertEqual(c.read_frame(), (True, PONG, False, b"are you there"))
        c.send(TEXT, b"a" * 70000)  # 64-bit length on the way in and out
        self.assertEqual(c.read_frame(), (True, TEXT, False, b"a" * 70000))
        c.close_with_fin()
        rec = self.record_after()
        self.assertEqual(rec["subprotocol"], "chat.v1")
        self.assertEqual([f["opcode"] for f in rec["frames"]], [PING, TEXT])
        self.assertEqual(rec["frames"][1]["length"], 70000)


class NoCloseReply(OracleTestCase):
    modes = ("no-close-reply", "no-reply-to-ping")

    def test_close_and_ping_are_never_answered(self):
        c = RawClient(self.oracle.port)
        c.handshake()
        c.send(PING, b"")
        c.send(CLOSE, close_payload(1000))
        c.sock.settimeout(0.3)
        with self.assertRaises(socket.timeout):  # nothing comes back, and TCP stays open
            c.sock.recv(1)
        c.close_with_fin()
        rec = self.record_after()
        self.assertEqual([f["opcode"] for f in rec["frames"]], [PING, CLOSE])
        self.assertEqual(rec["server_sent"], [])
        self.assertEqual((rec["closed_first"], rec["tcp_end"], rec["server_fin_t"]), ("client", "fin", None))


class ServerCloses(OracleTestCase):
    modes = ("server-close-after=0.2",)

    def test_server_sends_1001_and_records_the_clients_reply(self):
        c = RawClient(self.oracle.port)
        c.handshake()
        fin, opcode, _, payload = c.read_frame()
        self.assertEqual((opcode, payload), (CLOSE, close_payload(1001, b"server going away")))
        c.send(CLOSE, close_payload(1001))
        self.assertEqual(c.read_until_eof(), b"")
        c.close_with_fin()
        rec = self.record_after()
        sent = rec["server_sent"][0]
        self.assertEqual((sent["close_code"], sent["reason"]), (1001, "server going away"))
        self.assertGreaterEqual(sent["t"], 0.2)
        self.assertGreaterEqual(rec["client_close_t"], sent["t"])
        self.assertEqual(rec["frames"][0]["close_code"], 1001)
        self.assertEqual((rec["closed_first"], rec["tcp_end"]), ("server", "fin"))


class StillOpenAtShutdown(OracleTestCase):
    def test_open_connection_is_written_with_its_frames_and_cut_frame(self):
        c = RawClient(self.oracle.port)
        c.handshake()
        c.send(TEXT, b"hello")
        self.assertEqual(c.read_frame()[3], b"hello")
        c.sock.sendall(client_frame(TEXT, b"world")[:3])  # loopback: queued at the oracle when sendall returns
        report = self.oracle.stop()
        c.close_with_fin()
        rec = report["connections"][0]
        self.assertEqual((rec["tcp_end"], rec["tcp_end_t"], rec["closed_first"]), ("open", None, None))
        text, partial = rec["frames"]
        self.assertEqual((text["opcode"], text["length"]), (TEXT, 5))
        self.assertEqual({k: partial[k] for k in ("partial", "opcode", "fin", "masked", "length", "bytes_received")},
                         {"partial": True, "opcode": TEXT, "fin": True, "masked": True, "length": 5,
                          "bytes_received": 3})


TCP_CLOSE, TCP_CLOSE_WAIT = 7, 8  # tcpi_state values from linux/tcp_states.h


def tcp_state(sock):
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0]


def wait_for_state(sock, state, timeout=5):
    deadline = time.monotonic() + timeout
    while tcp_state(sock) != state:
        if time.monotonic() > deadline:
            raise TimeoutError(f"TCP state {tcp_state(sock)}, wanted {state}")
        time.sleep(0.001)


class FinOrRstAsLinuxReportsIt(unittest.TestCase):
    """The kernel behaviour the oracle's FIN/RST verdict rests on, checked with its own functions."""

    def setUp(self):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        self.client = RawClient(listener.getsockname()[1])
        self.server, _ = listener.accept()
        self.server.setblocking(False)
        listener.close()
        self.addCleanup(self.server.close)

    def fin_then_provoked_rst(self):
        self.client.close_with_fin()
        wait_for_state(self.server, TCP_CLOSE_WAIT)
        self.server.send(b"late")  # the closed client's kernel answers this with an RST
        wait_for_state(self.server, TCP_CLOSE)

    def test_rst_provoked_after_the_peers_fin_reads_as_fin(self):
        self.fin_then_provoked_rst()
        inbuf = bytearray()
        self.assertEqual(drain_socket(self.server, inbuf), "fin")

    def test_send_after_fin_and_provoked_rst_fails_as_fin(self):
        self.fin_then_provoked_rst()
        with self.assertRaises(OSError) as caught:
            self.server.send(b"later")
        self.assertEqual(end_after_send_error(caught.exception), "fin")

    def test_rst_reads_as_rst_after_the_data_that_came_before_it(self):
        self.client.sock.sendall(b"abc")
        self.client.close_with_rst()
        wait_for_state(self.server, TCP_CLOSE)
        inbuf = bytearray()
        self.assertEqual(drain_socket(self.server, inbuf), "rst")
        self.assertEqual(inbuf, b"abc")

    def test_send_after_rst_fails_as_rst(self):
        self.client.close_with_rst()
        wait_for_state(self.server, TCP_CLOSE)
        with self.assertRaises(OSError) as caught:
            self.server.send(b"late")
        self.assertEqual(end_after_send_error(caught.exception), "rst")

    def test_open_connection_has_no_end(self):
        self.client.sock.sendall(b"x")
        self.client.wait_until_acknowledged()
        inbuf = bytearray()
        self.assertIsNone(drain_socket(self.server, inbuf))
        self.assertEqual(inbuf, b"x")
        self.client.close_with_fin()


class ManyConnections(OracleTestCase):
    def test_3000_concurrent_connections(self):
        count = 3000
        clients = [RawClient(self.oracle.port) for _ in range(count)]
        for c in clients:
            c.sock.sendall(upgrade_request(self.oracle.port))
        for c in clients:
            c.sock.settimeout(10)
            while b"\r\n\r\n" not in c.buf:
                c.buf += c.sock.recv(4096)
            self.assertTrue(c.buf.startswith(b"HTTP/1.1 101 "))
        for c in clients:
            c.close_with_fin()
        self.assertTrue(self.oracle.wait_for_ended(count, timeout=20), len(self.oracle.ended))
        report = self.oracle.stop()
        self.assertEqual(len(report["connections"]), count)
        self.assertEqual({r["tcp_end"] for r in report["connections"]}, {"fin"})
        self.assertTrue(all(r["handshake_completed"] for r in report["connections"]))


if __name__ == "__main__":
    unittest.main()
