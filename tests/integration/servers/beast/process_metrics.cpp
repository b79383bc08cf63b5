// Reads what GET /metrics reports from /proc/self and mallinfo2(), and formats it as Prometheus text.
#include "process_metrics.hpp"

#include <dirent.h>
#include <malloc.h>
#include <unistd.h>

#include <cstddef>
#include <cstdio>
#include <fstream>

// Under AddressSanitizer (`./dev asan`) malloc is ASan's, and glibc's mallinfo2() sees none of it.
#if defined(__SANITIZE_ADDRESS__)
#define WSECHO_ASAN_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WSECHO_ASAN_ALLOCATOR 1
#endif
#endif
#ifdef WSECHO_ASAN_ALLOCATOR
// Declared here: gcc's libasan exports it, but Debian's gcc ships no sanitizer/allocator_interface.h.
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#endif

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

// What the program holds from malloc, not what RSS keeps: glibc's in-use arena bytes plus its mmap()ed blocks.
unsigned long long malloc_inuse_bytes() {
#ifdef WSECHO_ASAN_ALLOCATOR
  return __sanitizer_get_current_allocated_bytes();
#else
  struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
#endif
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
  gauge(out, "malloc_inuse_bytes", "Bytes allocated with malloc and not yet freed.", malloc_inuse_bytes());
  return out;
}

}  // namespace wsecho
