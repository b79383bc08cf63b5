// The close patterns in one table: each one's name, the settings it takes and their defaults, whether it breaks
// RFC 6455 on purpose, which side's port sits in TIME_WAIT, whether it holds its socket and whether it leaves the
// server a dead peer to reap. Every reader uses it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "vocabulary/duration.hpp"
#include "vocabulary/enum_names.hpp"

namespace wsl {

// How a connection ends; each value's wire behaviour is documented in docs/close-patterns.md. A new value gets its row
// in kClosePatterns below and its first close step in Worker::begin_close (engine/worker_close.cpp).
enum class ClosePattern {
  clean,
  close_no_wait,
  fin,
  rst,
  close_timeout,
  stall,
  ignore_server_close,
  server_close,
  handshake_abort,
  mid_message,
  invalid_close,
  data_after_close,
  last = data_after_close,
};
inline constexpr int kClosePatternCount = int(kEnumCount<ClosePattern>);

// Where a handshake_abort cuts the upgrade short.
enum class AbortPoint { before_request, mid_request, before_response, last = before_response };
inline constexpr EnumNames<AbortPoint> kAbortPointNames = {"before_request", "mid_request", "before_response"};
static_assert(names_complete<AbortPoint>(kAbortPointNames));
constexpr const char* to_string(AbortPoint a) { return name_in(kAbortPointNames, a); }

// How an abrupt pattern ends TCP: orderly FIN, or RST via SO_LINGER 0.
enum class DropBy { fin, rst, last = rst };
inline constexpr EnumNames<DropBy> kDropByNames = {"fin", "rst"};
static_assert(names_complete<DropBy>(kDropByNames));
constexpr const char* to_string(DropBy b) { return name_in(kDropByNames, b); }

// One weighted entry of a close mix. Only the settings its pattern takes (its row's `settings`) are meaningful.
struct CloseChoice {
  ClosePattern pattern = ClosePattern::clean;
  double weight = 1;
  int code = 1000;           // the row's default_code unless the entry gives one
  std::string reason{};
  Duration hold = 30s;
  Duration interval = 100ms;
  AbortPoint at = AbortPoint::before_response;
  DropBy by = DropBy::fin;

  bool operator==(const CloseChoice&) const = default;
};

// The settings a close-mix entry may give besides `pattern` and `weight`, in the order they are written.
enum class CloseSetting { code, reason, hold, at, by, interval, last = interval };

// How a setting's value is read and written: a new setting of an existing kind needs no reader or writer code.
enum class CloseSettingKind { close_code, close_reason, duration, abort_point, drop_by, last = drop_by };

struct CloseSettingInfo {
  CloseSetting setting;
  std::string_view name;
  CloseSettingKind kind;
  Duration CloseChoice::*duration = nullptr;  // kind duration: the field it fills
  bool zero_allowed = true;                   // kind duration: whether 0s is accepted
};

inline constexpr std::array<CloseSettingInfo, kEnumCount<CloseSetting>> kCloseSettings = {{
    {CloseSetting::code, "code", CloseSettingKind::close_code},
    {CloseSetting::reason, "reason", CloseSettingKind::close_reason},
    {CloseSetting::hold, "hold", CloseSettingKind::duration, &CloseChoice::hold},
    {CloseSetting::at, "at", CloseSettingKind::abort_point},
    {CloseSetting::by, "by", CloseSettingKind::drop_by},
    {CloseSetting::interval, "interval", CloseSettingKind::duration, &CloseChoice::interval, /*zero_allowed=*/false},
}};

// A set of settings, written as a list in the table below.
class CloseSettingSet {
 public:
  constexpr CloseSettingSet(std::initializer_list<CloseSetting> settings) {
    for (CloseSetting s : settings) bits_ |= bit(s);
  }
  constexpr bool has(CloseSetting s) const { return (bits_ & bit(s)) != 0; }

