// Tests column alignment of plain-text tables, including multi-byte UTF-8 cells.
#include <gtest/gtest.h>

#include "report/text_table.hpp"

namespace wsl {
namespace {

TEST(TextTable, AlignsLeftAndRightColumnsAndTrimsTrailingBlanks) {
  TextTable t({TextTable::Align::left, TextTable::Align::right, TextTable::Align::left});
  t.add_row({"name", "n", "note"});
  t.add_row({"a", "1234", ""});
  t.add_row({"longer", "5"});
  EXPECT_EQ(t.render(),
            "name       n  note\n"
            "a       1234\n"
            "longer     5\n");
}

TEST(TextTable, CountsCodePointsNotBytes) {
  EXPECT_EQ(display_width("150µs"), 5u);
  EXPECT_EQ(display_width("1000×18"), 7u);
  TextTable t({TextTable::Align::right});
  t.add_row({"150µs"});
  t.add_row({"2.00ms"});
  EXPECT_EQ(t.render(), " 150µs\n2.00ms\n");
}

}  // namespace
}  // namespace wsl
