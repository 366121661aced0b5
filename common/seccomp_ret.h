// The kernel's seccomp actions (SECCOMP_RET_*, <linux/seccomp.h>) and the one name each has
// everywhere in the project: audit records, tracer counts, state.json, metrics labels,
// refinement. bpf/tracer_events.h mirrors the values for the BPF side (checked against these
// at compile time in bpf/tracer.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sc::common {

inline constexpr uint32_t kRetActionFull = 0xffff0000u;  // SECCOMP_RET_ACTION_FULL
inline constexpr uint32_t kRetData = 0x0000ffffu;        // SECCOMP_RET_DATA

// "kill_process", "kill_thread", "trap", "errno", "user_notif", "trace", "log", "allow" for
// the action bits of `ret` (its data bits are ignored); "unknown" for any other action.
const char* seccomp_ret_name(uint32_t ret);
// True when the action bits of `ret` are one of the actions above.
bool seccomp_ret_known(uint32_t ret);

// One seccomp action: the action bits of a SECCOMP_RET_* value (data bits cleared). The
// enumerators are the kernel's actions; any other value is kept as it came (an action a
// later kernel adds), never folded into one of these.
enum class Action : uint32_t {
  KillProcess = 0x80000000u,  // SECCOMP_RET_KILL_PROCESS
  KillThread = 0x00000000u,   // SECCOMP_RET_KILL_THREAD
  Trap = 0x00030000u,         // SECCOMP_RET_TRAP
  Errno = 0x00050000u,        // SECCOMP_RET_ERRNO
  UserNotif = 0x7fc00000u,    // SECCOMP_RET_USER_NOTIF
  Trace = 0x7ff00000u,        // SECCOMP_RET_TRACE
  Log = 0x7ffc0000u,          // SECCOMP_RET_LOG
  Allow = 0x7fff0000u,        // SECCOMP_RET_ALLOW
  // Not the kernel's: the action of a count whose action is not known (fleet's row of calls
  // no container was found for). Its text is "unknown"; no kernel defines this value.
  Unknown = 0x00010000u,
};

// The action of a SECCOMP_RET_* value.
inline Action action_of(uint32_t ret) { return static_cast<Action>(ret & kRetActionFull); }
// The action's word ("errno", "log", ...; seccomp_ret_name; "unknown" for Action::Unknown),
// or "0x<8 hex digits>" for an action no enumerator names, so that the text always reads back as the same action.
std::string action_text(Action action);
// The inverse of action_text; nullopt for anything else.
std::optional<Action> action_from_text(std::string_view text);
// True for the actions that stop the call: all but allow and log.
inline bool is_denial(Action action) { return action != Action::Allow && action != Action::Log; }

}  // namespace sc::common
