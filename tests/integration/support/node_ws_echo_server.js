// A third-party WebSocket echo server on Node's `ws` package, run as `ws` ships: no heartbeat, so it never pings.
//
// Prints "listening on ws://127.0.0.1:PORT/" once ready. On SIGTERM it prints one JSON line,
// {"connections": N, "closed": M}: how many upgrades it accepted and how many of them had ended, then exits.
'use strict';

const path = require('path');
const { createRequire } = require('module');

// `ws` is installed by ./dev (npm ci) into tests/integration/node/, not next to this file.
const requireFromNodeProject = createRequire(path.join(__dirname, '..', 'node', 'package.json'));
const { WebSocketServer } = requireFromNodeProject('ws');

const counts = { connections: 0, closed: 0 };
const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });

server.on('connection', (socket) => {
  counts.connections += 1;
  socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  socket.on('close', () => { counts.closed += 1; });
  // A peer's RST surfaces here; an unhandled 'error' event would end the whole process.
  socket.on('error', () => {});
});

server.on('listening', () => {
  const { port } = server.address();
  process.stdout.write(`listening on ws://127.0.0.1:${port}/\n`);
});

process.on('SIGTERM', () => {
  // Exit only once the line is written, so a reader on a pipe never misses it.
  process.stdout.write(`${JSON.stringify(counts)}\n`, () => process.exit(0));
});
