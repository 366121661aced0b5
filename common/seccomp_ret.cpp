#include "common/seccomp_ret.h"

#include <linux/seccomp.h>

#include <charconv>
#include <cstdio>

namespace sc::common {
namespace {

static_assert(kRetActionFull == SECCOMP_RET_ACTION_FULL && kRetData == SECCOMP_RET_DATA);
static_assert(static_cast<uint32_t>(Action::KillProcess) == SECCOMP_RET_KILL_PROCESS &&
              static_cast<uint32_t>(Action::KillThread) == SECCOMP_RET_KILL_THREAD &&
              static_cast<uint32_t>(Action::Trap) == SECCOMP_RET_TRAP &&
              static_cast<uint32_t>(Action::Errno) == SECCOMP_RET_ERRNO &&
              static_cast<uint32_t>(Action::UserNotif) == SECCOMP_RET_USER_NOTIF &&
              static_cast<uint32_t>(Action::Trace) == SECCOMP_RET_TRACE &&
              static_cast<uint32_t>(Action::Log) == SECCOMP_RET_LOG &&
              static_cast<uint32_t>(Action::Allow) == SECCOMP_RET_ALLOW);

struct RetName {
  uint32_t action;
  const char* name;
};

constexpr RetName kRetNames[] = {
    {SECCOMP_RET_KILL_PROCESS, "kill_process"}, {SECCOMP_RET_KILL_THREAD, "kill_thread"},
    {SECCOMP_RET_TRAP, "trap"},                 {SECCOMP_RET_ERRNO, "errno"},
    {SECCOMP_RET_USER_NOTIF, "user_notif"},     {SECCOMP_RET_TRACE, "trace"},
    {SECCOMP_RET_LOG, "log"},                   {SECCOMP_RET_ALLOW, "allow"},
};

const RetName* find(uint32_t ret) {
  for (const auto& r : kRetNames)
    if (r.action == (ret & kRetActionFull)) return &r;
  return nullptr;
}

}  // namespace

const char* seccomp_ret_name(uint32_t ret) {
  const RetName* r = find(ret);
  return r ? r->name : "unknown";
}

bool seccomp_ret_known(uint32_t ret) { return find(ret) != nullptr; }

std::string action_text(Action action) {
  uint32_t value = static_cast<uint32_t>(action);
  if (action == Action::Unknown) return "unknown";
  if (const RetName* r = find(value)) return r->name;
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "0x%08x", value);
  return buffer;
}

std::optional<Action> action_from_text(std::string_view text) {
  for (const auto& r : kRetNames)
    if (text == r.name) return static_cast<Action>(r.action);
  if (text == "unknown") return Action::Unknown;
  if (text.size() != 10 || text.substr(0, 2) != "0x") return std::nullopt;
  uint32_t value = 0;
  auto [end, ec] = std::from_chars(text.data() + 2, text.data() + text.size(), value, 16);
  if (ec != std::errc() || end != text.data() + text.size() || (value & kRetData)) return std::nullopt;
  return static_cast<Action>(value);
}

}  // namespace sc::common
