// The benchmarks' third-party server: Node's `ws` echoing every message, with counters served over HTTP.
//
//   node bench_echo_server.js        prints "listening on ws://127.0.0.1:PORT/" once ready
//   GET http://127.0.0.1:PORT/stats  {"open", "opened", "closed", "messages", "pings", "ping_lateness_ms",
//                                     "close_to_end_ms"}; /stats?reset also starts both samples afresh
//
// A wsloadgen ping carries the time it was due (CLOCK_MONOTONIC ns, 8 bytes little-endian; with timer_slack, its
// plan: the grid point after its exact time, or when it was sent if sooner), and Node's
// process.hrtime reads the same clock, so each ping's lateness — how long after its due time it reached this
// server — is measured exactly, generator timer delay plus loopback transit plus this server's own lag.
// For a connection that sent a Close frame, close_to_end is the time from that frame's arrival to the end of
// TCP: with wsloadgen's close_timeout pattern, the hold it waits before its RST, as the server sees it.
'use strict';

const http = require('http');
const path = require('path');
const { createRequire } = require('module');

// `ws` comes from the integration tests' pinned Node project (./dev installs it there with npm ci).
const requireFromNodeProject = createRequire(
  path.join(__dirname, '..', '..', 'tests', 'integration', 'node', 'package.json'));
const { WebSocketServer } = requireFromNodeProject('ws');

const counts = { open: 0, opened: 0, closed: 0, messages: 0, pings: 0 };
let lateness = [];  // ms, one per ping since the last reset
let closeToEnd = [];  // ms, one per connection that sent a Close frame, ended since the last reset

function quantile(sorted, q) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function summary(samples) {
  const sorted = Float64Array.from(samples).sort();
  return {
    count: sorted.length,
    min: sorted.length ? sorted[0] : null,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    max: sorted.length ? sorted[sorted.length - 1] : null,
  };
}

const server = http.createServer((request, response) => {
  if (request.url === '/stats' || request.url === '/stats?reset') {
    response.end(JSON.stringify({ ...counts, ping_lateness_ms: summary(lateness), close_to_end_ms: summary(closeToEnd) }));
    if (request.url === '/stats?reset') {
      lateness = [];
      closeToEnd = [];
    }
    return;
  }
  response.statusCode = 404;
  response.end();
});
const sockets = new WebSocketServer({ server });

sockets.on('connection', (socket, request) => {
  // A second reader of the raw bytes: a client's frames are masked, so a Close starts a read with 0x88 (a Close
  // that shares a read with an earlier frame is missed, which only drops that connection from the sample).
  let closeFrameAt = null;
  request.socket.on('data', (chunk) => {
    if (closeFrameAt === null && chunk[0] === 0x88) closeFrameAt = process.hrtime.bigint();
  });
  counts.open += 1;
  counts.opened += 1;
  socket.on('message', (data, isBinary) => {
    counts.messages += 1;
    socket.send(data, { binary: isBinary });
  });
  socket.on('ping', (data) => {
    counts.pings += 1;
    if (data.length === 8) lateness.push(Number(process.hrtime.bigint() - data.readBigInt64LE(0)) / 1e6);
  });
  socket.on('close', () => {
    counts.open -= 1;
    counts.closed += 1;
    if (closeFrameAt !== null) closeToEnd.push(Number(process.hrtime.bigint() - closeFrameAt) / 1e6);
  });
  socket.on('error', () => {});  // an RST surfaces here; unhandled, it would end the process
});

// A deep accept queue: at 1000 opens/s a busy moment must not drop SYNs (each costs the client a 1 s retransmit).
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  process.stdout.write(`listening on ws://127.0.0.1:${server.address().port}/\n`);
});
process.on('SIGTERM', () => process.exit(0));
