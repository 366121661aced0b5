// The key of one recorded verdict: per container, counts are kept per (arch, syscall, action,
// errno). Typed: state.json, metrics labels and reports turn it into text at their edge
// (common/arch.h arch_name, common/seccomp_ret.h action_text), and nothing compares its text.
#pragma once

#include <compare>
#include <cstdint>

#include "common/seccomp_ret.h"

namespace sc::audit {

struct VerdictKey {
  uint32_t arch = 0;            // common/arch.h: AUDIT_ARCH_* (kArchX32 for x32); any value kept
  int32_t nr = 0;               // syscall number in that arch's table
  common::Action action = common::Action::KillThread;
  int32_t error = -1;           // errno for Action::Errno when known, else -1
  auto operator<=>(const VerdictKey&) const = default;
};

}  // namespace sc::audit
