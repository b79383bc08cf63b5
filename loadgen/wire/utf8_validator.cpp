// Incremental UTF-8 validation following the well-formed byte sequences table of RFC 3629 §4.
#include "wire/utf8_validator.hpp"

#include <cstring>

namespace wsl {

bool Utf8Validator::feed(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* end = p + bytes.size();
  while (p < end) {
    if (need_ == 0) {
      // Most echo traffic is ASCII: skip eight bytes at a time while no high bit is set.
      while (end - p >= 8) {
        uint64_t word;
        std::memcpy(&word, p, 8);
        if (word & 0x8080808080808080ull) break;
        p += 8;
      }
      if (p == end) break;
      const unsigned char b = *p++;
      if (b < 0x80) continue;
      lo_ = 0x80;
      hi_ = 0xBF;
      if (b >= 0xC2 && b <= 0xDF) {
        need_ = 1;
      } else if (b >= 0xE0 && b <= 0xEF) {
        need_ = 2;
        if (b == 0xE0) lo_ = 0xA0;       // no overlong 3-byte forms
        else if (b == 0xED) hi_ = 0x9F;  // no UTF-16 surrogates
      } else if (b >= 0xF0 && b <= 0xF4) {
        need_ = 3;
        if (b == 0xF0) lo_ = 0x90;       // no overlong 4-byte forms
        else if (b == 0xF4) hi_ = 0x8F;  // nothing above U+10FFFF
      } else {
        return false;
      }
    } else {
      const unsigned char b = *p++;
      if (b < lo_ || b > hi_) return false;
      --need_;
      lo_ = 0x80;
      hi_ = 0xBF;
    }
  }
  return true;
}

bool is_valid_utf8(std::string_view bytes) {
  Utf8Validator v;
  return v.feed(bytes) && v.at_boundary();
}

}  // namespace wsl
