// One container's verdicts as the label sets the exporter emits: grouped by
// (syscall, action, arch, errno) and, past the per-container cap, folded into syscall="other".
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "state/aggregate.h"

namespace sc::metrics {

// The action label takes one of these values; anything else in the state becomes "unknown".
inline constexpr const char* kActions[] = {"errno", "kill_process", "kill_thread", "trap",
                                          "log",   "user_notif",   "trace",       "unknown"};
inline constexpr size_t kActionCount = sizeof(kActions) / sizeof(kActions[0]);

// The action label of `action`: its word when kActions has it, else "unknown".
std::string action_label(common::Action action);
// "EPERM" for 1; the number as text when the C library has no name; "" for -1 (unknown).
std::string errno_label(int32_t error);
// The name of the arch this build runs as ("x86_64", "aarch64", ...; common/arch.h): its series
// carry no arch label, and seccomp_build_info says which it is.
const std::string& native_arch();

struct VerdictSeries {
  std::string syscall;
  std::string action;
  std::string arch;    // "" when native: the label is left out
  std::string error;   // errno name for action errno when known, else ""
  uint64_t count = 0;
  int64_t first_seen_ns = 0;
  int64_t last_seen_ns = 0;
  // Audit mode: logged calls by the (denying) action the enforcing profile would have taken.
  std::map<std::string, uint64_t> would_be_denials;
};

struct ContainerSeries {
  std::vector<VerdictSeries> series;  // at most max(max_series, kActionCount)
  size_t folded = 0;                  // distinct label sets folded into syscall="other"
  int64_t last_would_be_denial_ns = 0;
};

ContainerSeries container_series(const audit::ContainerRecord& container, size_t max_series);

}  // namespace sc::metrics
