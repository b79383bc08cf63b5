"""A third-party WebSocket echo server (Debian's python3-websockets) that records what it received.

Prints "listening on ws://127.0.0.1:PORT/" once ready. On SIGTERM it writes, to the --out file, one JSON
object: every connection's handshake path and headers, the messages it received, and the Close code and
reason the client sent (1006 when TCP ended without a Close frame), as websockets itself decoded them.
By default it never pings; with --ping-interval S it pings every S seconds and drops a peer whose pong has
not come S seconds after a ping (websockets' keepalive), so a silent peer is dropped after about 2 × S.
With --tls-cert/--tls-key it serves wss:// ("listening on wss://…"); with --client-ca as well it requires
a client certificate signed by that CA. --host picks the address to listen on (default 127.0.0.1).
"""
import argparse
import asyncio
import json
import signal
import ssl

import websockets


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--ping-interval", type=float, default=None, metavar="SECONDS",
                        help="ping every SECONDS and drop a peer whose pong is SECONDS late (default: no pings)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--tls-cert", help="serve wss:// with this certificate chain (PEM)")
    parser.add_argument("--tls-key", help="the certificate's private key (PEM)")
    parser.add_argument("--client-ca", help="require a client certificate signed by this CA (PEM)")
    args = parser.parse_args()
    connections = []
    tls = None
    if args.tls_cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
        if args.client_ca:
            tls.verify_mode = ssl.CERT_REQUIRED
            tls.load_verify_locations(args.client_ca)

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
        # The Close the server itself sent (a keepalive timeout sends 1011), or None.
        record["close_sent_code"] = ws.close_sent.code if ws.close_sent else None

    stop = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set_result, None)
    async with websockets.serve(handler, args.host, 0, ssl=tls,
                                ping_interval=args.ping_interval, ping_timeout=args.ping_interval,
                                subprotocols=None, max_size=None) as server:
        port = server.sockets[0].getsockname()[1]
        host = f"[{args.host}]" if ":" in args.host else args.host
        print(f"listening on {'wss' if tls else 'ws'}://{host}:{port}/", flush=True)
        await stop
        # Let connections that are closing finish recording their close code.
        await asyncio.sleep(0.2)
    with open(args.out, "w") as f:
        json.dump({"connections": connections}, f)


if __name__ == "__main__":
    asyncio.run(main())
