// The ownership rules (audit/ownership/ownership.h): which source counts which verdict, every
// rule and the edge cases docs/daemon.md ("Sources and which one counts what") describes. Pure
// values, no root, no BPF.
#include "audit/ownership/ownership.h"

#include <chrono>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace sc_ownership_test {

using sc::audit::ownership::audit_record_count;
using sc::audit::ownership::classify_kill_thread;
using sc::audit::ownership::errno_denials_unseen;
using sc::audit::ownership::KillThreadRecord;
using sc::audit::ownership::kKillHold;
using sc::audit::ownership::PendingKills;
using sc::audit::ownership::published_since_ns;
using sc::audit::ownership::take_tracer_count;
using sc::audit::ownership::tracer_counts_action;
using sc::audit::ownership::tracer_counts_summary;
using sc::audit::ownership::tracer_owns_record;
using sc::audit::ownership::TracerHooks;
using sc::audit::ownership::WatchedCgroupView;

using sc::common::Action;
const std::vector<Action> kActions = {Action::Errno, Action::KillProcess, Action::KillThread, Action::Trap,
                                      Action::Log,   Action::UserNotif,   Action::Trace};

TracerHooks none() { return TracerHooks{}; }
TracerHooks signal_only() {
  TracerHooks h;
  h.present = h.signal = true;
  return h;
}
TracerHooks syscall_since(int64_t since) {
  TracerHooks h;
  h.present = h.syscall = true;
  h.syscall_since_ns = since;
  return h;
}
TracerHooks audit_hook() {
  TracerHooks h;
  h.present = h.audit = true;
  return h;
}

TEST(Ownership, WithoutATracerTheAuditStreamCountsEverything) {
  WatchedCgroupView w{0, true};
  for (const auto& a : kActions) {
    EXPECT_FALSE(tracer_counts_action(none(), a)) << sc::common::action_text(a);
    EXPECT_FALSE(tracer_owns_record(none(), &w, a, 100)) << sc::common::action_text(a);
    EXPECT_EQ(audit_record_count(none(), &w, a, 100), 1u) << sc::common::action_text(a);
    EXPECT_FALSE(take_tracer_count(none(), a)) << sc::common::action_text(a);
  }
  EXPECT_EQ(tracer_counts_summary(none()), "nothing");
}

TEST(Ownership, TheAuditSeccompHookOwnsEveryActionOfWatchedCgroups) {
  WatchedCgroupView w{50, false};  // not exact: errno too, with the audit hook
  for (const auto& a : kActions) {
    EXPECT_TRUE(tracer_counts_action(audit_hook(), a)) << sc::common::action_text(a);
    EXPECT_TRUE(tracer_owns_record(audit_hook(), &w, a, 50)) << sc::common::action_text(a);
    EXPECT_EQ(audit_record_count(audit_hook(), &w, a, 60), 0u) << sc::common::action_text(a);
    EXPECT_TRUE(take_tracer_count(audit_hook(), a)) << sc::common::action_text(a);
  }
  EXPECT_EQ(tracer_counts_summary(audit_hook()), "all actions");
}

TEST(Ownership, TheSignalHookOwnsKillProcessAndTrapOnly) {
  WatchedCgroupView w{0, true};
  for (const auto& a : kActions) {
    bool owned = a == Action::KillProcess || a == Action::Trap;
    EXPECT_EQ(tracer_counts_action(signal_only(), a), owned) << sc::common::action_text(a);
    EXPECT_EQ(tracer_owns_record(signal_only(), &w, a, 1), owned) << sc::common::action_text(a);
    EXPECT_EQ(take_tracer_count(signal_only(), a), owned) << sc::common::action_text(a);  // the others' counts are ignored
  }
  EXPECT_EQ(tracer_counts_summary(signal_only()), "kill_process, trap");
}

TEST(Ownership, ARecordOfAnUnwatchedCgroupIsNeverTheTracers) {
  for (const auto& a : kActions) {
    EXPECT_FALSE(tracer_owns_record(audit_hook(), nullptr, a, 100)) << sc::common::action_text(a);
    EXPECT_EQ(audit_record_count(audit_hook(), nullptr, a, 100), 1u) << sc::common::action_text(a);
  }
}

