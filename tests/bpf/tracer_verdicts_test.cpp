// Real libseccomp filters in real processes in the test's own cgroup, real BPF on the real
// kernel: each verdict is counted exactly for (cgroup, syscall, action), and nothing for a
// cgroup that is not watched.
#include <sys/syscall.h>

#include "tests/bpf/tracer_test_support.h"

namespace sc::tracer_test {
namespace {

using sc::bpf::SyscallHooks;

TEST_F(TracerTest, TrapIsCountedExactlyAndUnwatchedCgroupIsNot) {
  SC_REQUIRE_ROOT();
  auto& tracer = start(SyscallHooks::Off);
  TestCgroup watched("trap"), unwatched("trap-unwatched");
  tracer.watch(watched.id(), false);
  const int n = 7;
  int status = run_workload({"--cgroup=" + watched.path(), "--action=trap", kDeniedArg, "--count=" + std::to_string(n)});
  ASSERT_TRUE(exited_ok(status)) << "workload status " << status << " (it checks it got " << n << " SIGSYS)";
  status = run_workload({"--cgroup=" + unwatched.path(), "--action=trap", kDeniedArg, "--count=" + std::to_string(n)});
  ASSERT_TRUE(exited_ok(status));
  auto counts = tracer.counts();
  EXPECT_EQ(count_of(counts, watched.id(), kDenied, kTrap), uint64_t(n));
  EXPECT_EQ(keys_of_cgroup(counts, watched.id()), 1u) << "only the TRAP key";
  EXPECT_EQ(keys_of_cgroup(counts, unwatched.id()), 0u);
  for (const auto& c : counts)
    if (c.cgroup_id == watched.id()) {
      EXPECT_EQ(c.audit_arch, kArchX86_64);
      EXPECT_GT(c.first_ns, 0u);
      EXPECT_GE(c.last_ns, c.first_ns);
    }
}

TEST_F(TracerTest, KillProcessIsCountedOncePerProcess) {
  SC_REQUIRE_ROOT();
  auto& tracer = start(SyscallHooks::Off);
  TestCgroup watched("killp"), unwatched("killp-unwatched");
  tracer.watch(watched.id(), false);
  const int n = 3;
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(killed_by_sigsys(run_workload({"--cgroup=" + watched.path(), "--action=kill_process", kDeniedArg})));
    ASSERT_TRUE(killed_by_sigsys(run_workload({"--cgroup=" + unwatched.path(), "--action=kill_process", kDeniedArg})));
  }
  auto counts = tracer.counts();
  EXPECT_EQ(count_of(counts, watched.id(), kDenied, kKillProcess), uint64_t(n));
  EXPECT_EQ(keys_of_cgroup(counts, watched.id()), 1u);
  EXPECT_EQ(keys_of_cgroup(counts, unwatched.id()), 0u);
}

TEST_F(TracerTest, KillProcessOfAMultiThreadedProcessIsCountedOnce) {
  SC_REQUIRE_ROOT();
  auto& tracer = start(SyscallHooks::Off);
  TestCgroup watched("killp-mt");
  tracer.watch(watched.id(), false);
  const int n = 2;
  for (int i = 0; i < n; ++i)
    ASSERT_TRUE(killed_by_sigsys(
        run_workload({"--cgroup=" + watched.path(), "--action=kill_process", kDeniedArg, "--threads=3"})));
  auto counts = tracer.counts();
  EXPECT_EQ(count_of(counts, watched.id(), kDenied, kKillProcess), uint64_t(n));
  EXPECT_EQ(count_of(counts, watched.id(), kDenied, kKillThread), 0u) << "the other threads die of the group exit";
}

// With one thread the kernel takes the same path for KILL_THREAD and KILL_PROCESS (SIGSYS
// forced with a core dump, the process dies): no hook of this kernel tells them apart, so the
// tracer reports KILL_PROCESS; the audit record (code=0) names KILL_THREAD.
TEST_F(TracerTest, KillThreadOfASingleThreadedProcessIsReportedAsKillProcess) {
  SC_REQUIRE_ROOT();
  auto& tracer = start(SyscallHooks::Off);
  TestCgroup watched("killt");
  tracer.watch(watched.id(), false);
  const int n = 2;
  for (int i = 0; i < n; ++i)
    ASSERT_TRUE(killed_by_sigsys(run_workload({"--cgroup=" + watched.path(), "--action=kill_thread", kDeniedArg})));
  auto counts = tracer.counts();
  EXPECT_EQ(count_of(counts, watched.id(), kDenied, kKillProcess), uint64_t(n));
  EXPECT_EQ(count_of(counts, watched.id(), kDenied, kKillThread), 0u);
}

// With other threads alive the killed thread exits without any signal; the tracer sees it in
// sched_process_exit (seccomp mode "dead", exit code SIGSYS) and counts KILL_THREAD.
TEST_F(TracerTest, KillThreadAmongSeveralThreadsIsCountedPerThread) {
  SC_REQUIRE_ROOT();
  auto& tracer = start(SyscallHooks::Off);
  TestCgroup watched("killt-mt");
  tracer.watch(watched.id(), false);
  const int n = 4;
  int status = run_workload({"--cgroup=" + watched.path(), "--action=kill_thread", kDeniedArg,
                             "--threads=" + std::to_string(n)});
  ASSERT_TRUE(exited_ok(status)) << "the main thread survives; status " << status;
  auto counts = tracer.counts();
  EXPECT_EQ(count_of(counts, watched.id(), kDenied, kKillThread), uint64_t(n));
  EXPECT_EQ(count_of(counts, watched.id(), kDenied, kKillProcess), 0u);
}

TEST_F(TracerTest, ErrnoIsCountedExactlyWithSyscallHooksOnly) {
  SC_REQUIRE_ROOT();
  auto& tracer = start(SyscallHooks::Auto);
  TestCgroup watched("errno"), unwatched("errno-unwatched");
  tracer.watch(watched.id(), false);
  EXPECT_FALSE(tracer.syscall_hooks_attached()) << "nobody asked for exact counting";
  ASSERT_TRUE(exited_ok(run_workload({"--cgroup=" + watched.path(), "--action=errno", kDeniedArg, "--count=10"})));
  EXPECT_EQ(keys_of_cgroup(tracer.counts(), watched.id()), 0u) << "default hooks do not see ERRNO";

  tracer.watch(watched.id(), true);
  ASSERT_TRUE(tracer.syscall_hooks_attached());
  const int n = 1234;
  ASSERT_TRUE(exited_ok(run_workload({"--cgroup=" + watched.path(), "--action=errno", "--errno=13", kDeniedArg,
                                      "--count=" + std::to_string(n)})));
  ASSERT_TRUE(exited_ok(run_workload({"--cgroup=" + unwatched.path(), "--action=errno", "--errno=13", kDeniedArg,
                                      "--count=" + std::to_string(n)})));
  auto counts = tracer.counts();
  EXPECT_EQ(count_of(counts, watched.id(), kDenied, kErrno, 13), uint64_t(n));
  EXPECT_EQ(keys_of_cgroup(counts, watched.id()), 1u) << "no false skips (clone returns, exec, exit)";
  EXPECT_EQ(keys_of_cgroup(counts, unwatched.id()), 0u);

  tracer.unwatch(watched.id());
  EXPECT_FALSE(tracer.syscall_hooks_attached()) << "detached when no watched cgroup wants them";
}

TEST_F(TracerTest, TrapWithSyscallHooksOnIsNotCountedTwice) {
  SC_REQUIRE_ROOT();
  auto& tracer = start(SyscallHooks::On);
  TestCgroup watched("trap-hooks");
  tracer.watch(watched.id(), true);
  ASSERT_TRUE(tracer.syscall_hooks_attached());
  ASSERT_TRUE(exited_ok(run_workload({"--cgroup=" + watched.path(), "--action=trap", kDeniedArg, "--count=5"})));
  auto counts = tracer.counts();
  EXPECT_EQ(count_of(counts, watched.id(), kDenied, kTrap), 5u);
  EXPECT_EQ(keys_of_cgroup(counts, watched.id()), 1u);
}

TEST_F(TracerTest, StormOfAMillionErrnoCallsIsCountedExactly) {
  SC_REQUIRE_ROOT();
  auto& tracer = start(SyscallHooks::Auto);
  TestCgroup watched("storm");
  tracer.watch(watched.id(), true);
  const long n = 1'000'000;
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(exited_ok(run_workload({"--cgroup=" + watched.path(), "--action=errno", "--errno=1", kDeniedArg,
                                      "--count=" + std::to_string(n)})));
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(count_of(tracer.counts(), watched.id(), kDenied, kErrno, 1), uint64_t(n)) << "storm took " << ms << " ms";
  EXPECT_EQ(tracer.stats().counts_map_full, 0u);
}

TEST_F(TracerTest, ProcessesStayAttributableAfterExit) {
  SC_REQUIRE_ROOT();
  auto& tracer = start(SyscallHooks::Off);
  TestCgroup group("procs");
  pid_t pid = 0;
  // The workload moves itself into the cgroup after exec: only its exit can record that.
  ASSERT_TRUE(exited_ok(run_workload({"--cgroup=" + group.path(), "--action=none", "--count=0"}, &pid)));
  auto cg = tracer.cgroup_of_tgid(pid);
  ASSERT_TRUE(cg.has_value());
  EXPECT_EQ(*cg, group.id());
}

TEST_F(TracerTest, LearningBitmapHoldsTheWorkloadsSyscalls) {
  SC_REQUIRE_ROOT();
  auto& tracer = start(SyscallHooks::Auto);
  TestCgroup watched("learn"), other("learn-other");
  tracer.watch(watched.id(), true);
  ASSERT_TRUE(exited_ok(run_workload({"--cgroup=" + watched.path(), "--learn"})));
  auto learned = tracer.learned(watched.id());
  ASSERT_EQ(learned.count(kArchX86_64), 1u);
  const auto& nrs = learned[kArchX86_64];
  for (int nr : {SYS_uname, SYS_getppid, SYS_sched_yield, SYS_getpgid, SYS_exit_group})
    EXPECT_NE(std::find(nrs.begin(), nrs.end(), nr), nrs.end()) << "syscall " << nr << " not learned";
  EXPECT_EQ(std::find(nrs.begin(), nrs.end(), SYS_acct), nrs.end()) << "never called";
  EXPECT_TRUE(tracer.learned(other.id()).empty());
}

}  // namespace
}  // namespace sc::tracer_test
