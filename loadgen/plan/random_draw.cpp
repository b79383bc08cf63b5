// The SplitMix64-style mixing behind connection_random.
#include "plan/random_draw.hpp"

namespace wsl {
namespace {

// SplitMix64's increment and finalizer: a bijection on 64 bits with full avalanche.
uint64_t mix64(uint64_t z) {
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

uint64_t connection_random(uint64_t seed, uint64_t conn_id, uint64_t stream) {
  // Chaining the mixer (rather than xoring the inputs together) keeps (a, b) and (b, a) apart.
  return mix64(mix64(mix64(seed) ^ conn_id) ^ stream);
}

}  // namespace wsl
