// timeseries.csv: the monitor's series, one row per sample and one column per resource.
#include "report/timeseries_csv.hpp"

#include <cstdio>
#include <set>

namespace wsl {
namespace {

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.15g", value);
  return text;
}

}  // namespace

std::string render_timeseries_csv(const std::vector<ResourceSample>& series) {
  std::vector<std::map<std::string, double>> rows;
  std::set<std::string> columns;
  for (const ResourceSample& sample : series) {
    rows.push_back(resource_values(sample));
    for (const auto& [name, value] : rows.back()) columns.insert(name);
  }
  std::string out = "t_seconds";
  for (const auto& column : columns) out += "," + column;  // resource names never contain commas or quotes
  out += "\n";
  for (size_t i = 0; i < series.size(); ++i) {
    out += number(double(series[i].at_ns) / 1e9);
    for (const auto& column : columns) {
      out += ",";
      auto it = rows[i].find(column);
      if (it != rows[i].end()) out += number(it->second);
    }
    out += "\n";
  }
  return out;
}

}  // namespace wsl
