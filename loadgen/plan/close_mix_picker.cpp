// Weighted choice over a close mix by walking cumulative weights.
#include "plan/close_mix_picker.hpp"

#include "plan/random_draw.hpp"

namespace wsl {
namespace {

bool counts(const CloseChoice& c) { return c.weight > 0; }  // false for NaN too

bool any_entry(const CloseChoice&) { return true; }
bool not_at_open(const CloseChoice& c) { return c.pattern != ClosePattern::handshake_abort; }

template <typename Eligible>
const CloseChoice* pick_among(const std::vector<CloseChoice>& mix, uint64_t draw, Eligible eligible) {
  double total = 0;
  const CloseChoice* last_positive = nullptr;
  for (const CloseChoice& c : mix) {
    if (counts(c) && eligible(c)) {
      total += c.weight;
      last_positive = &c;
    }
  }
  if (last_positive == nullptr) return nullptr;
  const double point = unit_interval(draw) * total;
  double cumulative = 0;
  for (const CloseChoice& c : mix) {
    if (!counts(c) || !eligible(c)) continue;
    cumulative += c.weight;
    if (point < cumulative) return &c;
  }
  // Rounding can leave `point` just past the final cumulative sum; it belongs to the last real entry.
  return last_positive;
}

}  // namespace

const CloseChoice* pick_close_choice(const std::vector<CloseChoice>& mix, uint64_t draw) {
  return pick_among(mix, draw, any_entry);
}

const CloseChoice* pick_close_choice_for_open_connection(const std::vector<CloseChoice>& mix, uint64_t draw) {
  // Keep the full draw whenever it can be used, so the other entries keep their exact weights; only a
  // draw that lands on handshake_abort (possible when the mix at open differed) is drawn again.
  const CloseChoice* picked = pick_among(mix, draw, any_entry);
  if (picked == nullptr || not_at_open(*picked)) return picked;
  return pick_among(mix, draw, not_at_open);
}

const CloseChoice& default_close_choice() {
  // Immutable and built once, so events may point at it for as long as the program runs.
  static const CloseChoice kDefault{};
  return kDefault;
}

}  // namespace wsl
