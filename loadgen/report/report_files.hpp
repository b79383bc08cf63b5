// Writes a run's report files into report.dir, creating the directory.
#pragma once

#include <string>

namespace wsl {

// Creates DIR and proves a file can be written there, before any load: returns an error line, or "".
std::string prepare_report_dir(const std::string& dir);

// Writes `content` to DIR/NAME (atomically: a temporary file renamed into place). Returns an error line, or "".
std::string write_report_file(const std::string& dir, const std::string& name, const std::string& content);

}  // namespace wsl
