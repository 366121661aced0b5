#include "audit/refine/html_escape.h"

#include <cstdio>

namespace sc::refine {
namespace {

// Length of a valid UTF-8 sequence at s[i] (1-4), 0 when invalid.
size_t utf8_length(const std::string& s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n;
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) n = 2;
  else if (c >= 0xe0 && c <= 0xef) n = 3;
  else if (c >= 0xf0 && c <= 0xf4) n = 4;
  else return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 0;
  unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
  if (c == 0xe0 && c1 < 0xa0) return 0;        // overlong
  if (c == 0xed && c1 > 0x9f) return 0;        // surrogates
  if (c == 0xf0 && c1 < 0x90) return 0;        // overlong
  if (c == 0xf4 && c1 > 0x8f) return 0;        // > U+10FFFF
  return n;
}

}  // namespace

std::string printable(const std::string& raw) {
  std::string out;
  for (size_t i = 0; i < raw.size();) {
    unsigned char c = static_cast<unsigned char>(raw[i]);
    size_t n = utf8_length(raw, i);
    if (n == 0 || c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
      ++i;
      continue;
    }
    out.append(raw, i, n);
    i += n;
  }
  return out;
}

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

}  // namespace sc::refine
