#include "audit/report/html_escape.h"

#include "bytes/untrusted.h"

namespace sc::report {

std::string printable(const std::string& raw) { return bytes::display_text(raw); }

std::string html_text(const std::string& raw) {
  std::string out;
  for (char c : printable(raw)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string html_lines(const std::string& raw) {
  std::string out;
  size_t start = 0;
  while (start <= raw.size()) {
    size_t end = raw.find('\n', start);
    if (end == std::string::npos) end = raw.size();
    out += html_text(raw.substr(start, end - start));
    if (end < raw.size()) out += '\n';
    start = end + 1;
  }
  return out;
}

}  // namespace sc::report
