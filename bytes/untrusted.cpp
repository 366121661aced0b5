#include "bytes/untrusted.h"

namespace sc::bytes {
namespace {

constexpr char kDigits[] = "0123456789ABCDEF";

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

void append_escaped(std::string& out, unsigned char c) {
  out += "\\x";
  out += kDigits[c >> 4];
  out += kDigits[c & 15];
}

}  // namespace

size_t utf8_sequence_length(std::string_view s, size_t i) {
  auto in = [&](size_t k, unsigned lo, unsigned hi) {
    if (k >= s.size()) return false;
    unsigned b = static_cast<unsigned char>(s[k]);
    return b >= lo && b <= hi;
  };
  unsigned c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return in(i + 1, 0x80, 0xBF) ? 2 : 0;  // C0, C1: overlong
  if (c == 0xE0) return in(i + 1, 0xA0, 0xBF) && in(i + 2, 0x80, 0xBF) ? 3 : 0;  // overlong below
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF)
    return in(i + 1, 0x80, 0xBF) && in(i + 2, 0x80, 0xBF) ? 3 : 0;
  if (c == 0xED) return in(i + 1, 0x80, 0x9F) && in(i + 2, 0x80, 0xBF) ? 3 : 0;  // no surrogates
  if (c == 0xF0)
    return in(i + 1, 0x90, 0xBF) && in(i + 2, 0x80, 0xBF) && in(i + 3, 0x80, 0xBF) ? 4 : 0;  // overlong below
  if (c >= 0xF1 && c <= 0xF3)
    return in(i + 1, 0x80, 0xBF) && in(i + 2, 0x80, 0xBF) && in(i + 3, 0x80, 0xBF) ? 4 : 0;
  if (c == 0xF4)
    return in(i + 1, 0x80, 0x8F) && in(i + 2, 0x80, 0xBF) && in(i + 3, 0x80, 0xBF) ? 4 : 0;  // <= U+10FFFF
  return 0;  // continuation byte, F5..FF
}

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8_sequence_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string encode_stored(std::string_view raw) {
  if (valid_utf8(raw) && raw.substr(0, kHexPrefix.size()) != kHexPrefix) return std::string(raw);
  std::string out(kHexPrefix);
  out.reserve(kHexPrefix.size() + 2 * raw.size());
  for (unsigned char c : raw) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string decode_stored(std::string_view stored) {
  if (stored.substr(0, kHexPrefix.size()) != kHexPrefix) return std::string(stored);
  auto bytes = decode_hex(stored.substr(kHexPrefix.size()));
  return bytes ? std::move(*bytes) : std::string(stored);
}

std::optional<std::string> decode_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

std::string display_text(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size();) {
    unsigned char c = static_cast<unsigned char>(raw[i]);
    size_t n = utf8_sequence_length(raw, i);
    bool c1_control = n == 2 && c == 0xC2 && static_cast<unsigned char>(raw[i + 1]) < 0xA0;
    if (n == 0 || c < 0x20 || c == 0x7F || c1_control) {
      // A C1 control shows as its two bytes; anything else invalid or control byte by byte.
      size_t bad = c1_control ? 2 : 1;
      for (size_t k = 0; k < bad; ++k) append_escaped(out, static_cast<unsigned char>(raw[i + k]));
      i += bad;
      continue;
    }
    out.append(raw, i, n);
    i += n;
  }
  return out;
}

}  // namespace sc::bytes
