// Incremental UTF-8 validation (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF) for text messages split across frames and reads.
#pragma once

#include <cstdint>
#include <string_view>

namespace wsl {

class Utf8Validator {
 public:
  // Consumes more bytes of the same message; false as soon as they cannot be valid UTF-8.
  bool feed(std::string_view bytes);
  // True when the bytes so far end on a character boundary (required at the end of a message).
  bool at_boundary() const { return need_ == 0; }
  void reset() { need_ = 0; lo_ = 0x80; hi_ = 0xBF; }

 private:
  uint8_t need_ = 0;    // continuation bytes still expected for the current character
  uint8_t lo_ = 0x80;   // allowed range for the next continuation byte (narrowed after E0/ED/F0/F4)
  uint8_t hi_ = 0xBF;
};

// Whole-string convenience.
bool is_valid_utf8(std::string_view bytes);

}  // namespace wsl
