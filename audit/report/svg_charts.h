// Inline SVG charts for the HTML report: no script, no external resource, every label
// escaped with html_text().
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sc::report {

struct TimelineRow {
  std::string label;       // syscall name
  int64_t first_seen_ns = 0;
  int64_t last_seen_ns = 0;
  std::string kind;        // colour class: "errno", "kill_process", "log", ...
  uint64_t count = 0;
};
// One row per syscall: a dot at its first sighting and a line to its last. The state keeps
// only first and last sighting per key, so this is all that is honestly known about time.
std::string timeline_svg(const std::vector<TimelineRow>& rows);

struct BarRow {
  std::string label;
  uint64_t value = 0;
  std::string kind;
};
// Horizontal bars, longest first, with the value written at the end of each bar.
std::string bars_svg(const std::vector<BarRow>& rows);

// The colour of a verdict kind (shared by the charts and the legend).
const char* kind_colour(const std::string& kind);

}  // namespace sc::report
