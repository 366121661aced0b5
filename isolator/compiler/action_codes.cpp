#include "isolator/compiler/action_codes.h"

#include <linux/seccomp.h>

#include <cerrno>

namespace sc::compiler {

using profile::Action;
using profile::ActionKind;

uint32_t seccomp_ret(const Action& action) {
  const uint32_t data = action.data.value_or(EPERM) & SECCOMP_RET_DATA;
  switch (action.kind) {
    case ActionKind::Allow: return SECCOMP_RET_ALLOW;
    case ActionKind::Errno: return SECCOMP_RET_ERRNO | data;
    case ActionKind::Kill:
    case ActionKind::KillThread: return SECCOMP_RET_KILL_THREAD;
    case ActionKind::KillProcess: return SECCOMP_RET_KILL_PROCESS;
    case ActionKind::Trap: return SECCOMP_RET_TRAP;
    case ActionKind::Trace: return SECCOMP_RET_TRACE | data;
    case ActionKind::Log: return SECCOMP_RET_LOG;
    case ActionKind::Notify: return SECCOMP_RET_USER_NOTIF;
  }
  return SECCOMP_RET_KILL_PROCESS;
}

Action action_of_ret(uint32_t ret) {
  const uint32_t data = ret & SECCOMP_RET_DATA;
  switch (ret & SECCOMP_RET_ACTION_FULL) {
    case SECCOMP_RET_ALLOW: return {ActionKind::Allow, std::nullopt};
    case SECCOMP_RET_ERRNO: return {ActionKind::Errno, data};
    case SECCOMP_RET_KILL_THREAD: return {ActionKind::Kill, std::nullopt};
    case SECCOMP_RET_KILL_PROCESS: return {ActionKind::KillProcess, std::nullopt};
    case SECCOMP_RET_TRAP: return {ActionKind::Trap, std::nullopt};
    case SECCOMP_RET_TRACE: return {ActionKind::Trace, data};
    case SECCOMP_RET_LOG: return {ActionKind::Log, std::nullopt};
    case SECCOMP_RET_USER_NOTIF: return {ActionKind::Notify, std::nullopt};
    default: return {ActionKind::KillProcess, std::nullopt};
  }
}

std::string describe_ret(uint32_t ret) { return profile::describe(action_of_ret(ret)); }

int32_t ret_precedence(uint32_t ret) {
  return static_cast<int32_t>(ret & SECCOMP_RET_ACTION_FULL);
}

}  // namespace sc::compiler
