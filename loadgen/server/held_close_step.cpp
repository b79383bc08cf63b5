// The held-close decision rule (pure, no I/O).
#include "server/held_close_step.hpp"

namespace wsl {

HeldCloseStep next_held_close_step(const HeldCloseView& view) {
  if (view.peer_gone) return HeldCloseStep::release;
  if (!view.reply_delay) return HeldCloseStep::wait;
  if (view.since_reply) {
    return *view.since_reply >= kHeldCloseLinger ? HeldCloseStep::release : HeldCloseStep::wait;
  }
  return view.held_for >= *view.reply_delay ? HeldCloseStep::send_reply : HeldCloseStep::wait;
}

}  // namespace wsl
