// Escaping for text that goes into report.html: names and reasons come from profiles and servers, not from us.
#pragma once

#include <string>
#include <string_view>

namespace wsl {

// Safe in element content and in double- or single-quoted attribute values. Control bytes other than
// tab and newline are dropped, because HTML forbids them and a server's close reason may contain any byte.
std::string html_escape(std::string_view text);

}  // namespace wsl
