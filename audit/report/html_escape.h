// The one place recorded strings become HTML (and SVG) text. Process names, paths and
// profile contents are hostile input: every one goes through html_text() before it reaches
// a report, so `<img src=x onerror=...>` shows as text and nothing it contains runs.
#pragma once

#include <string>

namespace sc::report {

// Bytes -> printable text: invalid UTF-8 bytes and control characters become "\xNN"
// (bytes::display_text, the rule every renderer shares).
std::string printable(const std::string& raw);
// printable(), then & < > " ' as entities: safe in element content and quoted attributes.
std::string html_text(const std::string& raw);
// html_text() line by line, keeping the newlines (for <pre>).
std::string html_lines(const std::string& raw);

}  // namespace sc::report
