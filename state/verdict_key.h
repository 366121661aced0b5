// The key of one recorded verdict: per container, counts are kept per (arch, syscall, action,
// errno).
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace sc::audit {

struct VerdictKey {
  std::string arch;            // libseccomp arch name: "x86_64", "x86", "x32", "aarch64", ...
  int32_t nr = 0;              // syscall number in that arch's table
  std::string action;          // "errno" "kill_process" "kill_thread" "trap" "log" "user_notif" "trace"
  int32_t error = -1;          // errno for action "errno" when known, else -1
  auto operator<=>(const VerdictKey&) const = default;
};

}  // namespace sc::audit
