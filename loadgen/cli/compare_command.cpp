// `wsloadgen compare BASE NEW`: reads two reports, prints the comparison, writes it as HTML when asked.
#include "cli/compare_command.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/exit_codes.hpp"
#include "compare/compare_render.hpp"
#include "compare/report_diff.hpp"
#include "report/report_files.hpp"

namespace wsl {
namespace {

// A report directory stands for the report.json in it.
std::string report_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    return path + (path.empty() || path.back() == '/' ? "" : "/") + "report.json";
  return path;
}

std::optional<ReportFigures> read_figures(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot be read";
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  const nlohmann::json parsed = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    *error = "is not JSON";
    return std::nullopt;
  }
  std::optional<ReportFigures> figures = figures_of(parsed, error);
  if (figures) figures->source = path;
  else *error = "is not a wsloadgen report: " + *error;
  return figures;
}

}  // namespace

int run_compare_command(const Command& command) {
  const std::string base_path = report_file(command.compare_base), next_path = report_file(command.compare_new);
  std::string error;
  const std::optional<ReportFigures> base = read_figures(base_path, &error);
  if (!base) {
    std::cerr << "wsloadgen: compare: " << base_path << " " << error << "\n";
    return kExitUsage;
  }
  const std::optional<ReportFigures> next = read_figures(next_path, &error);
  if (!next) {
    std::cerr << "wsloadgen: compare: " << next_path << " " << error << "\n";
    return kExitUsage;
  }
  const Comparison comparison = compare_reports(*base, *next, command.max_regression);
  const ComparedFiles files{base_path, next_path, base->profile, next->profile};
  std::cout << render_comparison_text(comparison, files) << std::flush;
  if (!command.compare_html.empty()) {
    const std::filesystem::path html(command.compare_html);
    const std::string dir = html.has_parent_path() ? html.parent_path().string() : ".";
    const std::string page = render_comparison_html(comparison, files);
    if (std::string failed = write_report_file(dir, html.filename().string(), page); !failed.empty()) {
      std::cerr << "wsloadgen: compare: " << failed << "\n";
      return kExitUsage;
    }
  }
  return comparison.exit_code();
}

}  // namespace wsl
