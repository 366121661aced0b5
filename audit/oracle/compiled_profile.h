// The one would-be evaluator: a container filter or candidate profile resolved by the project's
// engine for one context (arch, capabilities, audit mode) and compiled to the same BPF program
// the isolator loads, so a verdict computed here is the kernel's verdict. The daemon (would-be
// action, shadow candidates, argument recorder) and refine's ProfileOracle judge calls with it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <linux/filter.h>

#include "common/seccomp_ret.h"
#include "isolator/profile/resolver.h"

namespace sc::audit {

struct CompiledProfile {
  profile::ResolvedProfile resolved;
  std::vector<sock_filter> bpf;
};

std::shared_ptr<const CompiledProfile> compile_profile(const profile::Profile& parsed, const profile::ResolveContext& ctx);

// The SECCOMP_RET_* value the filter returns for syscall `nr` (x32: with the x32 bit) on
// `audit_arch` (AUDIT_ARCH_*) with `args`.
uint32_t verdict_ret(const CompiledProfile& p, uint32_t audit_arch, int32_t nr, const uint64_t args[6]);
// Whether that verdict depends on the arguments (a rule with conditions names the call).
bool depends_on_args(const CompiledProfile& p, uint32_t audit_arch, int32_t nr);
// What the kernel does with a SECCOMP_RET_* value: its action (one the kernel does not know
// kills the process) and the errno (-1 unless Errno).
struct Verdict {
  common::Action action = common::Action::KillProcess;
  int32_t error = -1;
  bool operator==(const Verdict&) const = default;
};
Verdict verdict_of(uint32_t ret);

}  // namespace sc::audit
