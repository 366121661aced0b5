// Ring-buffer samples: the first sighting of a key carries the right pid, comm (hostile bytes
// kept raw, truncated like the kernel does) and syscall arguments.
#include <sys/syscall.h>

#include "tests/bpf/tracer_test_support.h"

namespace sc::tracer_test {
namespace {

using sc::bpf::SampleEvent;
using sc::bpf::SyscallHooks;

std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::vector<SampleEvent> drain(sc::bpf::Tracer& tracer, uint64_t cgroup, size_t want) {
  std::vector<SampleEvent> got;
  for (int i = 0; i < 20 && got.size() < want; ++i)
    tracer.poll(100, [&](const SampleEvent& e) {
      if (e.cgroup_id == cgroup) got.push_back(e);
    });
  return got;
}

TEST_F(TracerTest, SamplesCarryPidHostileCommAndArguments) {
  SC_REQUIRE_ROOT();
  auto& tracer = start(SyscallHooks::Auto);
  TestCgroup watched("samples");
  tracer.watch(watched.id(), true);
  // Spaces, quotes, markup and bytes that are not UTF-8; PR_SET_NAME keeps 15 bytes.
  const std::string hostile = std::string("a b'\"<script>") + "\xff\xfe" + "zzzz";
  const std::string expected_comm = hostile.substr(0, 15);

  pid_t trap_pid = 0, errno_pid = 0;
  ASSERT_TRUE(exited_ok(run_workload({"--cgroup=" + watched.path(), "--action=trap", "--syscall=" + std::to_string(SYS_acct),
                                      "--count=3", "--comm-hex=" + hex(hostile)}, &trap_pid)));
  ASSERT_TRUE(exited_ok(run_workload({"--cgroup=" + watched.path(), "--action=errno", "--errno=38",
                                      "--syscall=" + std::to_string(SYS_kcmp), "--count=3", "--comm-hex=" + hex(hostile)},
                                     &errno_pid)));
  auto samples = drain(tracer, watched.id(), 2);
  ASSERT_EQ(samples.size(), 2u) << "one sample per new key, not per call";
  for (const auto& s : samples) {
    bool trap = s.action == 0x30000u;
    SCOPED_TRACE(trap ? "TRAP sample" : "ERRNO sample");
    EXPECT_EQ(s.pid, trap ? trap_pid : errno_pid);
    EXPECT_EQ(s.tid, s.pid);
    EXPECT_EQ(s.comm, expected_comm);
    EXPECT_EQ(s.nr, trap ? SYS_acct : SYS_kcmp);
    EXPECT_EQ(s.error, trap ? -1 : 38);
    EXPECT_EQ(s.audit_arch, kArchX86_64);
    const uint64_t args[6] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66};
    for (int i = 0; i < 6; ++i) EXPECT_EQ(s.args[i], args[i]) << "arg " << i;
    EXPECT_NE(s.instruction_pointer, 0u);
    EXPECT_GT(s.ts_ns, 0u);
  }
  EXPECT_EQ(tracer.samples_lost(), 0u);
}

TEST_F(TracerTest, SamplesAreRateLimitedAndTheLossIsCounted) {
  SC_REQUIRE_ROOT();
  sc::bpf::TracerOptions options;
  options.pin_dir = pin_dir_;
  options.syscall_hooks = SyscallHooks::Auto;
  options.sample_rate_per_sec = 2;
  tracer_ = std::make_unique<sc::bpf::Tracer>(options);
  TestCgroup watched("rate");
  tracer_->watch(watched.id(), true);
  // Eight distinct keys (eight syscalls) within microseconds, in one process: at most 2 are
  // sampled (4 if the burst straddles a second), the rest are counted as lost.
  const std::string eight = std::to_string(SYS_acct) + "," + std::to_string(SYS_kcmp) + "," + std::to_string(SYS_swapon) +
                            "," + std::to_string(SYS_swapoff) + "," + std::to_string(SYS_sethostname) + "," +
                            std::to_string(SYS_setdomainname) + "," + std::to_string(SYS_iopl) + "," + std::to_string(SYS_ioperm);
  ASSERT_TRUE(exited_ok(run_workload({"--cgroup=" + watched.path(), "--action=errno", "--errno=1", "--syscall=" + eight, "--count=1"})));
  auto samples = drain(*tracer_, watched.id(), 8);
  EXPECT_LE(samples.size(), 4u);
  EXPECT_GE(samples.size(), 2u);
  EXPECT_EQ(samples.size() + tracer_->stats().samples_rate_limited, 8u);
  EXPECT_EQ(tracer_->samples_lost(), tracer_->stats().samples_rate_limited);
}

}  // namespace
}  // namespace sc::tracer_test
