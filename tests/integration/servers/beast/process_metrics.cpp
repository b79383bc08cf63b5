// Reads what GET /metrics reports from /proc/self and mallinfo2(), and formats it as Prometheus text.
#include "process_metrics.hpp"

#include <dirent.h>
#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace wsecho {
namespace {

unsigned long long resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  unsigned long long size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<unsigned long long>(sysconf(_SC_PAGESIZE));
}

unsigned long long open_fds() {
  // The directory stream holds one descriptor of its own while it reads.
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return 0;
  unsigned long long count = 0;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count;
}

void gauge(std::string& out, const char* name, const char* help, unsigned long long value) {
  char line[512];
  std::snprintf(line, sizeof line, "# HELP %s %s\n# TYPE %s gauge\n%s %llu\n", name, help, name, name, value);
  out += line;
}

}  // namespace

std::string metrics_text() {
  std::string out;
  gauge(out, "process_resident_memory_bytes", "Resident memory size in bytes.", resident_bytes());
  gauge(out, "process_open_fds", "Number of open file descriptors.", open_fds());
  // In-use bytes of malloc's arenas plus its own mmap()ed blocks: what the program holds, not what RSS keeps.
  struct mallinfo2 info = mallinfo2();
  gauge(out, "malloc_inuse_bytes", "Bytes allocated with malloc and not yet freed (mallinfo2).",
        info.uordblks + info.hblkhd);
  return out;
}

}  // namespace wsecho
