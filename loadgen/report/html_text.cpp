// Escaping for text that goes into report.html: names and reasons come from profiles and servers, not from us.
#include "report/html_text.hpp"

namespace wsl {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        if (c >= 0x20 && c != 0x7f) out += char(c);
        else if (c == '\t' || c == '\n') out += char(c);
    }
  }
  return out;
}

}  // namespace wsl
