// An echo server written the way ws' README shows it: no 'error' handler, so a protocol error it raises (an
// invalid close code, say) is an unhandled 'error' event and the process dies. A realistic bug for the tests.
//
// Prints "listening on ws://127.0.0.1:PORT/" once ready.
'use strict';

const path = require('path');
const { createRequire } = require('module');

const requireFromNodeProject = createRequire(path.join(__dirname, '..', 'node', 'package.json'));
const { WebSocketServer } = requireFromNodeProject('ws');

const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
server.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
});
server.on('listening', () => {
  process.stdout.write(`listening on ws://127.0.0.1:${server.address().port}/\n`);
});
