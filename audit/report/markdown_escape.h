// The one place recorded strings become Markdown. Markdown renderers pass raw HTML through,
// so `<` and `&` become entities; punctuation that Markdown gives meaning to is backslash
// escaped; newlines and `|` cannot break a table row.
#pragma once

#include <string>

namespace sc::report {

// For text in paragraphs and table cells.
std::string markdown_text(const std::string& raw);
// A fenced code block whose fence is longer than any backtick run in `body`, so the body
// cannot close it early. Non-printable bytes are shown as \xNN.
std::string markdown_code_block(const std::string& body, const std::string& language);

}  // namespace sc::report
