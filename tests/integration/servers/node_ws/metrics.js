// Prometheus text for the Node echo server's GET /metrics: the process from /proc/self, the runtime from Node.
'use strict';

const fs = require('fs');

function residentBytes() {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

function gauge(name, help, value) {
  return `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name} ${value}\n`;
}

function metricsText() {
  // getActiveResourcesInfo() names one 'Timeout' per live timer, so a leaked setInterval shows up here.
  const resources = process.getActiveResourcesInfo();
  const timers = resources.filter((name) => name === 'Timeout').length;
  return gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', residentBytes()) +
    // The directory listing holds one descriptor of its own while it reads.
    gauge('process_open_fds', 'Number of open file descriptors.', fs.readdirSync('/proc/self/fd').length) +
    gauge('nodejs_heap_size_used_bytes', 'V8 heap in use (process.memoryUsage().heapUsed).',
          process.memoryUsage().heapUsed) +
    gauge('nodejs_active_handles', 'Active libuv handles and requests other than timers.', resources.length - timers) +
    gauge('nodejs_active_timers', 'Active timers (setTimeout/setInterval).', timers);
}

module.exports = { metricsText };
