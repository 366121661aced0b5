#include "tests/bench_quick/markdown_table.h"

#include <cstdlib>
#include <sstream>

namespace sc::testing {
namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

bool is_rule(const Row& row) {
  for (const auto& cell : row)
    if (cell.find_first_not_of("-:") != std::string::npos || cell.empty()) return false;
  return !row.empty();
}

}  // namespace

Row split_row(const std::string& line) {
  Row cells;
  std::string cell;
  // The line starts and ends with '|'; "\|" is a literal bar inside a cell.
  for (size_t i = 1; i < line.size(); ++i) {
    if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
      cell += '|';
      ++i;
    } else if (line[i] == '|') {
      cells.push_back(trim(cell));
      cell.clear();
    } else {
      cell += line[i];
    }
  }
  return cells;
}

std::vector<Table> tables_under(const std::string& markdown, const std::string& heading) {
  std::vector<Table> tables;
  std::istringstream in(markdown);
  std::string line;
  bool inside = heading.empty();
  Table* current = nullptr;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '#') {
      if (!heading.empty()) inside = line == heading;
      current = nullptr;
      continue;
    }
    if (!inside || line.empty() || line[0] != '|') {
      current = nullptr;
      continue;
    }
    Row row = split_row(line);
    if (!current) {
      tables.push_back({row, {}});
      current = &tables.back();
    } else if (!is_rule(row)) {
      current->rows.push_back(row);
    }
  }
  return tables;
}

bool is_positive_number(const std::string& cell) {
  if (cell.empty()) return false;
  char* end = nullptr;
  double v = std::strtod(cell.c_str(), &end);
  return end && *end == '\0' && v > 0;
}

}  // namespace sc::testing
