// Samples a process's resource use from /proc (fds, sockets, memory, threads, CPU) for the leak monitor.
#include "monitor/process_sample.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <string>

namespace wsl {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::optional<int64_t> leading_integer(std::string_view s) {
  s = trim(s);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end == s.data()) return std::nullopt;
  return value;
}

// "  1752 kB" → bytes; the kernel always writes kB here but a bare number is taken as bytes.
std::optional<int64_t> kilobytes_field(std::string_view s) {
  s = trim(s);
  auto number = leading_integer(s);
  if (!number) return std::nullopt;
  if (s.ends_with("kB")) return *number * 1024;
  return number;
}

// Reads a whole /proc file; errno is left as the open/read failure.
std::optional<std::string> read_small_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string text;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      ::close(fd);
      errno = saved;
      return std::nullopt;
    }
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return text;
}

}  // namespace

ProcStatus parse_proc_status(std::string_view text) {
  ProcStatus status;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = line.substr(0, colon);
    std::string_view value = line.substr(colon + 1);
    if (key == "VmRSS") status.rss_bytes = kilobytes_field(value);
    else if (key == "VmHWM") status.rss_peak_bytes = kilobytes_field(value);
    else if (key == "Threads") status.threads = leading_integer(value);
    else if (key == "State" && !trim(value).empty()) status.state = trim(value).front();
  }
  return status;
}

std::optional<ProcStatCpu> parse_proc_stat_cpu(std::string_view text) {
  size_t close_paren = text.rfind(')');
  if (close_paren == std::string_view::npos) return std::nullopt;
  std::string_view rest = text.substr(close_paren + 1);
  // After the comm: field 3 is the state, fields 14 and 15 are utime and stime, field 22 the start time.
  ProcStatCpu cpu;
  int field = 2;
  while (!rest.empty()) {
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (rest.empty()) break;
    size_t end = rest.find_first_of(" \n");
    std::string_view token = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
    ++field;
    if (field == 3) {
      cpu.state = token.front();
    } else if (field == 14 || field == 15) {
      auto value = leading_integer(token);
      if (!value || *value < 0) return std::nullopt;
      (field == 14 ? cpu.utime_ticks : cpu.stime_ticks) = *value;
    } else if (field == 22) {
      if (auto value = leading_integer(token)) cpu.start_ticks = *value;
      return cpu;
    }
  }
  return field >= 15 ? std::optional<ProcStatCpu>(cpu) : std::nullopt;
}

std::optional<FdCounts> count_process_fds(int pid, bool count_sockets) {
  std::string path = "/proc/" + std::to_string(pid) + "/fd";
  FdCounts counts;
  if (!count_sockets) {
    counts.socket_fds = -1;
    struct stat info {};
    // Linux 6.2+ reports the number of open fds as the size; older kernels report 0, so list them instead.
    if (::stat(path.c_str(), &info) != 0) return std::nullopt;
    if (info.st_size > 0) {
      counts.open_fds = info.st_size;
      return counts;
    }
  }
  int dir_fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return std::nullopt;
  DIR* dir = ::fdopendir(dir_fd);
  if (!dir) {
    ::close(dir_fd);
    return std::nullopt;
  }
  // Our own listing handle is not one of the process's fds.
  std::string own_handle = pid == ::getpid() ? std::to_string(dir_fd) : std::string();
  char target[64];
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    if (!own_handle.empty() && own_handle == entry->d_name) continue;
    ++counts.open_fds;
    if (!count_sockets) continue;
    ssize_t n = ::readlinkat(dir_fd, entry->d_name, target, sizeof target);
    if (n > 7 && std::string_view(target, 7) == "socket:") ++counts.socket_fds;
  }
  ::closedir(dir);
  return counts;
}

std::optional<int64_t> process_rss_bytes(int pid) {
  auto status_text = read_small_file("/proc/" + std::to_string(pid) + "/status");
  if (!status_text) return std::nullopt;
  return parse_proc_status(*status_text).rss_bytes;
}

std::optional<ProcessSample> sample_process(int pid, bool count_socket_fds) {
  if (pid <= 0) return std::nullopt;
  std::string base = "/proc/" + std::to_string(pid);
  ProcessSample sample;
  auto status_text = read_small_file(base + "/status");
  if (!status_text) {
    if (errno == ENOENT || errno == ESRCH) return sample;
    return std::nullopt;
  }
  ProcStatus status = parse_proc_status(*status_text);
  if (status.state == 'Z' || status.state == 'X') return sample;
  sample.alive = true;
  sample.rss_bytes = status.rss_bytes.value_or(-1);
  sample.rss_peak_bytes = status.rss_peak_bytes.value_or(-1);
  sample.threads = status.threads.value_or(-1);
  if (auto stat_text = read_small_file(base + "/stat")) {
    if (auto cpu = parse_proc_stat_cpu(*stat_text)) {
      long ticks_per_second = ::sysconf(_SC_CLK_TCK);
      if (ticks_per_second > 0)
        sample.cpu_seconds = static_cast<double>(cpu->utime_ticks + cpu->stime_ticks) / ticks_per_second;
      sample.start_ticks = cpu->start_ticks;
    }
  }
  if (auto fds = count_process_fds(pid, count_socket_fds)) {
    sample.open_fds = fds->open_fds;
    sample.socket_fds = fds->socket_fds;
  }
  return sample;
}

}  // namespace wsl
