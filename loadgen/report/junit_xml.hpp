// junit.xml: one testcase per check (thresholds and each leak resource), so CI systems show what failed.
#pragma once

#include <string>

#include "report/report_json.hpp"

namespace wsl {

std::string render_junit_xml(const RunReport& report);

// XML text with &, <, >, " and ' escaped, and bytes that XML 1.0 forbids dropped.
std::string xml_escape(std::string_view text);

}  // namespace wsl
