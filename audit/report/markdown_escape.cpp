#include "audit/report/markdown_escape.h"

#include <algorithm>
#include <cstring>

#include "audit/report/html_escape.h"

namespace sc::report {

std::string markdown_text(const std::string& raw) {
  std::string one_line = raw;
  for (char& c : one_line)
    if (c == '\n' || c == '\r') c = ' ';
  std::string out;
  for (char c : printable(one_line)) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (std::strchr("\\`*_{}[]()#+-.!|~", c)) { out += '\\'; out += c; }
    else out += c;
  }
  return out;
}

std::string markdown_code_block(const std::string& body, const std::string& language) {
  size_t longest = 0, run = 0;
  for (char c : body) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  std::string fence(std::max<size_t>(3, longest + 1), '`');
  // printable() would turn the newlines into \x0A: keep them, clean each line.
  std::string clean;
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('\n', start);
    if (end == std::string::npos) end = body.size();
    clean += printable(body.substr(start, end - start));
    if (end < body.size()) clean += '\n';
    start = end + 1;
  }
  if (!clean.empty() && clean.back() != '\n') clean += '\n';
  return fence + language + "\n" + clean + fence + "\n";
}

}  // namespace sc::report
