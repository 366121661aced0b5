// Label values come from the kernel and from operators (process names, container ids, profile
// names): any bytes. The exposition format needs UTF-8; prometheus-cpp escapes quotes,
// backslashes and newlines but passes invalid UTF-8 through, which Prometheus rejects.
#pragma once

#include <string>

namespace sc::metrics {

// Valid UTF-8 is returned unchanged. Every byte that is not part of a well-formed UTF-8
// sequence (including overlongs, surrogates and code points above U+10FFFF) becomes the four
// characters "\xNN", so distinct inputs stay distinct and nothing is silently dropped.
std::string utf8_label_value(const std::string& bytes);

}  // namespace sc::metrics
