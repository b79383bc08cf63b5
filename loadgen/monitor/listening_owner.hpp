// Finds the server process to watch: the owner of a listening TCP port on this host, or the pid in a pid file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wsl {

// The pid whose fd table holds the LISTEN socket of `port` (IPv4 or IPv6, any address); the lowest pid when
// several processes share it (pre-fork servers: the parent). nullopt when nothing listens there, the
// listener is in another network namespace, or its process's fds cannot be read (not root, other user).
std::optional<int> find_listening_pid(uint16_t port);

// The first token of a pid file's text as a positive pid; nullopt for anything else.
std::optional<int> parse_pid_text(std::string_view text);

// Reads and parses a pid file; nullopt when it cannot be read or holds no pid.
std::optional<int> read_pid_file(const std::string& path);

}  // namespace wsl
