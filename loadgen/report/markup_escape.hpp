// Escaping text from profiles and servers for the markup reports (report.html, junit.xml).
#pragma once

#include <string>
#include <string_view>

namespace wsl {

// HTML and XML agree on &, <, > and "; they differ in how ' is written and which control bytes may stay:
// HTML forbids DEL and carriage return in text we emit, XML 1.0 allows both.
enum class MarkupDialect { html, xml };

// Safe in element content and in double- or single-quoted attribute values. Control bytes the dialect
// forbids are dropped, because a server's close reason may contain any byte.
std::string escape_markup(std::string_view text, MarkupDialect dialect);

}  // namespace wsl
