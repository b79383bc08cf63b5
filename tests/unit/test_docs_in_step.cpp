// The user documentation and the code stay in step: every profile key the parser accepts is documented in
// docs/profile-reference.md and every key documented there is accepted; every metric of the catalogue is in
// docs/metrics.md with its type and labels, and every metric documented there is in the catalogue.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "metrics/metric_catalogue.hpp"
#include "profile/profile_keys.hpp"

namespace wsl {
namespace {

std::string read_doc(const std::string& relative) {
  std::ifstream in(std::string(WSLOADGEN_SOURCE_DIR) + "/" + relative);
  EXPECT_TRUE(in.good()) << "cannot read " << relative;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The cells of every Markdown table row whose first cell is one backticked word: {word: the row's other cells}.
std::map<std::string, std::vector<std::string>> backticked_rows(const std::string& page, const std::regex& word) {
  std::map<std::string, std::vector<std::string>> rows;
  std::istringstream lines(page);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("| `", 0) != 0) continue;
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream parts(line.substr(1));
    while (std::getline(parts, cell, '|')) {
      const size_t first = cell.find_first_not_of(' '), last = cell.find_last_not_of(' ');
      cells.push_back(first == std::string::npos ? "" : cell.substr(first, last - first + 1));
    }
    if (cells.empty() || cells[0].size() < 3 || cells[0].back() != '`') continue;
    const std::string name = cells[0].substr(1, cells[0].size() - 2);
    if (!std::regex_match(name, word)) continue;
    cells.erase(cells.begin());
    rows[name] = cells;
  }
  return rows;
}

std::set<std::string> accepted_profile_keys() {
  std::set<std::string> keys;
  for (const profile_keys::Section& section : profile_keys::kSections)
    for (std::string_view key : section.keys)
      keys.insert(section.path.empty() ? std::string(key) : std::string(section.path) + "." + std::string(key));
  return keys;
}

const std::regex kKeyPath("[a-z0-9_]+(\\[\\])?(\\.[a-z0-9_]+(\\[\\])?)*");

TEST(DocsInStep, ProfileReferenceDocumentsEveryKeyTheParserAccepts) {
  const auto documented = backticked_rows(read_doc("docs/profile-reference.md"), kKeyPath);
  for (const std::string& key : accepted_profile_keys())
    EXPECT_TRUE(documented.count(key)) << "docs/profile-reference.md has no row for the accepted key `" << key << "`";
}

TEST(DocsInStep, ProfileReferenceDocumentsOnlyKeysTheParserAccepts) {
  const std::set<std::string> accepted = accepted_profile_keys();
  const auto documented = backticked_rows(read_doc("docs/profile-reference.md"), kKeyPath);
  EXPECT_GT(documented.size(), 50u) << "the key tables of docs/profile-reference.md were not found";
  for (const auto& [key, cells] : documented)
    EXPECT_TRUE(accepted.count(key)) << "docs/profile-reference.md documents `" << key
                                     << "`, which the parser does not accept (loadgen/profile/profile_keys.hpp)";
}

const std::regex kMetricName("wsloadgen_[a-z0-9_]+");

std::string kind_name(MetricKind kind) {
  switch (kind) {
    case MetricKind::counter: return "counter";
    case MetricKind::gauge: return "gauge";
    case MetricKind::histogram: return "histogram";
  }
  return "";
}

// The catalogue's "a,b" as the page writes it: "a, b", or "–" for none.
std::string labels_cell(std::string_view labels) {
  if (labels.empty()) return "–";
  std::string out;
  for (char c : labels) out += c == ',' ? std::string(", ") : std::string(1, c);
  return out;
}

TEST(DocsInStep, MetricsPageListsEveryCatalogueMetricWithTypeAndLabels) {
  const auto documented = backticked_rows(read_doc("docs/metrics.md"), kMetricName);
  for (const MetricDefinition* def : kAllMetrics) {
    const std::string name(def->name);
    auto row = documented.find(name);
    if (row == documented.end()) {
      ADD_FAILURE() << "docs/metrics.md has no row for " << name;
      continue;
    }
    ASSERT_GE(row->second.size(), 2u) << name;
    EXPECT_EQ(row->second[0], kind_name(def->kind)) << "type of " << name << " in docs/metrics.md";
    EXPECT_EQ(row->second[1], labels_cell(def->labels)) << "labels of " << name << " in docs/metrics.md";
  }
}

TEST(DocsInStep, MetricsPageListsOnlyCatalogueMetrics) {
  std::set<std::string> catalogue;
  for (const MetricDefinition* def : kAllMetrics) catalogue.insert(std::string(def->name));
  const auto documented = backticked_rows(read_doc("docs/metrics.md"), kMetricName);
  EXPECT_FALSE(documented.empty()) << "the metrics table of docs/metrics.md was not found";
  for (const auto& [name, cells] : documented)
    EXPECT_TRUE(catalogue.count(name)) << "docs/metrics.md documents " << name
                                       << ", which is not in loadgen/metrics/metric_catalogue.hpp";
}

}  // namespace
}  // namespace wsl
