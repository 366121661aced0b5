// Which source counts which verdict (docs/daemon.md, "Sources and which one counts what"):
// the audit stream and the BPF tracer both see verdicts, and each verdict must be counted
// exactly once. These are the rules, as pure functions of plain values (no sockets, no BPF):
// the daemon fills the inputs from its live tracer and watched set, and unit tests
// (tests/audit/ownership_test.cpp) fill them by hand.
//
// Inside the tracer, two kernel hooks that see the same verdict of one thread agree through
// per-thread marks (bpf/tracer.bpf.c, sc_marks): that is the kernel's side and not repeated
// here. What is here is the hand-over between the tracer's maps and the audit records.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/seccomp_ret.h"

namespace sc::audit::ownership {

// What the tracer sees right now. All false (and no tracer) when it is not running.
struct TracerHooks {
  bool present = false;          // a tracer is running at all
  bool audit = false;            // fentry/kprobe on audit_seccomp: every verdict
  bool signal = false;           // tp_btf/signal_generate: the SIGSYS of kill_process and trap
  bool syscall = false;          // sys_enter/sys_exit attached right now: ERRNO of exact cgroups
  int64_t syscall_since_ns = 0;  // CLOCK_REALTIME when they were (last) attached; 0: never
};

// One watched cgroup as the tracer counts it.
struct WatchedCgroupView {
  int64_t since_ns = 0;  // CLOCK_REALTIME from which the tracer counts its verdicts
  bool exact = false;    // watched with the syscall hooks (ERRNO counted exactly)
  // When the watch ended (its container went), 0 while it lasts. The daemon reads a record
  // later than the kernel made it, and a container's last records are often read after its
  // exit ended the watch: one stamped while the watch lasted is still the tracer's.
  int64_t until_ns = 0;
};

// Whether the tracer counts `action` for watched cgroups:
// everything with the audit_seccomp hook; kill_process and trap with the signal hook; errno
// while the syscall hooks are attached. log, kill_thread, user_notif and trace only with the
// audit_seccomp hook.
bool tracer_counts_action(const TracerHooks& hooks, common::Action action);

// Whether an audit record of `action` stamped `ts_ns` (CLOCK_REALTIME) for a cgroup is the
// tracer's to count; the record then only contributes its sample. `watch` is null when the
// cgroup is not watched (then never the tracer's). A record stamped before the tracer started
// watching the cgroup, or after the watch ended, is the audit stream's, and the ERRNO of a cgroup is the tracer's only
// when the cgroup is exact and from when the syscall hooks were attached.
bool tracer_owns_record(const TracerHooks& hooks, const WatchedCgroupView* watch, common::Action action,
                        int64_t ts_ns);

// What an audit record adds to its verdict's count: 0 when the tracer owns it, else 1.
uint64_t audit_record_count(const TracerHooks& hooks, const WatchedCgroupView* watch, common::Action action,
                            int64_t ts_ns);

// Whether a count read from the tracer's maps is applied (otherwise the audit stream owns that
// action and the tracer's count is ignored). ERRNO counts exist only while the syscall hooks
// were attached (the audit stream deferred to the tracer then), so they are taken also after
// the hooks have been detached since.
bool take_tracer_count(const TracerHooks& hooks, common::Action action);

// since_ns as state.json's daemon.watched publishes it: 0 without a tracer; for an exact
// cgroup while the syscall hooks are attached, the later of the watch and the attach (the
// tracer's ERRNO starts there).
int64_t published_since_ns(const TracerHooks& hooks, const WatchedCgroupView& watch);

// The start-up line's "tracer counts ..." words: "all actions", "kill_process, trap",
// "errno (cgroups with syscall hooks)", both, or "nothing".
std::string tracer_counts_summary(const TracerHooks& hooks);

// A container launched without the LOG flag (registry seccomp_log "off") whose ERRNO denials
// no source sees: the audit stream gets no record of them and the syscall hooks are not live.
bool errno_denials_unseen(std::string_view seccomp_log, bool exited, const TracerHooks& hooks);

// ---- one kill seen twice ------------------------------------------------------------------
// A SECCOMP_RET_KILL_THREAD that kills a single-threaded process is one kill: the audit stream
// reports kill_thread, the tracer sees the process die of SIGSYS and counts kill_process.

enum class KillThreadRecord {
  Count,  // the audit stream's: counted from the record
  Fold,   // the tracer's kill_process: the record only adds its sample
  Hold,   // the tracer's if the process turns out to die of SIGSYS: look again shortly
};

// What to do with a counted kill_thread record whose cgroup's kill_process the tracer owns
// (`tracer_owns_kills`), given whether its process is dying of SIGSYS (or gone) now.
KillThreadRecord classify_kill_thread(bool tracer_owns_kills, bool process_dying);

// How long a held kill_thread record waits for its process to die of SIGSYS.
inline constexpr std::chrono::milliseconds kKillHold{300};

// kill_thread records held until their process is seen dying (folded: the tracer's) or the
// hold runs out with the process alive (a multi-threaded process: counted as kill_thread).
// Each held record is settled exactly once. Payload is the daemon's observation (tests: any
// value type).
template <class Payload>
class PendingKills {
 public:
  using Clock = std::chrono::steady_clock;

  void hold(Payload payload, int32_t pid, Clock::time_point now) {
    pending_.push_back({std::move(payload), pid, now + kKillHold});
  }
  bool empty() const { return pending_.empty(); }
  size_t size() const { return pending_.size(); }

  // Settles what is due: a record whose process is dying (dying(pid) true) is folded; one
  // past its deadline (or every one, when `all`: the daemon stops) is counted when its process
  // still runs. Calls settled(payload, folded) once per settled record, in hold order, and
  // forgets it; returns how many were settled.
  template <class Dying, class Settled>
  size_t settle(Clock::time_point now, bool all, Dying&& dying, Settled&& settled) {
    size_t n = 0;
    for (auto it = pending_.begin(); it != pending_.end();) {
      bool is_dying = dying(it->pid);
      if (!is_dying && !all && now < it->deadline) {
        ++it;
        continue;
      }
      Payload payload = std::move(it->payload);
      it = pending_.erase(it);
      settled(std::move(payload), is_dying);
      ++n;
    }
    return n;
  }

 private:
  struct Held {
    Payload payload;
    int32_t pid = 0;
    Clock::time_point deadline;
  };
  std::vector<Held> pending_;
};

}  // namespace sc::audit::ownership
