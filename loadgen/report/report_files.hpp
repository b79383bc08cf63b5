// Writes a run's report files into report.dir, creating the directory.
#pragma once

#include <string>

namespace wsl {

// Writes `content` to DIR/NAME (atomically: a temporary file renamed into place). Returns an error line, or "".
std::string write_report_file(const std::string& dir, const std::string& name, const std::string& content);

}  // namespace wsl
