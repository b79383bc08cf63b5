// Parses the Prometheus text exposition format (0.0.4) that a server under test exposes on /metrics.
#include "monitor/prometheus_text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace wsl {
namespace {

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }
bool is_blank(char c) { return c == ' ' || c == '\t'; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x >= 'A' && x <= 'Z' ? x + 32 : x) == (y >= 'A' && y <= 'Z' ? y + 32 : y);
         });
}

// A cursor over one line; every reader returns false on a syntax error and leaves the line to be skipped.
struct LineReader {
  std::string_view rest;

  void skip_blanks() {
    while (!rest.empty() && is_blank(rest.front())) rest.remove_prefix(1);
  }
  bool take(char c) {
    if (rest.empty() || rest.front() != c) return false;
    rest.remove_prefix(1);
    return true;
  }
  // Metric names may contain ':'; label names may not.
  bool read_name(std::string& out, bool allow_colon) {
    size_t n = 0;
    while (n < rest.size() && is_name_char(rest[n]) && (allow_colon || rest[n] != ':')) ++n;
    if (n == 0 || (rest[0] >= '0' && rest[0] <= '9')) return false;
    out.assign(rest.substr(0, n));
    rest.remove_prefix(n);
    return true;
  }
  bool read_quoted(std::string& out) {
    if (!take('"')) return false;
    out.clear();
    while (!rest.empty()) {
      char c = rest.front();
      rest.remove_prefix(1);
      if (c == '"') return true;
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (rest.empty()) return false;
      char escaped = rest.front();
      rest.remove_prefix(1);
      if (escaped == 'n') out.push_back('\n');
      else if (escaped == '\\' || escaped == '"') out.push_back(escaped);
      else return false;
    }
    return false;  // unterminated
  }
  bool read_labels(MetricLabels& labels) {
    if (!take('{')) return true;
    for (;;) {
      skip_blanks();
      if (take('}')) return true;  // also accepts a trailing comma before '}'
      std::string name, value;
      if (!read_name(name, false)) return false;
      skip_blanks();
      if (!take('=')) return false;
      skip_blanks();
      if (!read_quoted(value)) return false;
      labels.emplace_back(std::move(name), std::move(value));
      skip_blanks();
      if (take(',')) continue;
      if (take('}')) return true;
      return false;
    }
  }
  std::string_view read_token() {
    size_t n = 0;
    while (n < rest.size() && !is_blank(rest[n])) ++n;
    std::string_view token = rest.substr(0, n);
    rest.remove_prefix(n);
    return token;
  }
};

std::optional<double> parse_value(std::string_view token) {
  if (token.empty()) return std::nullopt;
  std::string_view unsigned_part = token;
  bool negative = false;
  if (token.front() == '+' || token.front() == '-') {
    negative = token.front() == '-';
    unsigned_part.remove_prefix(1);
  }
  if (iequals(unsigned_part, "inf") || iequals(unsigned_part, "infinity"))
    return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  if (iequals(token, "nan")) return std::numeric_limits<double>::quiet_NaN();
  if (unsigned_part.empty() || !((unsigned_part.front() >= '0' && unsigned_part.front() <= '9') ||
                                 unsigned_part.front() == '.'))
    return std::nullopt;  // from_chars would take "nan"/"inf" after a sign, or a second sign
  double value = 0;
  auto [end, ec] = std::from_chars(unsigned_part.data(), unsigned_part.data() + unsigned_part.size(), value,
                                   std::chars_format::general);
  if (end != unsigned_part.data() + unsigned_part.size()) return std::nullopt;
  // A value beyond double's range is rejected, as Prometheus itself rejects it.
  if (ec != std::errc()) return std::nullopt;
  return negative ? -value : value;
}

std::optional<int64_t> parse_timestamp(std::string_view token) {
  int64_t value = 0;
  const char* begin = token.data();
  if (!token.empty() && token.front() == '+') ++begin;
  auto [end, ec] = std::from_chars(begin, token.data() + token.size(), value);
  if (ec != std::errc() || end != token.data() + token.size() || begin == end) return std::nullopt;
  return value;
}

// One sample line; nullopt when it breaks the grammar.
std::optional<MetricSample> parse_sample_line(std::string_view line) {
  LineReader reader{line};
  MetricSample sample;
  reader.skip_blanks();
  if (!reader.read_name(sample.name, true)) return std::nullopt;
  reader.skip_blanks();
  if (!reader.read_labels(sample.labels)) return std::nullopt;
  reader.skip_blanks();
  auto value = parse_value(reader.read_token());
  if (!value) return std::nullopt;
  sample.value = *value;
  reader.skip_blanks();
  if (!reader.rest.empty()) {
    sample.timestamp_ms = parse_timestamp(reader.read_token());
    if (!sample.timestamp_ms) return std::nullopt;
    reader.skip_blanks();
    if (!reader.rest.empty()) return std::nullopt;
  }
  return sample;
}

}  // namespace

MetricsParse parse_prometheus_text(std::string_view text) {
  MetricsParse result;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    if (auto sample = parse_sample_line(line)) result.samples.push_back(std::move(*sample));
    else ++result.malformed_lines;
  }
  return result;
}

std::optional<double> find_value(const std::vector<MetricSample>& samples, std::string_view name,
                                 const MetricLabels& matchers) {
  std::optional<double> sum;
  for (const MetricSample& sample : samples) {
    if (sample.name != name) continue;
    bool matches = std::all_of(matchers.begin(), matchers.end(), [&](const auto& matcher) {
      return std::find(sample.labels.begin(), sample.labels.end(), matcher) != sample.labels.end();
    });
    if (matches) sum = sum.value_or(0) + sample.value;
  }
  return sum;
}

}  // namespace wsl
