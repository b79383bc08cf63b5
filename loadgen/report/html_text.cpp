// Escaping for text that goes into report.html: names and reasons come from profiles and servers, not from us.
#include "report/html_text.hpp"

#include "report/markup_escape.hpp"

namespace wsl {

std::string html_escape(std::string_view text) { return escape_markup(text, MarkupDialect::html); }

}  // namespace wsl
