// Times and durations as reports print them (UTC, ISO 8601).
#pragma once

#include <cstdint>
#include <string>

namespace sc::refine {

// CLOCK_REALTIME ns -> "2026-11-28T05:35:14Z"; "-" for 0.
std::string utc_time(int64_t ns);
// ns -> "26.0 h", "12 min", "40 s".
std::string duration_text(int64_t ns);
int64_t now_ns();

}  // namespace sc::refine
