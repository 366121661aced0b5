// The tracer's argument recording (bpf/tracer.h: record_args, arg_counts, arg_drops,
// forget_args) on the real kernel: sys_enter of a watched cgroup counts the calls of the
// syscalls it was asked for per distinct argument tuple, exactly, keeps at most
// kArgTuplesPerSyscall tuples per (cgroup, arch, nr) and counts the calls over that bound.
#include <bpf/bpf.h>
#include <sys/syscall.h>

#include <map>

#include "tests/bpf/tracer_test_support.h"

namespace sc::tracer_test {
namespace {

constexpr int32_t kRecorded = SYS_getppid;  // ignores its arguments: any tuple is harmless

struct Seen {
  std::map<uint64_t, uint64_t> by_arg0;  // arg0 -> calls
  uint64_t tuples = 0, calls = 0, dropped = 0;
};

Seen seen(const sc::bpf::Tracer& tracer, uint64_t cgroup, int32_t nr) {
  Seen s;
  for (const auto& c : tracer.arg_counts())
    if (c.cgroup_id == cgroup && c.nr == nr && c.audit_arch == kArchX86_64) {
      s.by_arg0[c.args[0]] += c.count;
      ++s.tuples;
      s.calls += c.count;
    }
  for (const auto& d : tracer.arg_drops())
    if (d.cgroup_id == cgroup && d.nr == nr && d.audit_arch == kArchX86_64) s.dropped += d.dropped;
  return s;
}

TEST_F(TracerTest, ArgumentTuplesAreCountedExactlyPerTuple) {
  SC_REQUIRE_ROOT();
  auto& tracer = start(SyscallHooks::Auto);
  ASSERT_TRUE(tracer.shadow_available());
  TestCgroup recorded("args"), other("args-other");
  tracer.watch(recorded.id(), true);
  tracer.watch(other.id(), true);
  tracer.record_args(recorded.id(), {{kArchX86_64, {kRecorded}}});
  const int distinct = 5, n = 1000;  // 200 calls per tuple
  for (const auto* cg : {&recorded, &other})
    ASSERT_TRUE(exited_ok(run_workload({"--cgroup=" + cg->path(), "--action=none", "--syscall=" + std::to_string(kRecorded),
                                        "--count=" + std::to_string(n), "--distinct=" + std::to_string(distinct)})));
  Seen s = seen(tracer, recorded.id(), kRecorded);
  EXPECT_EQ(s.tuples, uint64_t(distinct));
  EXPECT_EQ(s.calls, uint64_t(n));
  for (long v = 0; v < distinct; ++v) EXPECT_EQ(s.by_arg0[v], uint64_t(n / distinct)) << "arg0 " << v;
  EXPECT_EQ(s.dropped, 0u);
  EXPECT_EQ(seen(tracer, other.id(), kRecorded).tuples, 0u) << "not asked for: nothing recorded";
  EXPECT_EQ(seen(tracer, recorded.id(), SYS_uname).tuples, 0u) << "a syscall not asked for is not recorded";
  // Asked for nothing: counts stay, nothing more is counted.
  tracer.record_args(recorded.id(), {});
  ASSERT_TRUE(exited_ok(run_workload({"--cgroup=" + recorded.path(), "--action=none", "--syscall=" + std::to_string(kRecorded),
                                      "--count=100", "--distinct=" + std::to_string(distinct)})));
  EXPECT_EQ(seen(tracer, recorded.id(), kRecorded).calls, uint64_t(n));
  tracer.forget_args(recorded.id());
  EXPECT_EQ(seen(tracer, recorded.id(), kRecorded).tuples, 0u);
  EXPECT_EQ(tracer.args_lost(), 0u);
}

// An argument storm: every call a new tuple. The kernel keeps the first kArgTuplesPerSyscall
// and counts every other call as dropped: kept + dropped = calls, exactly.
TEST_F(TracerTest, AnArgumentStormStaysWithinTheBoundAndCountsTheDrops) {
  SC_REQUIRE_ROOT();
  auto& tracer = start(SyscallHooks::Auto);
  ASSERT_TRUE(tracer.shadow_available());
  TestCgroup storm("args-storm");
  tracer.watch(storm.id(), true);
  tracer.record_args(storm.id(), {{kArchX86_64, {kRecorded}}});
  const long n = 200000;
  ASSERT_TRUE(exited_ok(run_workload({"--cgroup=" + storm.path(), "--action=none", "--syscall=" + std::to_string(kRecorded),
                                      "--count=" + std::to_string(n), "--distinct=" + std::to_string(n)})));
  Seen s = seen(tracer, storm.id(), kRecorded);
  EXPECT_EQ(s.tuples, uint64_t(sc::bpf::kArgTuplesPerSyscall));
  EXPECT_EQ(s.calls + s.dropped, uint64_t(n));
  EXPECT_EQ(s.dropped, uint64_t(n) - sc::bpf::kArgTuplesPerSyscall);
  tracer.forget_args(storm.id());
  EXPECT_TRUE(tracer.arg_drops().empty());
}


constexpr uint32_t kArchI386 = 0x40000003;
constexpr int32_t kI386Getppid = 64;

// A child in `cg` that makes `n` i386 getppid calls (int 0x80) with ebx = i % 3 and ecx, edx,
// esi, edi = 0 (ebp, the sixth, is this frame's: the same for every call); exits 0. The upper
// halves of rbx.. are set to garbage first: the tracer keeps the 32 bits seccomp sees.
bool run_i386_calls(const TestCgroup& cg, int n) {
  pid_t pid = fork();
  if (pid == 0) {
    std::ofstream(cg.path() + "/cgroup.procs") << getpid() << std::flush;
    for (int i = 0; i < n; ++i) {
      long ret, nr = kI386Getppid, a0 = (static_cast<long>(0x5a5a0000 + i) << 32) | (i % 3), zero = 0;
      asm volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a0), "c"(zero), "d"(zero), "S"(zero), "D"(zero) : "memory");
      if (ret < 0) _exit(1);
    }
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// i386 calls are recorded under AUDIT_ARCH_I386 with their own numbers and argument registers.
TEST_F(TracerTest, I386CallsAreRecordedInTheirOwnLayout) {
  SC_REQUIRE_ROOT();
  auto& tracer = start(SyscallHooks::Auto);
  ASSERT_TRUE(tracer.shadow_available());
  TestCgroup cg("args-i386");
  tracer.watch(cg.id(), true);
  tracer.record_args(cg.id(), {{kArchI386, {kI386Getppid}}});
  ASSERT_TRUE(run_i386_calls(cg, 30));
  std::map<uint64_t, uint64_t> by_arg0;
  for (const auto& c : tracer.arg_counts())
    if (c.cgroup_id == cg.id()) {
      EXPECT_EQ(c.audit_arch, kArchI386);
      EXPECT_EQ(c.nr, kI386Getppid);
      by_arg0[c.args[0]] += c.count;
    }
  EXPECT_EQ(by_arg0, (std::map<uint64_t, uint64_t>{{0, 10}, {1, 10}, {2, 10}}));
  for (const auto& d : tracer.arg_drops()) EXPECT_NE(d.cgroup_id, cg.id()) << d.dropped << " dropped: tuples differed";
  // Not asked for on x86_64: its native getppid is not recorded.
  ASSERT_TRUE(exited_ok(run_workload({"--cgroup=" + cg.path(), "--action=none", "--syscall=" + std::to_string(kRecorded),
                                      "--count=10"})));
  for (const auto& c : tracer.arg_counts()) EXPECT_EQ(c.audit_arch, kArchI386);
}

// A pinned map from another build (its layout changed) is named, with the remedy, instead of
// libbpf's bare "parameter mismatch".
TEST_F(TracerTest, AnIncompatiblePinNamesTheMapAndTheReset) {
  SC_REQUIRE_ROOT();
  ASSERT_EQ(mkdir(pin_dir_.c_str(), 0700), 0);
  int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "sc_shadow_cgroups", 8, 4, 16, nullptr);
  ASSERT_GE(fd, 0) << std::strerror(errno);
  ASSERT_EQ(bpf_obj_pin(fd, (pin_dir_ + "/sc_shadow_cgroups").c_str()), 0) << std::strerror(errno);
  close(fd);
  try {
    start(SyscallHooks::Auto);
    FAIL() << "a tracer started over an incompatible pin";
  } catch (const std::runtime_error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find(pin_dir_ + "/sc_shadow_cgroups"), std::string::npos) << what;
    EXPECT_NE(what.find("another build"), std::string::npos) << what;
    EXPECT_NE(what.find("seccomp-audit run --reset"), std::string::npos) << what;
    EXPECT_NE(what.find("value 4 B"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace sc::tracer_test
