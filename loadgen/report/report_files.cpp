// Writes a run's report files into report.dir, creating the directory.
#include "report/report_files.hpp"

#include <filesystem>
#include <fstream>
#include <system_error>

namespace wsl {

std::string prepare_report_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return "cannot create report directory " + dir + ": " + ec.message();
  const fs::path probe = fs::path(dir) / ".wsloadgen-write-test";
  {
    std::ofstream out(probe, std::ios::binary | std::ios::trunc);
    out << "x";
    out.flush();
    if (!out) return "cannot write in report directory " + dir;
  }
  fs::remove(probe, ec);
  return "";
}

std::string write_report_file(const std::string& dir, const std::string& name, const std::string& content) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return "cannot create report directory " + dir + ": " + ec.message();
  const fs::path final_path = fs::path(dir) / name;
  const fs::path temporary = fs::path(dir) / (name + ".tmp");
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) return "cannot write " + temporary.string();
  }
  // A reader never sees half a report, even if the run is killed while writing.
  fs::rename(temporary, final_path, ec);
  if (ec) return "cannot write " + final_path.string() + ": " + ec.message();
  return "";
}

}  // namespace wsl
