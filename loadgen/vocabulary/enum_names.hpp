// The one way a closed enum is named: its spellings in a table as long as the enum, checked at compile time.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace wsl {

// A closed enum ends with `last = <its last value>`; the number of values follows from it. `last` is an alias,
// so switches need no case for it, and a value added after it without moving it makes a names table
// (sized by the count) one entry too short for its initializer: a compile error.
template <typename E>
inline constexpr size_t kEnumCount = static_cast<size_t>(E::last) + 1;

// The spellings of E in enum order.
template <typename E>
using EnumNames = std::array<std::string_view, kEnumCount<E>>;

// True when every value has a name and no two share one; each table is checked by a static_assert beside it,
// so a name left out (an empty slot) or given twice does not compile.
template <typename E>
constexpr bool names_complete(const EnumNames<E>& names) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) return false;
    for (size_t j = 0; j < i; ++j)
      if (names[j] == names[i]) return false;
  }
  return true;
}

// The name of `value`; the table's entries are string literals, so the pointer is NUL-terminated.
template <typename E>
constexpr const char* name_in(const EnumNames<E>& names, E value) {
  return names[static_cast<size_t>(value)].data();
}

// The value spelled `name`, if any.
template <typename E>
constexpr std::optional<E> value_named(const EnumNames<E>& names, std::string_view name) {
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<E>(i);
  return std::nullopt;
}

}  // namespace wsl
