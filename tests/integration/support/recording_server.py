"""A third-party WebSocket echo server (Debian's python3-websockets) that records what it received.

Prints "listening on ws://127.0.0.1:PORT/" once ready. On SIGTERM it writes, to the --out file, one JSON
object: every connection's handshake path and headers, the messages it received, and the Close code and
reason the client sent (1006 when TCP ended without a Close frame), as websockets itself decoded them.
By default it never pings; with --ping-interval S it pings every S seconds and drops a peer whose pong has
not come S seconds after a ping (websockets' keepalive), so a silent peer is dropped after about 2 × S.
"""
import argparse
import asyncio
import json
import signal

import websockets


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--ping-interval", type=float, default=None, metavar="SECONDS",
                        help="ping every SECONDS and drop a peer whose pong is SECONDS late (default: no pings)")
    args = parser.parse_args()
    connections = []

    async def handler(ws, path=None):
        record = {
            "path": ws.path,
            "origin": ws.request_headers.get("Origin"),
            "subprotocol": ws.subprotocol,
            "headers": {k: v for k, v in ws.request_headers.raw_items() if k.lower().startswith("x-")},
            "messages": 0,
            "bytes": 0,
        }
        connections.append(record)
        try:
            async for message in ws:
                record["messages"] += 1
                record["bytes"] += len(message)
                await ws.send(message)
        except websockets.ConnectionClosed:
            pass
        await ws.wait_closed()
        record["close_code"] = ws.close_code
        record["close_reason"] = ws.close_reason

    stop = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set_result, None)
    async with websockets.serve(handler, "127.0.0.1", 0,
                                ping_interval=args.ping_interval, ping_timeout=args.ping_interval,
                                subprotocols=None, max_size=None) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"listening on ws://127.0.0.1:{port}/", flush=True)
        await stop
        # Let connections that are closing finish recording their close code.
        await asyncio.sleep(0.2)
    with open(args.out, "w") as f:
        json.dump({"connections": connections}, f)


if __name__ == "__main__":
    asyncio.run(main())
