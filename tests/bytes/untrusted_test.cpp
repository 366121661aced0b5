// bytes/untrusted.h: the strict UTF-8 check agrees with nlohmann::json's dump(), the stored
// form round-trips every byte string, the display form is printable UTF-8.
#include "bytes/untrusted.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace sc::bytes;

namespace {

bool nlohmann_accepts(const std::string& s) {
  try {
    (void)nlohmann::json(s).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

struct Case {
  const char* what;
  std::string bytes;
};

// One of every class of invalid UTF-8.
const std::vector<Case>& invalid_cases() {
  static const std::vector<Case> cases = {
      {"overlong 2-byte '/'", "\xC0\xAF"},
      {"overlong 2-byte NUL", "\xC0\x80"},
      {"overlong 2-byte, C1 lead", "\xC1\xBF"},
      {"overlong 3-byte '/'", "\xE0\x80\xAF"},
      {"overlong 3-byte U+07FF", "\xE0\x9F\xBF"},
      {"overlong 4-byte '/'", "\xF0\x80\x80\xAF"},
      {"overlong 4-byte U+FFFF", "\xF0\x8F\xBF\xBF"},
      {"surrogate U+D800", "\xED\xA0\x80"},
      {"surrogate U+DFFF", "\xED\xBF\xBF"},
      {"surrogate pair (CESU-8)", "\xED\xA0\xBD\xED\xB8\x80"},
      {"above U+10FFFF (F4 90)", "\xF4\x90\x80\x80"},
      {"above U+10FFFF (F5 lead)", "\xF5\x80\x80\x80"},
      {"above U+10FFFF (F7 lead)", "\xF7\xBF\xBF\xBF"},
      {"truncated 2-byte", "\xC3"},
      {"truncated 3-byte", "\xE2\x82"},
      {"truncated 4-byte", "\xF0\x9F\x90"},
      {"truncated then ASCII", "\xE2\x82" "a"},
      {"lone continuation", "\x80"},
      {"lone continuation after ASCII", "ab\xBF"},
      {"two continuations", "\x80\x80"},
      {"0xFE", "\xFE"},
      {"0xFF", "\xFF"},
      {"5-byte form", "\xF8\x88\x80\x80\x80"},
      {"6-byte form", "\xFC\x84\x80\x80\x80\x80"},
  };
  return cases;
}

}  // namespace

TEST(Utf8, EveryInvalidClassIsRejectedLikeNlohmannDoes) {
  for (const auto& c : invalid_cases()) {
    EXPECT_FALSE(valid_utf8(c.bytes)) << c.what;
    EXPECT_FALSE(nlohmann_accepts(c.bytes)) << c.what << " (the test case itself)";
    std::string embedded = "ok " + c.bytes + " ok";
    EXPECT_FALSE(valid_utf8(embedded)) << c.what;
  }
}

TEST(Utf8, ValidTextIsAcceptedIncludingNulAndBoundaries) {
  for (const std::string& s : {std::string(), std::string("plain"), std::string("a\0b", 3),
                               std::string("\x7F"), std::string("\xC2\x80"), std::string("\xDF\xBF"),
                               std::string("\xE0\xA0\x80"), std::string("\xED\x9F\xBF"),
                               std::string("\xEE\x80\x80"), std::string("\xEF\xBF\xBF"),
                               std::string("\xF0\x90\x80\x80"), std::string("\xF4\x8F\xBF\xBF"),
                               std::string("caf\xC3\xA9 \xF0\x9F\x90\xB3")}) {
    EXPECT_TRUE(valid_utf8(s)) << s;
    EXPECT_TRUE(nlohmann_accepts(s)) << s;
  }
}

// The property the daemon depends on: what valid_utf8 accepts, dump() accepts, and the other
// way round. Every 1- and 2-byte string, and a fixed pseudo-random sample of longer ones
// biased towards lead and continuation bytes.
TEST(Utf8, AgreesWithNlohmannOnEveryShortString) {
  for (int a = 0; a < 256; ++a) {
    std::string one(1, static_cast<char>(a));
    ASSERT_EQ(valid_utf8(one), nlohmann_accepts(one)) << a;
    for (int b = 0; b < 256; ++b) {
      std::string two = one + static_cast<char>(b);
      ASSERT_EQ(valid_utf8(two), nlohmann_accepts(two)) << a << " " << b;
    }
  }
  std::mt19937 rng(18);
  const unsigned char interesting[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2,
                                       0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5,
                                       0xFE, 0xFF};
  for (int i = 0; i < 200000; ++i) {
    std::string s;
    size_t n = 3 + rng() % 6;
    for (size_t k = 0; k < n; ++k)
      s += static_cast<char>(rng() % 2 ? interesting[rng() % sizeof interesting] : rng() % 256);
    ASSERT_EQ(valid_utf8(s), nlohmann_accepts(s)) << ::testing::PrintToString(s);
  }
}

TEST(Stored, ValidUtf8IsKeptAndEverythingElseIsHexWithThePrefix) {
  EXPECT_EQ(encode_stored("nginx"), "nginx");
  EXPECT_EQ(encode_stored("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(encode_stored(std::string("a\0b", 3)), std::string("a\0b", 3));  // NUL is valid UTF-8: JSON escapes it
  EXPECT_EQ(encode_stored("\xC0\xAF"), "hex:C0AF");
  EXPECT_EQ(encode_stored("<b>&\"\xED\xA0\x80"), "hex:3C623E2622EDA080");
  EXPECT_EQ(encode_stored("hex:41"), "hex:6865783A3431") << "a value that looks encoded is encoded";
  EXPECT_EQ(decode_stored("hex:C0AF"), "\xC0\xAF");
  EXPECT_EQ(decode_stored("hex:c0af"), "\xC0\xAF") << "old files may hold lower case";
  EXPECT_EQ(decode_stored("hex:"), "");
  EXPECT_EQ(decode_stored("hex:ABC"), "hex:ABC") << "odd length: not ours, kept";
  EXPECT_EQ(decode_stored("hex:XY"), "hex:XY") << "not hex: kept";
}

TEST(Stored, EveryClassAndEveryByteRoundTripsThroughJson) {
  std::vector<std::string> inputs;
  for (const auto& c : invalid_cases()) inputs.push_back(c.bytes);
  std::string all;
  for (int b = 0; b < 256; ++b) {
    inputs.emplace_back(1, static_cast<char>(b));
    all += static_cast<char>(b);
  }
  inputs.push_back(all);
  inputs.push_back(std::string(1 << 16, '\xFF') + "<&\"'");
  inputs.push_back("hex:");
  inputs.push_back("hex:hex:00");
  inputs.push_back(std::string("\0\0", 2));
  for (const auto& raw : inputs) {
    std::string stored = encode_stored(raw);
    ASSERT_TRUE(valid_utf8(stored));
    std::string text = nlohmann::json(stored).dump();  // must not throw
    EXPECT_EQ(decode_stored(nlohmann::json::parse(text).get<std::string>()), raw)
        << ::testing::PrintToString(raw.substr(0, 40));
  }
}

TEST(Display, InvalidBytesAndControlsAreEscapedAndTheResultIsPrintableUtf8) {
  EXPECT_EQ(display_text("plain <b>&\"'"), "plain <b>&\"'") << "markup is the caller's business";
  EXPECT_EQ(display_text("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(display_text("\xC0\xAF"), "\\xC0\\xAF");
  EXPECT_EQ(display_text("\xED\xA0\x80"), "\\xED\\xA0\\x80");
  EXPECT_EQ(display_text("\xF4\x90\x80\x80"), "\\xF4\\x90\\x80\\x80");
  EXPECT_EQ(display_text("\xE2\x82" "a"), "\\xE2\\x82a") << "a truncated sequence does not eat the next byte";
  EXPECT_EQ(display_text(std::string("a\0b\n\x1B[31m\x7F", 10)), "a\\x00b\\x0A\\x1B[31m\\x7F");
  EXPECT_EQ(display_text("\xC2\x9B" "1m"), "\\xC2\\x9B1m") << "C1 control (CSI)";
  EXPECT_EQ(display_text("\xC2\xA0"), "\xC2\xA0") << "U+00A0 is printable";
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  for (const auto& c : invalid_cases()) all += c.bytes;
  std::string shown = display_text(all);
  EXPECT_TRUE(valid_utf8(shown));
  for (unsigned char c : shown) EXPECT_FALSE(c < 0x20 || c == 0x7F) << int(c);
}

// decode_hex: the one hex reader behind decode_stored() and the audit stream's untrusted
// strings (audit/sources/seccomp_record.cpp) and the journal's format-1 fields.
TEST(DecodeHex, EveryByteValueInEitherCase) {
  std::string all, upper, lower;
  const char* up = "0123456789ABCDEF";
  const char* low = "0123456789abcdef";
  for (int b = 0; b < 256; ++b) {
    all += static_cast<char>(b);
    upper += up[b >> 4];
    upper += up[b & 15];
    lower += low[b >> 4];
    lower += low[b & 15];
  }
  EXPECT_EQ(decode_hex(upper), all);
  EXPECT_EQ(decode_hex(lower), all);
  EXPECT_EQ(decode_hex(""), std::string());
  EXPECT_EQ(decode_hex("00"), std::string(1, '\0'));
}

TEST(DecodeHex, OddLengthsAndNonHexCharactersAreNotHex) {
  for (const char* bad : {"4", "414", "4G", "G4", "0x41", " 41", "41 ", "4-", "\xC3\xA9"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(decode_hex(bad).has_value());
  }
  EXPECT_EQ(decode_stored("hex:4G"), "hex:4G") << "not encoder output: kept verbatim";
}
