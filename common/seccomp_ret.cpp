#include "common/seccomp_ret.h"

#include <linux/seccomp.h>

namespace sc::common {
namespace {

static_assert(kRetActionFull == SECCOMP_RET_ACTION_FULL && kRetData == SECCOMP_RET_DATA);

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

}  // namespace sc::common
