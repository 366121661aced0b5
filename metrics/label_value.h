// Label values come from the kernel and from operators (process names, container ids, profile
// names): any bytes. The exposition format needs UTF-8; prometheus-cpp escapes quotes,
// backslashes and newlines but passes invalid UTF-8 through, which Prometheus rejects.
#pragma once

#include <string>

namespace sc::metrics {

// bytes::display_text(): valid UTF-8 is returned unchanged except control characters; every
// byte that is not part of a well-formed UTF-8 sequence (including overlongs, surrogates and
// code points above U+10FFFF) and every control character (newline, NUL, ESC, ...) becomes the
// four characters "\xNN", so nothing is silently dropped and no label spans lines.
std::string utf8_label_value(const std::string& bytes);

}  // namespace sc::metrics
