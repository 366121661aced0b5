// The kernel's encoding of actions (SECCOMP_RET_*) and the way back, with the kernel's
// precedence between them.
#pragma once

#include <cstdint>
#include <string>

#include "isolator/profile/profile.h"

namespace sc::compiler {

// Action -> SECCOMP_RET_* value with data (ERRNO/TRACE data default EPERM, as libseccomp's
// SCMP_ACT_ERRNO(x) would encode it).
uint32_t seccomp_ret(const profile::Action& action);
// SECCOMP_RET_* value -> Action (Kill for KILL_THREAD; unknown actions decode as
// KillProcess, which is what the kernel does with them).
profile::Action action_of_ret(uint32_t ret);
// "ERRNO(1)", "ALLOW", "KILL_PROCESS", ... for a raw return value.
std::string describe_ret(uint32_t ret);
// The kernel's precedence: lower is more restrictive (ACTION_ONLY as a signed 32-bit value).
int32_t ret_precedence(uint32_t ret);

}  // namespace sc::compiler
