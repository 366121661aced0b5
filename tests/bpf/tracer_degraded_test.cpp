// One program off, the rest exact: each tracer program is switched off in turn (as a kernel
// whose verifier rejects it would), and real filters in real processes check that every
// verdict class the remaining programs serve is still counted exactly, and that what the
// missing one served is not counted by the tracer at all (the daemon then takes it from the
// audit stream). The audit_seccomp hooks are forced off so that the expectations below are
// the same on every host.
#include <sys/syscall.h>

#include <set>

#include "bpf/tracer_programs.h"
#include "tests/bpf/tracer_test_support.h"

namespace sc::tracer_test {
namespace {

using sc::bpf::HookStatus;
using sc::bpf::SyscallHooks;


class TracerWithoutOneProgram : public TracerTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(TracerWithoutOneProgram, TheOthersStillCountExactly) {
  SC_REQUIRE_ROOT();
  const std::string off = GetParam();
  auto& tracer = start(SyscallHooks::Auto, "fallback", off);
  // Literal expectations: which programs stay on when `off` is off (the syscall hooks only work
  // as a pair).
  std::set<std::string> on = {"sc_signal_generate", "sc_process_fork", "sc_process_exec", "sc_process_exit",
                              "sc_sys_enter", "sc_sys_exit"};
  on.erase(off);
  if (off == "sc_sys_enter") on.erase("sc_sys_exit");
  if (off == "sc_sys_exit") on.erase("sc_sys_enter");

  TestCgroup cg("without-" + off);
  tracer.watch(cg.id(), true);
  EXPECT_EQ(tracer.syscall_hooks_attached(), on.count("sc_sys_exit") == 1);
  const int traps = 5, kills = 2, threads = 3, errnos = 100;
  ASSERT_TRUE(exited_ok(run_workload({"--cgroup=" + cg.path(), "--action=trap", kDeniedArg,
                                      "--count=" + std::to_string(traps)})));
  for (int i = 0; i < kills; ++i)
    ASSERT_TRUE(killed_by_sigsys(run_workload({"--cgroup=" + cg.path(), "--action=kill_process", kDeniedArg})));
  ASSERT_TRUE(exited_ok(run_workload({"--cgroup=" + cg.path(), "--action=kill_thread", kDeniedArg,
                                      "--threads=" + std::to_string(threads)})));
  ASSERT_TRUE(exited_ok(run_workload({"--cgroup=" + cg.path(), "--action=errno", "--errno=13", kDeniedArg,
                                      "--count=" + std::to_string(errnos)})));

  auto counts = tracer.counts();
  bool signal = on.count("sc_signal_generate"), exit = on.count("sc_process_exit"), skips = on.count("sc_sys_exit");
  EXPECT_EQ(count_of(counts, cg.id(), kDenied, kTrap), signal ? uint64_t(traps) : 0u);
  EXPECT_EQ(count_of(counts, cg.id(), kDenied, kKillProcess), signal ? uint64_t(kills) : 0u);
  // Without signal_generate's marks a KILL_PROCESS would look like a KILL_THREAD at exit: the
  // exit program then counts no kill at all rather than a wrong one.
  EXPECT_EQ(count_of(counts, cg.id(), kDenied, kKillThread), signal && exit ? uint64_t(threads) : 0u);
  EXPECT_EQ(count_of(counts, cg.id(), kDenied, kErrno, 13), skips ? uint64_t(errnos) : 0u);

  // The status names the program that is off and why; every other program is live.
  auto hooks = tracer.hooks();
  ASSERT_EQ(hooks.size(), sc::bpf::tracer_programs().size());
  for (const HookStatus& h : hooks) {
    if (h.program == "sc_fentry_audit" || h.program == "sc_kprobe_audit") continue;
    EXPECT_FALSE(h.serves.empty()) << h.name;
    if (h.program == off) {
      EXPECT_FALSE(h.live) << h.name;
      EXPECT_NE(h.reason.find("disabled on purpose"), std::string::npos) << h.reason;
    } else {
      EXPECT_EQ(h.live, on.count(h.program) == 1) << h.name << ": " << h.reason;
    }
  }
  auto coverage = tracer.coverage();
  EXPECT_EQ(coverage.traps_and_kills, signal);
  EXPECT_EQ(coverage.errno_skips, skips);
  EXPECT_EQ(coverage.kill_thread, signal && exit);
  EXPECT_FALSE(coverage.logged_verdicts);
}

INSTANTIATE_TEST_SUITE_P(EachProgram, TracerWithoutOneProgram,
                         ::testing::Values("sc_signal_generate", "sc_process_fork", "sc_process_exec",
                                           "sc_process_exit", "sc_sys_enter", "sc_sys_exit"),
                         [](const auto& info) { return std::string(info.param); });

TEST_F(TracerTest, HookNamesDisableTooAndUnknownNamesAreRejected) {
  SC_REQUIRE_ROOT();
  auto& tracer = start(SyscallHooks::Off, "fallback", "tp_btf/signal_generate");
  for (const auto& h : tracer.hooks())
    if (h.name == "tp_btf/signal_generate") {
      EXPECT_FALSE(h.live) << h.reason;
    }
  tracer_.reset();
  try {
    start(SyscallHooks::Off, "", "sc_signal_generat");
    FAIL() << "accepted an unknown program name";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'sc_signal_generat'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace sc::tracer_test