// The churn case: a container's last records are read after its exit ended the watch. Those
// stamped while it lasted were the tracer's and stay so; one stamped after is the audit's.
TEST(Ownership, ARecordReadAfterTheWatchEndedIsTheTracersIfStampedWhileItLasted) {
  WatchedCgroupView ended{1000, true, 2000};
  EXPECT_TRUE(tracer_owns_record(signal_only(), &ended, Action::KillProcess, 1500));
  EXPECT_TRUE(tracer_owns_record(signal_only(), &ended, Action::KillProcess, 2000));  // at until_ns
  EXPECT_FALSE(tracer_owns_record(signal_only(), &ended, Action::KillProcess, 2001));
  EXPECT_EQ(audit_record_count(signal_only(), &ended, Action::KillProcess, 2001), 1u);
  EXPECT_FALSE(tracer_owns_record(signal_only(), &ended, Action::KillProcess, 999));
  // ERRNO of an exact cgroup under the syscall hooks: the same window.
  EXPECT_TRUE(tracer_owns_record(syscall_since(500), &ended, Action::Errno, 1500));
  EXPECT_FALSE(tracer_owns_record(syscall_since(500), &ended, Action::Errno, 2500));
}

TEST(Ownership, ARecordStampedBeforeTheWatchBeganIsTheAuditStreams) {
  WatchedCgroupView w{1000, true};
  EXPECT_FALSE(tracer_owns_record(signal_only(), &w, Action::KillProcess, 999));
  EXPECT_EQ(audit_record_count(signal_only(), &w, Action::KillProcess, 999), 1u);
  EXPECT_TRUE(tracer_owns_record(signal_only(), &w, Action::KillProcess, 1000));  // at since_ns: the tracer's
  EXPECT_EQ(audit_record_count(signal_only(), &w, Action::KillProcess, 1000), 0u);
}

TEST(Ownership, ErrnoOfAnExactCgroupIsTheTracersOnlyFromWhenTheSyscallHooksWereAttached) {
  TracerHooks h = syscall_since(2000);
  WatchedCgroupView exact{1000, true};
  EXPECT_FALSE(tracer_owns_record(h, &exact, Action::Errno, 1500));  // watched, hooks not yet attached
  EXPECT_TRUE(tracer_owns_record(h, &exact, Action::Errno, 2000));
  EXPECT_TRUE(tracer_owns_record(h, &exact, Action::Errno, 2500));
  // Only errno: the syscall hooks see no kills, traps or logs.
  for (const auto& a : kActions) {
    if (a != Action::Errno) {
      EXPECT_FALSE(tracer_owns_record(h, &exact, a, 2500)) << sc::common::action_text(a);
    }
  }
  EXPECT_EQ(tracer_counts_summary(h), "errno (cgroups with syscall hooks)");
}

TEST(Ownership, ErrnoOfACgroupWatchedWithoutTheSyscallHooksIsTheAuditStreams) {
  TracerHooks h = syscall_since(10);
  WatchedCgroupView not_exact{10, false};
  EXPECT_FALSE(tracer_owns_record(h, &not_exact, Action::Errno, 100));
  EXPECT_EQ(audit_record_count(h, &not_exact, Action::Errno, 100), 1u);
}

TEST(Ownership, ErrnoAfterTheSyscallHooksDetachedIsTheAuditStreamsButTheirCountsAreStillTaken) {
  TracerHooks h = syscall_since(10);
  h.syscall = false;  // detached since (Auto mode)
  WatchedCgroupView exact{0, true};
  EXPECT_FALSE(tracer_counts_action(h, Action::Errno));
  EXPECT_FALSE(tracer_owns_record(h, &exact, Action::Errno, 100));
  // What the maps counted while they were attached was deferred to by the audit stream then.
  EXPECT_TRUE(take_tracer_count(h, Action::Errno));
  EXPECT_FALSE(take_tracer_count(h, Action::Log));
  // Never attached: an errno count is not taken.
  EXPECT_FALSE(take_tracer_count(signal_only(), Action::Errno));
}

TEST(Ownership, SignalAndSyscallHooksTogether) {
  TracerHooks h = syscall_since(5);
  h.signal = true;
  EXPECT_EQ(tracer_counts_summary(h), "kill_process, trap, errno (cgroups with syscall hooks)");
  WatchedCgroupView exact{0, true};
  EXPECT_TRUE(tracer_owns_record(h, &exact, Action::KillProcess, 1));  // before the hooks: kills still
  EXPECT_FALSE(tracer_owns_record(h, &exact, Action::Errno, 1));
  EXPECT_TRUE(tracer_owns_record(h, &exact, Action::Errno, 5));
  EXPECT_FALSE(tracer_owns_record(h, &exact, Action::Log, 5));
}

