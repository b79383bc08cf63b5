// Picks the close pattern of a connection from a weighted close mix, purely from one random draw.
#pragma once

#include <cstdint>
#include <vector>

#include "profile/profile.hpp"

namespace wsl {

// The entry of `mix` chosen by weight for a uniform 64-bit draw, or nullptr when no entry has a positive
// weight. Entries with weight 0 (or negative, or NaN) are never chosen.
const CloseChoice* pick_close_choice(const std::vector<CloseChoice>& mix, uint64_t draw);

// The same draw over the entries an already open connection can use: every entry except handshake_abort,
// which can only happen while a connection opens (the schedule decides it in the open event).
const CloseChoice* pick_close_choice_for_open_connection(const std::vector<CloseChoice>& mix, uint64_t draw);

// The choice used when no mix applies: a clean close with code 1000 and no reason.
const CloseChoice& default_close_choice();

}  // namespace wsl
