#include "audit/refine/time_text.h"

#include <time.h>

#include <cstdio>
#include <ctime>

namespace sc::refine {

std::string utc_time(int64_t ns) {
  if (ns <= 0) return "-";
  time_t seconds = static_cast<time_t>(ns / 1000000000);
  struct tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string duration_text(int64_t ns) {
  char buf[32];
  double s = static_cast<double>(ns) / 1e9;
  if (s < 0) s = 0;
  if (s < 120) std::snprintf(buf, sizeof buf, "%.0f s", s);
  else if (s < 7200) std::snprintf(buf, sizeof buf, "%.0f min", s / 60);
  else std::snprintf(buf, sizeof buf, "%.1f h", s / 3600);
  return buf;
}

int64_t now_ns() {
  struct timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

}  // namespace sc::refine
