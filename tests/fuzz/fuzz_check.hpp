// The invariant check every fuzz target uses: unlike assert(), it stays on in release builds and aborts loudly.
#pragma once

#include <cstdio>
#include <cstdlib>

// libFuzzer treats abort() as a crash and saves the input, so a broken invariant is found like a crash is.
#define FUZZ_CHECK(condition)                                                                  \
  do {                                                                                         \
    if (!(condition)) {                                                                        \
      std::fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #condition);  \
      std::abort();                                                                            \
    }                                                                                          \
  } while (0)
