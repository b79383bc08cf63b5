// Suggests the intended word for a misspelt key or value, by edit distance.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace wsl {

// Optimal-string-alignment distance (insertions, deletions, substitutions, adjacent swaps), ignoring case.
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a plausible typo.
std::optional<std::string> closest_match(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace wsl
