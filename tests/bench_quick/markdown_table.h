// Reads the Markdown tables of a report back: what the quick benchmark test checks.
#pragma once

#include <string>
#include <vector>

namespace sc::testing {

using Row = std::vector<std::string>;  // cells, trimmed, "\|" unescaped

struct Table {
  Row header;
  std::vector<Row> rows;  // without the |---| rule
};

// Every table in `markdown` that follows the line `heading` (exact, e.g. "### Notes"), up to
// the next heading; all tables in the document when `heading` is empty.
std::vector<Table> tables_under(const std::string& markdown, const std::string& heading);

Row split_row(const std::string& line);

// A positive decimal number ("12.5")? (Not "n/a", not empty.)
bool is_positive_number(const std::string& cell);

}  // namespace sc::testing
