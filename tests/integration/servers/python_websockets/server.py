"""An echo server on python3-websockets (legacy API) with switchable, realistic leak bugs (contract: ../README.md).

Run it with Debian's /usr/bin/python3, which has python3-websockets 10.4."""
import asyncio
import http
import json
import os
import signal
import sys

import websockets
from websockets.exceptions import ConnectionClosed

from metrics import metrics_text
from options import parse_options
from sessions import Sessions

# What websockets' keep-alive sends, then half-closes the TCP connection, when a ping goes unanswered.
KEEPALIVE_TIMEOUT = (1011, "keepalive ping timeout")


def make_handler(sessions, verbose):
    async def handler(websocket):
        session = sessions.open()
        try:
            async for message in websocket:
                await websocket.send(message)  # a str goes back as text, bytes as binary
        except ConnectionClosed:
            pass  # an end without a Close frame (ConnectionClosedError); classified below
        # websockets records the client's Close frame in close_rcvd (it has already answered it); without one
        # the connection ended by a TCP end, a protocol error or its own keep-alive.
        sent = websocket.close_sent
        if verbose:
            print(f"ended {session.id}: close_rcvd={websocket.close_rcvd} close_sent={sent} "
                  f"cause={websocket.transfer_data_exc!r}", file=sys.stderr, flush=True)
        if websocket.close_rcvd is not None:
            sessions.ended_by_close_handshake(session)
        else:
            if sent is not None and (sent.code, sent.reason) == KEEPALIVE_TIMEOUT:
                sessions.dropped_by_heartbeat += 1
            sessions.ended_abruptly(session)
    return handler


async def process_request(path, request_headers):
    """GET /metrics is answered as plain HTTP before websockets looks for an upgrade."""
    if path == "/metrics" and "upgrade" not in request_headers.get("Connection", "").lower():
        return http.HTTPStatus.OK, [("Content-Type", "text/plain; version=0.0.4")], metrics_text().encode()
    return None


async def main():
    options = parse_options()
    sessions = Sessions(options)
    heartbeat = options.heartbeat or None
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, stop.set_result, None)
    # The library's own keep-alive: a ping every `heartbeat` seconds, and a peer whose pong has not come back
    # `heartbeat` seconds later is failed with 1011 and its TCP connection closed.
    server = await websockets.serve(make_handler(sessions, options.verbose), "127.0.0.1", options.port,
                                    ping_interval=heartbeat, ping_timeout=heartbeat,
                                    process_request=process_request)
    port = server.sockets[0].getsockname()[1]
    print(f"listening on ws://127.0.0.1:{port}/", flush=True)
    await stop
    print(json.dumps(sessions.account()), flush=True)
    sessions.remove_log()
    # Not server.close(): that would run a close handshake with every open peer, silent ones included.
    os._exit(0)


if __name__ == "__main__":
    asyncio.run(main())
