#include "audit/ownership/ownership.h"

#include <algorithm>

namespace sc::audit::ownership {

bool tracer_counts_action(const TracerHooks& hooks, common::Action action) {
  if (hooks.audit) return true;
  if (hooks.signal && (action == common::Action::KillProcess || action == common::Action::Trap)) return true;
  if (hooks.syscall && action == common::Action::Errno) return true;
  return false;
}

bool tracer_owns_record(const TracerHooks& hooks, const WatchedCgroupView* watch, common::Action action,
                        int64_t ts_ns) {
  if (!watch || ts_ns < watch->since_ns || (watch->until_ns != 0 && ts_ns > watch->until_ns)) return false;
  if (action == common::Action::Errno && !hooks.audit) return hooks.syscall && watch->exact && ts_ns >= hooks.syscall_since_ns;
  return tracer_counts_action(hooks, action);
}

uint64_t audit_record_count(const TracerHooks& hooks, const WatchedCgroupView* watch, common::Action action,
                            int64_t ts_ns) {
  return tracer_owns_record(hooks, watch, action, ts_ns) ? 0 : 1;
}

bool take_tracer_count(const TracerHooks& hooks, common::Action action) {
  bool errno_from_hooks = action == common::Action::Errno && hooks.syscall_since_ns != 0;
  return tracer_counts_action(hooks, action) || errno_from_hooks;
}

int64_t published_since_ns(const TracerHooks& hooks, const WatchedCgroupView& watch) {
  if (!hooks.present) return 0;
  return watch.exact && hooks.syscall ? std::max(watch.since_ns, hooks.syscall_since_ns) : watch.since_ns;
}

std::string tracer_counts_summary(const TracerHooks& hooks) {
  std::string owned = hooks.audit ? "all actions" : "";
  if (!hooks.audit) {
    if (hooks.signal) owned += "kill_process, trap";
    if (hooks.syscall) owned += std::string(owned.empty() ? "" : ", ") + "errno (cgroups with syscall hooks)";
  }
  return owned.empty() ? "nothing" : owned;
}

bool errno_denials_unseen(std::string_view seccomp_log, bool exited, const TracerHooks& hooks) {
  return seccomp_log == "off" && !exited && !hooks.syscall;
}

KillThreadRecord classify_kill_thread(bool tracer_owns_kills, bool process_dying) {
  if (!tracer_owns_kills) return KillThreadRecord::Count;
  return process_dying ? KillThreadRecord::Fold : KillThreadRecord::Hold;
}

}  // namespace sc::audit::ownership
