// Deterministic per-connection random draws: a 64-bit mixer over (seed, conn_id, stream) and its uniform views.
#pragma once

#include <cstdint>

namespace wsl {

// Independent streams of per-connection randomness; add a new value for every new kind of choice.
enum class RandomStream : uint64_t {
  lifetime = 1,   // the session lifetime drawn when the connection opens
  close_mix = 2,  // which close-mix entry ends the connection
};

// Deterministic per-connection randomness: the same (seed, conn_id, stream) always gives the same value.
// Used so a connection's choices do not depend on which worker or in which order they are made.
uint64_t connection_random(uint64_t seed, uint64_t conn_id, uint64_t stream);

inline uint64_t connection_random(uint64_t seed, uint64_t conn_id, RandomStream stream) {
  return connection_random(seed, conn_id, static_cast<uint64_t>(stream));
}

// Maps a 64-bit draw to [0, 1) using its top 53 bits, the exact precision of a double.
inline double unit_interval(uint64_t draw) { return static_cast<double>(draw >> 11) * 0x1.0p-53; }

}  // namespace wsl