 private:
  static constexpr uint32_t bit(CloseSetting s) { return uint32_t(1) << static_cast<unsigned>(s); }
  uint32_t bits_ = 0;
};

// Whose port sits in TIME_WAIT after the close: the side whose FIN went first.
enum class TimeWaitSide {
  none,     // an RST ends TCP: no TIME_WAIT anywhere
  client,   // our FIN goes first: our port is in TIME_WAIT
  server,   // the server closes TCP first (as RFC 6455 asks): its port, not ours
  by_drop,  // as the entry's `by` says: our TIME_WAIT for fin, none for rst
  last = by_drop,
};

// How a pattern breaks RFC 6455 on purpose, if it does.
enum class RfcBreach {
  none,
  close_frame,  // in its Close frame: the code and reason it is given are sent unchecked
  data_after_close,  // data frames after its Close (RFC 6455 §5.5.1), to see whether the server acts on them
  last = data_after_close,
};

// The protocol_errors reason of a server that echoed the data a data_after_close pattern sent after its Close.
inline constexpr std::string_view kEchoedDataAfterClose = "echoed_data_after_close";

struct ClosePatternInfo {
  ClosePattern pattern;
  std::string_view name;
  CloseSettingSet settings;  // the settings it takes besides weight
  int default_code;          // the Close code it sends when the entry gives none
  RfcBreach breaks_rfc;      // what it sends that RFC 6455 forbids, on purpose
  TimeWaitSide time_wait;    // against a healthy server
  bool held;                 // keeps its socket for `hold` after the close is due, even on a healthy server: its
                             // leak-verdict block runs once, at the end, since the hold dominates its length
  bool awaits_reap;          // held silently or half-closed, leaving it to the server to give the connection back:
                             // a dead peer, what checks.reap judges
};

namespace close_table {
using P = ClosePattern;
using S = CloseSetting;
using T = TimeWaitSide;
using R = RfcBreach;
inline constexpr std::array<ClosePatternInfo, kEnumCount<ClosePattern>> kRows = {{
    // pattern                name                   settings                       code  breaks_rfc      TIME_WAIT  held   reap
    {P::clean,               "clean",               {S::code, S::reason},          1000, R::none,        T::server, false, false},
    {P::close_no_wait,       "close_no_wait",       {S::code, S::reason},          1000, R::none,        T::client, false, false},
    {P::fin,                 "fin",                 {},                            1000, R::none,        T::client, false, false},
    {P::rst,                 "rst",                 {},                            1000, R::none,        T::none,   false, false},
    {P::close_timeout,       "close_timeout",       {S::code, S::reason, S::hold}, 1000, R::none,        T::none,   true,  true},
    {P::stall,               "stall",               {S::hold},                     1000, R::none,        T::none,   true,  true},
    {P::ignore_server_close, "ignore_server_close", {S::hold},                     1000, R::none,        T::none,   true,  true},
    // An echo server never starts a close, so the whole hold passes; then the clean close uses code and reason.
    // Not a dead peer: it keeps reading and answers a Close the server starts, so there is nothing to reap.
    {P::server_close,        "server_close",        {S::code, S::reason, S::hold}, 1000, R::none,        T::server, true,  false},
    {P::handshake_abort,     "handshake_abort",     {S::at, S::by},                1000, R::none,        T::by_drop, false, false},
    {P::mid_message,         "mid_message",         {S::by},                       1000, R::none,        T::by_drop, false, false},
    // RFC 6455 forbids sending 1005 on the wire, so it is the natural default for a deliberately invalid close.
    {P::invalid_close,       "invalid_close",       {S::code, S::reason},          1005, R::close_frame, T::server, false, false},
    // Waits up to `hold` for the reply, sending data every `interval`; a healthy server answers at once, so it is
    // not held (its block ends when the reply comes), and it is never a silent peer, so not a reap either.
    {P::data_after_close,    "data_after_close",    {S::code, S::reason, S::hold, S::interval},
                                                                                   1000, R::data_after_close, T::server, false, false},
}};

// A dead peer is held: the reap check needs the connection kept for `hold`.
constexpr bool reaped_patterns_are_held() {
  for (const ClosePatternInfo& row : kRows)
    if (row.awaits_reap && !row.held) return false;
  return true;
}

constexpr bool rows_in_enum_order() {
  for (size_t i = 0; i < kRows.size(); ++i)
    if (kRows[i].pattern != static_cast<ClosePattern>(i) || kRows[i].name.empty()) return false;
  for (size_t i = 0; i < kCloseSettings.size(); ++i)
    if (kCloseSettings[i].setting != static_cast<CloseSetting>(i) || kCloseSettings[i].name.empty()) return false;
  return true;
}

constexpr EnumNames<ClosePattern> names() {
  EnumNames<ClosePattern> out{};
  for (size_t i = 0; i < kRows.size(); ++i) out[i] = kRows[i].name;
  return out;
}
}  // namespace close_table

// A missing row is a default one (pattern 0, no name) and fails here, as does a row out of order.
static_assert(close_table::rows_in_enum_order(), "one row per ClosePattern and CloseSetting, in enum order");
static_assert(close_table::reaped_patterns_are_held(), "a pattern that awaits the server's reap holds its socket");
inline constexpr const auto& kClosePatterns = close_table::kRows;
inline constexpr EnumNames<ClosePattern> kClosePatternNames = close_table::names();
static_assert(names_complete<ClosePattern>(kClosePatternNames));

constexpr const ClosePatternInfo& describe(ClosePattern p) { return kClosePatterns[static_cast<size_t>(p)]; }
constexpr const CloseSettingInfo& describe(CloseSetting s) { return kCloseSettings[static_cast<size_t>(s)]; }
constexpr const char* to_string(ClosePattern p) { return name_in(kClosePatternNames, p); }

}  // namespace wsl
