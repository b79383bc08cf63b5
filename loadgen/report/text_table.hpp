// A plain-text table with aligned columns, for terminal output that people read and scripts grep.
#pragma once

#include <string>
#include <vector>

namespace wsl {

class TextTable {
 public:
  enum class Align { left, right };

  // One alignment per column; rows with fewer cells are padded with empty ones.
  explicit TextTable(std::vector<Align> columns);

  void add_row(std::vector<std::string> cells);

  // Each row on its own line, columns separated by two spaces, no trailing blanks.
  std::string render() const;

 private:
  std::vector<Align> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// Display width of UTF-8 text: code points, not bytes, so "µs" and "×" line up.
size_t display_width(const std::string& utf8);

}  // namespace wsl
