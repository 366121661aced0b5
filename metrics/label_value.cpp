#include "metrics/label_value.h"

#include "bytes/untrusted.h"

namespace sc::metrics {

std::string utf8_label_value(const std::string& raw) { return bytes::display_text(raw); }

}  // namespace sc::metrics
