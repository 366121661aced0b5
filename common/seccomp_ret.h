// The kernel's seccomp actions (SECCOMP_RET_*, <linux/seccomp.h>) and the one name each has
// everywhere in the project: audit records, tracer counts, state.json, metrics labels,
// refinement. bpf/tracer_events.h mirrors the values for the BPF side (checked against these
// at compile time in bpf/tracer.cpp).
#pragma once

#include <cstdint>

namespace sc::common {

inline constexpr uint32_t kRetActionFull = 0xffff0000u;  // SECCOMP_RET_ACTION_FULL
inline constexpr uint32_t kRetData = 0x0000ffffu;        // SECCOMP_RET_DATA

// "kill_process", "kill_thread", "trap", "errno", "user_notif", "trace", "log", "allow" for
// the action bits of `ret` (its data bits are ignored); "unknown" for any other action.
const char* seccomp_ret_name(uint32_t ret);
// True when the action bits of `ret` are one of the actions above.
bool seccomp_ret_known(uint32_t ret);

}  // namespace sc::common
