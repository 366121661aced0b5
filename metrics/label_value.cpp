#include "metrics/label_value.h"

namespace sc::metrics {
namespace {

// Length of the well-formed UTF-8 sequence starting at s[i] (RFC 3629 table), 0 if none.
size_t sequence_length(const std::string& s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  auto in = [&](size_t k, unsigned lo, unsigned hi) { return k < s.size() && byte(k) >= lo && byte(k) <= hi; };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return in(i + 1, 0x80, 0xBF) ? 2 : 0;
  if (c == 0xE0) return in(i + 1, 0xA0, 0xBF) && in(i + 2, 0x80, 0xBF) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF)
    return in(i + 1, 0x80, 0xBF) && in(i + 2, 0x80, 0xBF) ? 3 : 0;
  if (c == 0xED) return in(i + 1, 0x80, 0x9F) && in(i + 2, 0x80, 0xBF) ? 3 : 0;  // no surrogates
  if (c == 0xF0) return in(i + 1, 0x90, 0xBF) && in(i + 2, 0x80, 0xBF) && in(i + 3, 0x80, 0xBF) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3)
    return in(i + 1, 0x80, 0xBF) && in(i + 2, 0x80, 0xBF) && in(i + 3, 0x80, 0xBF) ? 4 : 0;
  if (c == 0xF4) return in(i + 1, 0x80, 0x8F) && in(i + 2, 0x80, 0xBF) && in(i + 3, 0x80, 0xBF) ? 4 : 0;
  return 0;
}

}  // namespace

std::string utf8_label_value(const std::string& bytes) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size());
  size_t i = 0;
  while (i < bytes.size()) {
    size_t n = sequence_length(bytes, i);
    if (n == 0) {
      unsigned char c = static_cast<unsigned char>(bytes[i]);
      out += "\\x";
      out += digits[c >> 4];
      out += digits[c & 15];
      ++i;
    } else {
      out.append(bytes, i, n);
      i += n;
    }
  }
  return out;
}

}  // namespace sc::metrics