TEST(Ownership, PublishedSinceIsZeroWithoutATracerAndTheHooksAttachTimeForExactCgroups) {
  EXPECT_EQ(published_since_ns(none(), {100, true}), 0);
  EXPECT_EQ(published_since_ns(signal_only(), {100, true}), 100);
  TracerHooks h = syscall_since(300);
  EXPECT_EQ(published_since_ns(h, {100, true}), 300);   // the later of watch and attach
  EXPECT_EQ(published_since_ns(h, {400, true}), 400);
  EXPECT_EQ(published_since_ns(h, {100, false}), 100);  // not exact: the watch alone
  h.syscall = false;
  EXPECT_EQ(published_since_ns(h, {100, true}), 100);   // detached: the watch alone
}

TEST(Ownership, ErrnoDenialsWithoutTheLogFlagAreUnseenUnlessTheSyscallHooksAreLive) {
  EXPECT_TRUE(errno_denials_unseen("off", false, none()));
  EXPECT_TRUE(errno_denials_unseen("off", false, signal_only()));
  EXPECT_FALSE(errno_denials_unseen("off", false, syscall_since(1)));
  EXPECT_FALSE(errno_denials_unseen("off", true, none()));  // exited: nothing to warn about
  EXPECT_FALSE(errno_denials_unseen("on", false, none()));  // the LOG flag: the audit stream sees them
  EXPECT_FALSE(errno_denials_unseen("", false, none()));    // unconfined or older entry ("on")
}

TEST(Ownership, AKillThreadIsFoldedIntoTheTracersKillProcessOnlyWhenItsProcessDiesOfSigsys) {
  EXPECT_EQ(classify_kill_thread(false, false), KillThreadRecord::Count);
  EXPECT_EQ(classify_kill_thread(false, true), KillThreadRecord::Count);  // the tracer does not own kills
  EXPECT_EQ(classify_kill_thread(true, true), KillThreadRecord::Fold);
  EXPECT_EQ(classify_kill_thread(true, false), KillThreadRecord::Hold);
}

TEST(PendingKills, EachHeldKillIsSettledExactlyOnce) {
  using Clock = std::chrono::steady_clock;
  PendingKills<std::string> pending;
  Clock::time_point t0{};
  pending.hold("dies-later", 10, t0);
  pending.hold("multi-threaded", 11, t0);
  pending.hold("dies-now", 12, t0);
  std::vector<std::pair<std::string, bool>> settled;
  auto record = [&](std::string p, bool folded) { settled.emplace_back(std::move(p), folded); };
  std::set<int32_t> dying{12};
  auto is_dying = [&](int32_t pid) { return dying.count(pid) > 0; };

  EXPECT_EQ(pending.settle(t0, false, is_dying, record), 1u);  // only the dying one, at once
  ASSERT_EQ(settled.size(), 1u);
  EXPECT_EQ(settled[0], std::make_pair(std::string("dies-now"), true));
  EXPECT_EQ(pending.size(), 2u);

  dying.insert(10);
  EXPECT_EQ(pending.settle(t0 + kKillHold / 2, false, is_dying, record), 1u);
  EXPECT_EQ(settled.back(), std::make_pair(std::string("dies-later"), true));

  EXPECT_EQ(pending.settle(t0 + kKillHold - std::chrono::milliseconds(1), false, is_dying, record), 0u);
  EXPECT_EQ(pending.settle(t0 + kKillHold, false, is_dying, record), 1u);  // alive at the deadline: counted
  EXPECT_EQ(settled.back(), std::make_pair(std::string("multi-threaded"), false));
  EXPECT_TRUE(pending.empty());
  // Nothing is settled twice.
  dying.insert(11);
  EXPECT_EQ(pending.settle(t0 + kKillHold * 10, true, is_dying, record), 0u);
  EXPECT_EQ(settled.size(), 3u);
}

TEST(PendingKills, TheFinalDrainSettlesEverythingAtOnce) {
  using Clock = std::chrono::steady_clock;
  PendingKills<int> pending;
  Clock::time_point t0{};
  pending.hold(1, 20, t0);
  pending.hold(2, 21, t0);
  int counted = 0, folded = 0;
  size_t n = pending.settle(t0, true, [](int32_t pid) { return pid == 21; },
                            [&](int, bool f) { (f ? folded : counted)++; });
  EXPECT_EQ(n, 2u);
  EXPECT_EQ(counted, 1);
  EXPECT_EQ(folded, 1);
  EXPECT_TRUE(pending.empty());
}

}  // namespace sc_ownership_test
