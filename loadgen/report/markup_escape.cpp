// Escaping text from profiles and servers for the markup reports (report.html, junit.xml).
#include "report/markup_escape.hpp"

namespace wsl {
namespace {

bool keeps_control_byte(unsigned char c, MarkupDialect dialect) {
  if (c == '\t' || c == '\n') return true;
  return dialect == MarkupDialect::xml && (c == '\r' || c == 0x7f);
}

}  // namespace

std::string escape_markup(std::string_view text, MarkupDialect dialect) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += dialect == MarkupDialect::html ? "&#39;" : "&apos;"; break;
      default:
        if ((c >= 0x20 && c != 0x7f) || keeps_control_byte(c, dialect)) out += char(c);
    }
  }
  return out;
}

}  // namespace wsl
