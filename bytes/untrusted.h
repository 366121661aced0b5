// Untrusted bytes: process names (prctl(PR_SET_NAME) takes any bytes), exe and cgroup paths,
// container ids, profile names and paths, registry and audit-record fields. They reach JSON
// files (state.json, the journal, `events --format=json`) and rendered text (metrics labels,
// Markdown, HTML). This is the one place that decides how:
//
//  * Stored (JSON): valid UTF-8 in the strict RFC 3629 sense -- exactly what nlohmann::json's
//    dump() accepts: no overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF,
//    no truncated sequences, no lone continuation bytes, no 0xC0/0xC1/0xF5..0xFF -- is stored
//    as is. Anything else, and anything that itself starts with "hex:", is stored as "hex:"
//    followed by the bytes in upper-case hex. decode_stored(encode_stored(x)) == x for every
//    byte string x (NUL included). The format is the one state.json has always used.
//  * Displayed: display_text() is valid UTF-8 without control characters; every byte that is
//    not part of a valid sequence, every C0 control (NUL, newline, ESC, ...), DEL and every
//    C1 control (U+0080..U+009F) becomes the four characters "\xNN" (upper-case hex).
//    Callers add their own escaping (HTML entities, Markdown punctuation) on top.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sc::bytes {

// Length (1-4) of the well-formed UTF-8 sequence starting at s[i] (RFC 3629, table 3-7 of
// Unicode), 0 when the bytes there do not start one. i must be < s.size().
size_t utf8_sequence_length(std::string_view s, size_t i);
// True when every byte of s belongs to a well-formed sequence (what nlohmann::json dumps).
bool valid_utf8(std::string_view s);

inline constexpr std::string_view kHexPrefix = "hex:";

// Bytes -> a string that is always valid UTF-8 (safe for nlohmann::json::dump()).
std::string encode_stored(std::string_view raw);
// The inverse. A "hex:" string whose rest is not an even number of hex digits was not written
// by encode_stored(): it is returned unchanged rather than guessed at.
std::string decode_stored(std::string_view stored);

// Hex digits (either case) -> the bytes they spell; nullopt for an odd count or a non-hex
// character. The audit stream's untrusted strings and "hex:" stored strings both use it.
std::optional<std::string> decode_hex(std::string_view hex);

// Bytes -> printable, valid UTF-8 text (see above).
std::string display_text(std::string_view raw);

}  // namespace sc::bytes
