// The style sheet inlined into report.html, so the page needs nothing but itself.
#pragma once

namespace wsl {

// CSS for the banner, key numbers, tables and the SVG charts' classes (series-K, tone-K, idle, …).
const char* html_report_style();

}  // namespace wsl
