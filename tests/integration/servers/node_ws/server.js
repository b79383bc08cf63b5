// An echo server on Node's `ws` package with switchable, realistic leak bugs (the contract: ../README.md).
'use strict';

const http = require('http');
const path = require('path');
const { createRequire } = require('module');
const { parseOptions } = require('./options');
const { Sessions } = require('./sessions');
const { metricsText } = require('./metrics');

// `ws` is installed by ./dev (npm ci) into tests/integration/node/, not next to this file.
const requireFromNodeProject = createRequire(path.join(__dirname, '..', '..', 'node', 'package.json'));
const { WebSocketServer } = requireFromNodeProject('ws');

const ABNORMAL_CLOSURE = 1006;  // what `ws` reports when the connection ended without a Close frame

const options = parseOptions(process.argv.slice(2));
const sessions = new Sessions(options);

// GET /metrics is plain HTTP on the same port; `ws` takes the upgrade requests off the same server.
const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/metrics') {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end(metricsText());
  } else {
    res.writeHead(404);
    res.end();
  }
});
const wss = new WebSocketServer({ server });

wss.on('connection', (socket) => {
  const session = sessions.open();
  socket.isAlive = true;
  socket.on('pong', () => { socket.isAlive = true; });
  socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  // `ws` answers a Close frame itself and then reports its code here; an end without one comes as 1006.
  socket.on('close', (code, reason) => {
    if (options.verbose) {
      process.stderr.write(`ended ${session.id}: close event code ${code} ${JSON.stringify(reason.toString())}` +
                           `${socket.droppedByHeartbeat ? ' (heartbeat)' : ''}\n`);
    }
    if (code === ABNORMAL_CLOSURE) sessions.endedAbruptly(session);
    else sessions.endedByCloseHandshake(session);
  });
  // Protocol errors (a bad close code, an unmasked frame) arrive here after `ws` has sent its own Close;
  // an unhandled 'error' event would end the whole process.
  socket.on('error', (err) => {
    if (options.verbose) process.stderr.write(`error on ${session.id}: ${err.code || ''} ${err.message}\n`);
  });
});

// The heartbeat as `ws` documents it: a peer that has not answered the previous ping by the next tick is
// terminated (its TCP connection destroyed, no Close frame).
if (options.heartbeat > 0) {
  setInterval(() => {
    for (const socket of wss.clients) {
      if (!socket.isAlive) {
        if (!socket.droppedByHeartbeat) sessions.counts.dropped_by_heartbeat += 1;
        socket.droppedByHeartbeat = true;
        socket.terminate();
        continue;
      }
      socket.isAlive = false;
      socket.ping();
    }
  }, options.heartbeat * 1000);
}

wss.on('error', (err) => process.stderr.write(`server error: ${err.message}\n`));
server.listen(options.port, '127.0.0.1', () => {
  process.stdout.write(`listening on ws://127.0.0.1:${server.address().port}/\n`);
});

process.on('SIGTERM', () => {
  const account = sessions.account();
  sessions.removeLog();
  // Exit only once the line is written, so a reader on a pipe never misses it.
  process.stdout.write(`${JSON.stringify(account)}\n`, () => process.exit(0));
});
