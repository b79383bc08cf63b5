// Finds the server process to watch: the owner of a listening TCP port on this host, or the pid in a pid file.
#include "monitor/listening_owner.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <unordered_set>
#include <vector>

#include "monitor/sock_diag_query.hpp"

namespace wsl {
namespace {

std::optional<int> numeric_name(const char* name) {
  int value = 0;
  std::string_view text(name);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

// "socket:[12345]" → 12345.
std::optional<uint32_t> socket_inode(std::string_view link) {
  if (!link.starts_with("socket:[") || !link.ends_with("]")) return std::nullopt;
  link = link.substr(8, link.size() - 9);
  uint32_t inode = 0;
  auto [end, ec] = std::from_chars(link.data(), link.data() + link.size(), inode);
  if (ec != std::errc() || end != link.data() + link.size()) return std::nullopt;
  return inode;
}

bool holds_any_socket(int pid, const std::unordered_set<uint32_t>& inodes) {
  std::string path = "/proc/" + std::to_string(pid) + "/fd";
  int dir_fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return false;
  DIR* dir = ::fdopendir(dir_fd);
  if (!dir) {
    ::close(dir_fd);
    return false;
  }
  bool found = false;
  char target[64];
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    ssize_t n = ::readlinkat(dir_fd, entry->d_name, target, sizeof target);
    if (n <= 0) continue;
    auto inode = socket_inode(std::string_view(target, static_cast<size_t>(n)));
    if (inode && inodes.contains(*inode)) {
      found = true;
      break;
    }
  }
  ::closedir(dir);
  return found;
}

}  // namespace

std::optional<int> find_listening_pid(uint16_t port) {
  std::string error;
  auto query = SockDiagQuery::open(error);
  if (!query) return std::nullopt;
  std::vector<SocketEntry> listeners;
  if (!query->dump_local_port(port, kListenState, listeners, error)) return std::nullopt;
  std::unordered_set<uint32_t> inodes;
  for (const SocketEntry& entry : listeners)
    if (entry.inode != 0) inodes.insert(entry.inode);
  if (inodes.empty()) return std::nullopt;

  DIR* proc = ::opendir("/proc");
  if (!proc) return std::nullopt;
  std::vector<int> pids;
  while (const dirent* entry = ::readdir(proc))
    if (auto pid = numeric_name(entry->d_name)) pids.push_back(*pid);
  ::closedir(proc);
  std::sort(pids.begin(), pids.end());
  for (int pid : pids)
    if (holds_any_socket(pid, inodes)) return pid;
  return std::nullopt;
}

std::optional<int> parse_pid_text(std::string_view text) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return std::nullopt;
  text.remove_prefix(start);
  size_t end = text.find_first_of(" \t\r\n");
  std::string_view token = text.substr(0, end);
  int pid = 0;
  auto [last, ec] = std::from_chars(token.data(), token.data() + token.size(), pid);
  if (ec != std::errc() || last != token.data() + token.size() || pid <= 0) return std::nullopt;
  return pid;
}

std::optional<int> read_pid_file(const std::string& path) {
  std::ifstream file(path);
  if (!file) return std::nullopt;
  std::ostringstream text;
  text << file.rdbuf();
  return parse_pid_text(text.str());
}

}  // namespace wsl
