#!/usr/bin/python3
"""Writes the fuzz targets' seed corpora (tests/fuzz/corpus/TARGET/NAME): small valid and nearly valid inputs.

Run once after changing an input layout; the files are checked in so runs start from the same place.
Each target's input layout is described at the top of its fuzz_TARGET.cpp."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def frame(opcode, payload, fin=True, rsv=0):
    head = bytes([(0x80 if fin else 0) | rsv | opcode])
    n = len(payload)
    if n < 126:
        head += bytes([n])
    elif n <= 0xFFFF:
        head += bytes([126]) + struct.pack(">H", n)
    else:
        head += bytes([127]) + struct.pack(">Q", n)
    return head + payload


def close(code, reason=b""):
    return frame(8, struct.pack(">H", code) + reason)


# byte 0: max_message_size selector (0 = 16 MiB), byte 1: split seed.
FRAME_READER = {
    "text": b"\x00\x07" + frame(1, b"hello"),
    "binary_16bit_length": b"\x00\x03" + frame(2, bytes(range(256)) * 2),
    "fragmented_text_with_ping": b"\x00\x05" + frame(1, "caf".encode(), fin=False) + frame(9, b"ping!")
    + frame(0, "é ok".encode()),
    "pong_then_close": b"\x00\x0b" + frame(10, b"") + close(1000, b"bye") + b"trailing",
    "close_without_code": b"\x00\x02" + frame(8, b""),
    "small_limit": b"\x01\x09" + frame(2, b"x" * 80),
    "masked_frame": b"\x00\x01" + bytes([0x81, 0x85, 1, 2, 3, 4]) + b"hello",
    "bad_utf8": b"\x00\x04" + frame(1, b"\xed\xa0\x80"),
    "64bit_length": b"\x00\x06" + bytes([0x82, 127]) + struct.pack(">Q", 70000) + b"a" * 40,
}

ACCEPT = b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
OK_101 = (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          b"Sec-WebSocket-Accept: " + ACCEPT + b"\r\n")
# byte 0: split seed; its low bit set means we offered subprotocols chat and superchat.
UPGRADE_RESPONSE = {
    "accepted": b"\x02" + OK_101 + b"\r\n",
    "accepted_with_frame": b"\x04" + OK_101 + b"\r\n" + frame(1, b"early"),
    "subprotocol": b"\x03" + OK_101 + b"Sec-WebSocket-Protocol: chat\r\n\r\n",
    "bad_accept": b"\x06" + OK_101.replace(ACCEPT, b"AAAA") + b"\r\n",
    "forbidden": b"\x08HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n",
    "extension": b"\x0a" + OK_101 + b"Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
    "folded_header": b"\x0c" + OK_101 + b" continued\r\n\r\n",
}

# byte 0: bit 0 peer closed, bit 1 the 16 MiB body limit (else byte0 >> 2 bytes).
METRICS = (b"# HELP process_open_fds Number of open file descriptors.\n# TYPE process_open_fds gauge\n"
           b"process_open_fds 42\nprocess_resident_memory_bytes 1.2e+07\n"
           b'ws_sessions{state="open",path="/a\\"b"} 3 1700000000000\nnan_metric NaN\n')
HTTP_RESPONSE = {
    "content_length": b"\x02HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(METRICS) + METRICS,
    "chunked": b"\x02HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    + b"%x;ext=1\r\n" % 20 + METRICS[:20] + b"\r\n" + b"%x\r\n" % (len(METRICS) - 20) + METRICS[20:]
    + b"\r\n0\r\nTrailer: x\r\n\r\n",
    "until_close": b"\x03HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n" + METRICS,
    "not_found": b"\x02HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found",
    "no_content": b"\x00HTTP/1.1 204 No Content\r\n\r\n",
    "small_limit": b"\x20HTTP/1.1 200 OK\r\nContent-Length: 30\r\n\r\n" + b"m 1\n" * 8,
}

PROMETHEUS_TEXT = {
    "exposition": METRICS,
    "histogram": b'rtt_bucket{le="0.1"} 1\r\nrtt_bucket{le="+Inf"} 2\r\nrtt_sum 0.3\r\nrtt_count 2\r\n',
    "odd_values": b"a +Inf\nb -inf\nc 1e400\nd 0x10\ne{x=\"\\n\",} .5 -12\n  f\t7\n",
}


def profile_seeds():
    seeds = {}
    profiles = os.path.join(HERE, "..", "..", "profiles")
    for name in ("smoke", "churn", "abrupt-drops", "capacity"):
        with open(os.path.join(profiles, name + ".yaml"), "rb") as f:
            seeds[name] = f.read()
    seeds["env_and_overrides"] = (
        b"target: {url: 'ws://${HOST}:9/x', headers: {Authorization: 'Bearer ${TOKEN}'}}\n"
        b"phases:\n  - {connections: 10, connect_rate: 100/s}\n  - {close: all}\n"
        b"#--set\nphases[0].connections=20\nclose.mix=[{pattern: rst, weight: 1}]\nseed=7\n")
    seeds["errors"] = (b"phases:\n  - {conections: 1}\n  - {duration: 5}\nclose: {timeout: 0s, mix: []}\n"
                       b"checks: {leak: {settle: 1x}}\nanchors: &a [*a]\n")
    return seeds


def write(target, seeds):
    directory = os.path.join(HERE, "corpus", target)
    os.makedirs(directory, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(directory, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    write("frame_reader", FRAME_READER)
    write("upgrade_response", UPGRADE_RESPONSE)
    write("http_response", HTTP_RESPONSE)
    write("prometheus_text", PROMETHEUS_TEXT)
    write("profile", profile_seeds())
