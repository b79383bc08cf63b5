// Samples a process's resource use from /proc (fds, sockets, memory, threads, CPU) for the leak monitor.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace wsl {

// One observation of a process; a field that could not be read is -1 (e.g. fds of another user's process).
struct ProcessSample {
  bool alive = false;  // false once the process has exited or is a zombie
  int64_t open_fds = -1;
  int64_t socket_fds = -1;  // fds whose link target is socket:[INODE]
  int64_t rss_bytes = -1;
  int64_t rss_peak_bytes = -1;  // VmHWM
  int64_t threads = -1;
  double cpu_seconds = -1;  // utime + stime
  int64_t start_ticks = -1;  // when the process started, in clock ticks after boot: a new process under a reused
                             // pid has another
};

// The fields of /proc/PID/status the monitor uses; absent when the line is missing (kernel threads, zombies).
struct ProcStatus {
  std::optional<int64_t> rss_bytes;       // VmRSS
  std::optional<int64_t> rss_peak_bytes;  // VmHWM
  std::optional<int64_t> threads;         // Threads
  char state = '?';                       // first letter of State:, 'Z' for a zombie
};

// Parses the text of /proc/PID/status; unknown or malformed lines are ignored.
ProcStatus parse_proc_status(std::string_view text);

// CPU time and state from /proc/PID/stat, in clock ticks.
struct ProcStatCpu {
  char state = '?';
  int64_t utime_ticks = 0;
  int64_t stime_ticks = 0;
  int64_t start_ticks = -1;  // field 22; -1 when the line is cut short before it
};

// Parses /proc/PID/stat from the last ')' because the command name may itself contain spaces and parentheses.
std::optional<ProcStatCpu> parse_proc_stat_cpu(std::string_view text);

// Counts of one process's fd directory.
struct FdCounts {
  int64_t open_fds = 0;
  int64_t socket_fds = 0;
};

// Lists /proc/PID/fd and readlinks each entry (about 3 µs per fd); nullopt when the directory cannot be read
// (gone or not permitted). Without `count_sockets`, socket_fds is -1 and, on Linux 6.2+, the count comes from
// the directory's st_size without listing it.
std::optional<FdCounts> count_process_fds(int pid, bool count_sockets = true);

// Reads everything it can about pid; alive=false (other fields -1) when it is gone, nullopt when pid <= 0 or
// /proc/PID/status cannot be read for a reason other than the process being gone (e.g. hidepid).
std::optional<ProcessSample> sample_process(int pid, bool count_socket_fds = true);

// Just the resident memory (VmRSS) of pid, without listing its fds; nullopt when it cannot be read.
std::optional<int64_t> process_rss_bytes(int pid);

}  // namespace wsl
