// Hook probing, restart without losing counts, and cleanup (nothing attached or pinned).
#include <bpf/bpf.h>
#include <sys/syscall.h>

#include <cstdio>

#include "bpf/hook_probe.h"
#include "tests/bpf/tracer_test_support.h"

namespace sc::tracer_test {
namespace {

using sc::bpf::HookStatus;
using sc::bpf::SyscallHooks;

const HookStatus* find_hook(const std::vector<HookStatus>& hooks, const std::string& name) {
  for (const auto& h : hooks)
    if (h.name == name) return &h;
  return nullptr;
}

struct EnvVar {
  EnvVar(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
  ~EnvVar() { unsetenv(name_); }
  const char* name_;
};

void expect_fallback(const std::vector<HookStatus>& hooks) {
  for (const char* name : {"fentry/audit_seccomp", "kprobe/audit_seccomp"}) {
    const HookStatus* h = find_hook(hooks, name);
    ASSERT_NE(h, nullptr) << name;
    EXPECT_FALSE(h->live) << name;
    EXPECT_NE(h->reason.find("fallback forced"), std::string::npos) << h->reason;
  }
  const HookStatus* sig = find_hook(hooks, "tp_btf/signal_generate");
  ASSERT_NE(sig, nullptr);
  EXPECT_TRUE(sig->live) << sig->reason;
}

TEST_F(TracerTest, FallbackForcedByEnvironmentIsReported) {
  SC_REQUIRE_ROOT();
  EnvVar env("SC_TRACER_HOOKS", "fallback");
  expect_fallback(start(SyscallHooks::Off).hooks());
}

TEST_F(TracerTest, FallbackForcedByOptionIsReported) {
  SC_REQUIRE_ROOT();
  expect_fallback(start(SyscallHooks::Off, "fallback").hooks());
}

TEST_F(TracerTest, BadForceValueIsRejectedWithItsSource) {
  SC_REQUIRE_ROOT();
  EnvVar env("SC_TRACER_HOOKS", "fentry-please");
  try {
    start(SyscallHooks::Off);
    FAIL() << "accepted a bad SC_TRACER_HOOKS";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("SC_TRACER_HOOKS='fentry-please'"), std::string::npos) << e.what();
  }
}

// Without forcing, the report follows what the kernel allows: on a kernel with fentry the
// audit hook is live; here fentry fails to load (EPERM) and kprobe to attach, and the reasons
// say so.
TEST_F(TracerTest, ProbingReportsWhatTheKernelAllows) {
  SC_REQUIRE_ROOT();
  auto hooks = start(SyscallHooks::Off).hooks();
  auto fentry = sc::bpf::probe_hook(sc::bpf::Hook::FentryAudit);
  const HookStatus* f = find_hook(hooks, "fentry/audit_seccomp");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->live, fentry.ok);
  if (!fentry.ok) {
    EXPECT_EQ(f->reason, fentry.reason);
    EXPECT_NE(f->reason.find("errno"), std::string::npos) << f->reason;
    auto kprobe = sc::bpf::probe_hook(sc::bpf::Hook::KprobeAudit);
    const HookStatus* k = find_hook(hooks, "kprobe/audit_seccomp");
    ASSERT_NE(k, nullptr);
    EXPECT_EQ(k->live, kprobe.ok);
    if (!kprobe.ok) {
      EXPECT_EQ(k->reason, kprobe.reason);
    }
  }
  for (const char* name : {"tp_btf/signal_generate", "tp_btf/sched_process_exit"}) {
    const HookStatus* h = find_hook(hooks, name);
    ASSERT_NE(h, nullptr) << name;
    EXPECT_TRUE(h->live) << name << ": " << h->reason;
  }
  const HookStatus* enter = find_hook(hooks, "raw_tp/sys_enter");
  ASSERT_NE(enter, nullptr);
  EXPECT_FALSE(enter->live) << "syscall hooks are off";
  for (const auto& h : hooks) std::printf("  %-28s %s  %s\n", h.name.c_str(), h.live ? "live" : "-   ", h.reason.c_str());
}

uint32_t link_id_of_pin(const std::string& pin) {
  int fd = bpf_obj_get(pin.c_str());
  if (fd < 0) return 0;
  bpf_link_info info{};
  uint32_t len = sizeof info;
  uint32_t id = bpf_obj_get_info_by_fd(fd, &info, &len) == 0 ? info.id : 0;
  close(fd);
  return id;
}

TEST_F(TracerTest, UnpinLeavesNothingAttachedOrPinned) {
  SC_REQUIRE_ROOT();
  auto& tracer = start(SyscallHooks::On);
  TestCgroup watched("cleanup");
  tracer.watch(watched.id(), true);
  std::vector<uint32_t> ids;
  for (const char* prog : {"sc_signal_generate", "sc_process_exit", "sc_sys_enter", "sc_sys_exit"}) {
    uint32_t id = link_id_of_pin(pin_dir_ + "/link_" + prog);
    ASSERT_NE(id, 0u) << prog << " not pinned";
    ids.push_back(id);
  }
  tracer.unpin();
  tracer_.reset();
  for (uint32_t id : ids) {
    int fd = bpf_link_get_fd_by_id(id);
    EXPECT_LT(fd, 0) << "link " << id << " still exists";
    if (fd >= 0) close(fd);
  }
  struct stat st{};
  EXPECT_NE(stat(pin_dir_.c_str(), &st), 0) << "pin dir still there";
}

// The loader (a child process) is SIGKILLed mid-storm; its pinned links keep counting; a new
// Tracer adopts the pins; the final count is exact.
TEST_F(TracerTest, RestartMidStormLosesNoCount) {
  SC_REQUIRE_ROOT();
  TestCgroup watched("restart");
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  pid_t loader = fork();
  if (loader == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    execl(SC_TRACER_LOADER, SC_TRACER_LOADER, pin_dir_.c_str(), std::to_string(watched.id()).c_str(), nullptr);
    _exit(127);
  }
  close(out[1]);
  std::string text;
  char buf[512];
  ssize_t n;
  while (text.find("ready\n") == std::string::npos && (n = read(out[0], buf, sizeof buf)) > 0) text.append(buf, n);
  close(out[0]);
  ASSERT_NE(text.find("ready\n"), std::string::npos) << "loader output: " << text;

  // The storm pauses half-way at a barrier: the loader dies with calls counted before and
  // made after its death, by construction (no timing assumption).
  const long calls = 1'500'000;
  const std::string barrier = "/tmp/sc-test-" + std::to_string(getpid()) + "-storm-barrier";
  unlink(barrier.c_str());
  unlink((barrier + ".reached").c_str());
  pid_t storm = spawn_workload({"--cgroup=" + watched.path(), "--action=errno", "--errno=1",
                                "--syscall=" + std::to_string(SYS_acct), "--count=" + std::to_string(calls),
                                "--pause-at=" + std::to_string(calls / 2), "--pause-file=" + barrier});
  for (int i = 0; access((barrier + ".reached").c_str(), F_OK) != 0; ++i) {
    int st = 0;
    ASSERT_EQ(waitpid(storm, &st, WNOHANG), 0) << "the storm ended before its barrier, status " << st;
    ASSERT_LT(i, 30000) << "the storm did not reach its barrier within 30 s";
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // polling a file: 1 ms steps
  }
  kill(loader, SIGKILL);
  wait_status(loader);
  std::ofstream(barrier) << "go\n";  // the second half runs with no loader alive
  int status = 0;
  bool storm_running = waitpid(storm, &status, WNOHANG) == 0;

  auto& tracer = start(SyscallHooks::Auto);  // re-attaches to the pins
  const auto hooks = tracer.hooks();
  const HookStatus* exit_hook = find_hook(hooks, "raw_tp/sys_exit");
  ASSERT_NE(exit_hook, nullptr);
  EXPECT_TRUE(exit_hook->live);
  EXPECT_NE(exit_hook->reason.find("adopted"), std::string::npos) << exit_hook->reason;
  if (storm_running) status = wait_status(storm);
  ASSERT_TRUE(exited_ok(status));
  unlink(barrier.c_str());
  unlink((barrier + ".reached").c_str());
  EXPECT_EQ(count_of(tracer.counts(), watched.id(), SYS_acct, 0x50000u, 1), uint64_t(calls));
}

}  // namespace
}  // namespace sc::tracer_test
