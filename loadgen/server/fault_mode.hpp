// Fault modes of the reference echo server: the `--fault NAME` words, parsed and validated.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wsl {

// Deliberate misbehaviours that let the generator's leak and close checks be tested against a
// server known to be wrong in one specific way.
struct FaultModes {
  bool no_close_reply = false;                          // ignore a peer's Close: no reply, never close
  std::optional<std::chrono::milliseconds> slow_close;  // answer a peer's Close only after this delay
  bool no_ping_timeout = false;                         // never drop peers that stop answering pings
  bool leak_on_abort = false;                           // keep the fd and some memory of dropped peers
  std::optional<uint64_t> leak_memory;                  // keep this many bytes per connection, forever
  std::optional<uint64_t> max_connections;              // refuse upgrades (503) while this many are open

  bool operator==(const FaultModes&) const = default;
};

// The accepted spellings, for help texts and error messages.
std::string known_fault_names();

// Parses every `--fault` word; on an unknown or malformed one returns false and explains in *error.
bool parse_fault_modes(const std::vector<std::string>& names, FaultModes* out, std::string* error);

// Names of the faults in `faults` that this build of the server cannot enact yet (empty: all fine).
std::vector<std::string> unimplemented_faults(const FaultModes& faults);

}  // namespace wsl
