// The echo servers' shared command line (../README.md), parsed for the Node server.
'use strict';

const USAGE = 'usage: server.js [--port P] [--heartbeat SECONDS | --no-heartbeat] [--leak-bytes N] [--leak-fd] ' +
              '[--leak-task] [--leak-on abrupt|clean] [--verbose]';

function fail(message) {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function number(flag, text, { integer }) {
  const value = Number(text);
  if (text === undefined || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    fail(`${flag} needs a ${integer ? 'whole ' : ''}number >= 0, got ${text}`);
  }
  return value;
}

function parseOptions(argv) {
  const options = { port: 0, heartbeat: 5, leakBytes: 0, leakFd: false, leakTask: false, leakOn: 'abrupt',
                    verbose: false };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    switch (flag) {
      case '--port': options.port = number(flag, argv[++i], { integer: true }); break;
      case '--heartbeat': options.heartbeat = number(flag, argv[++i], { integer: false }); break;
      case '--no-heartbeat': options.heartbeat = 0; break;
      case '--leak-bytes': options.leakBytes = number(flag, argv[++i], { integer: true }); break;
      case '--leak-fd': options.leakFd = true; break;
      case '--leak-task': options.leakTask = true; break;
      case '--leak-on':
        options.leakOn = argv[++i];
        if (options.leakOn !== 'abrupt' && options.leakOn !== 'clean') fail(`--leak-on is abrupt or clean`);
        break;
      case '--verbose': options.verbose = true; break;
      default: fail(`unknown option ${flag}`);
    }
  }
  // --heartbeat 0 means off, like --no-heartbeat, rather than pinging in a busy loop.
  return options;
}

module.exports = { parseOptions };
