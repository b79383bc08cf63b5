// Per-connection state of the Node echo server, where its leak bugs live, and the account printed on SIGTERM.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

class Sessions {
  constructor(options) {
    this.options = options;
    // The bugs only exist while a leak flag is on: the healthy server releases on both ends.
    const leaking = options.leakBytes > 0 || options.leakFd || options.leakTask;
    this.skipReleaseOn = leaking ? options.leakOn : null;
    // --leak-fd's handles are on this one log file, which every connection opens for itself.
    this.logPath = path.join(os.tmpdir(), `wsecho-node-ws-${process.pid}.log`);
    this.live = new Map();  // id -> session: registered at the upgrade, deleted by release()
    this.nextId = 1;
    this.counts = { connections: 0, closed_clean: 0, closed_abrupt: 0, dropped_by_heartbeat: 0 };
  }

  // Called once the upgrade succeeded: what a real server sets up per connection.
  open() {
    const session = { id: this.nextId++, ended: false, buffer: null, logFd: null, ticker: null, ticks: 0 };
    this.counts.connections += 1;
    if (this.options.leakBytes > 0) {
      // Filled rather than zeroed, so every page is written and counts in RSS.
      session.buffer = Buffer.alloc(this.options.leakBytes, 0xa5);
    }
    if (this.options.leakFd) {
      session.logFd = fs.openSync(this.logPath, 'a');
      fs.writeSync(session.logFd, `connection ${session.id} opened\n`);
    }
    if (this.options.leakTask) {
      session.ticker = setInterval(() => { session.ticks += 1; }, 1000);
    }
    this.live.set(session.id, session);
    return session;
  }

  // The 'close' event with the client's close code: the close handshake path.
  endedByCloseHandshake(session) {
    session.ended = true;
    this.counts.closed_clean += 1;
    if (this.skipReleaseOn !== 'clean') this.release(session);
  }

  // The 'close' event with 1006 (FIN, RST, protocol error, heartbeat drop): the path real code forgets.
  endedAbruptly(session) {
    session.ended = true;
    this.counts.closed_abrupt += 1;
    if (this.skipReleaseOn !== 'abrupt') this.release(session);
  }

  release(session) {
    if (session.ticker !== null) clearInterval(session.ticker);
    if (session.logFd !== null) fs.closeSync(session.logFd);
    session.ticker = null;
    session.logFd = null;
    session.buffer = null;
    this.live.delete(session.id);
  }

  // Counted from the sessions still held after their connection ended, not from the flags.
  account() {
    let leakedBytes = 0;
    let leakedFds = 0;
    let leakedTasks = 0;
    for (const session of this.live.values()) {
      if (!session.ended) continue;
      if (session.buffer !== null) leakedBytes += session.buffer.length;
      if (session.logFd !== null) leakedFds += 1;
      if (session.ticker !== null) leakedTasks += 1;
    }
    const { connections, closed_clean, closed_abrupt, dropped_by_heartbeat } = this.counts;
    return { runtime: 'node-ws', connections, closed_clean, closed_abrupt,
             open: connections - closed_clean - closed_abrupt, leaked_bytes: leakedBytes, leaked_fds: leakedFds,
             leaked_tasks: leakedTasks, dropped_by_heartbeat };
  }

  removeLog() {
    fs.rmSync(this.logPath, { force: true });
  }
}

module.exports = { Sessions };
