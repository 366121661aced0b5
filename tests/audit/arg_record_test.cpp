// Argument recording through the real daemon and tracer (audit/daemon/arg_recorder.h): the
// tuples of an audit-mode container's would-be denials are in state.json, exactly, and survive
// a SIGKILL of the daemon, with the calls made while it was dead, counted once. Root, BPF.
#include <seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "tests/audit/daemon_harness.h"
#include "tests/support/privileges.h"
#include "common/arch.h"
#include "common/seccomp_ret.h"

using sc::testing::DaemonHarness;
using sc::testing::PinDir;

namespace {

// Calls per arg0 value recorded for the container's getppid "log" verdict; dropped in *dropped.
std::map<uint64_t, uint64_t> recorded(const sc::audit::State& st, const std::string& id, uint64_t* dropped = nullptr) {
  std::map<uint64_t, uint64_t> out;
  auto c = st.containers.find(id);
  if (c == st.containers.end()) return out;
  for (const auto& [k, v] : c->second.verdicts)
    if (v.syscall == "getppid" && sc::common::action_text(k.action) == "log" && v.args) {
      for (const auto& [t, n] : v.args->tuples) out[t[0]] += n;
      if (dropped) *dropped += v.args->dropped;
    }
  return out;
}

uint64_t total(const std::map<uint64_t, uint64_t>& m) {
  uint64_t n = 0;
  for (const auto& [k, v] : m) n += v;
  return n;
}

TEST(ArgRecording, TuplesOfWouldBeDenialsSurviveASigkillExactly) {
  SC_REQUIRE_ROOT();
  SC_REQUIRE(std::filesystem::is_directory("/sys/fs/bpf"), "bpffs is not mounted at /sys/fs/bpf");
  PinDir pins;
  DaemonHarness h;
  const std::string profile = h.dir() + "/deny-getppid.json";
  std::ofstream(profile) << R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_ERRNO"}]})";
  std::vector<std::string> flags = {"--pin_dir=" + pins.path, "--syscall_hooks=on", "--listen=off", "--flush_interval=0.2"};
  h.start_daemon(flags);
  SC_REQUIRE(h.log().find("syscall hooks live") != std::string::npos,
             "the tracer's syscall hooks are not live on this kernel: " + h.log());
  const std::string id = "args-restart-" + std::to_string(getpid());
  std::string cg = h.make_cgroup(id);
  // `n` getppid calls with arg0 = i % 4 (getppid ignores its arguments).
  auto run_batch = [&](int n, bool write_entry) {
    auto child = h.fork_child(cg, [n] {
      // The container's own filter in audit mode: getppid logged.
      if (!sc::testing::load_single_rule_filter(SCMP_ACT_LOG, SCMP_SYS(getppid))) return 90;
      for (long i = 0; i < n; ++i)
        if (syscall(SYS_getppid, i % 4, 0L, 0L, 0L, 0L, 0L) < 0) return 91;
      return 0;
    });
    if (write_entry) {
      h.write_registry(id, child.pid, cg, "audit", profile);
      h.wait_until_watched(id);  // recording starts with the watch
    }
    DaemonHarness::release(child);
    return DaemonHarness::wait_child(child);
  };
  int st = run_batch(8, true);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st;
  ASSERT_TRUE(h.wait_state([&](const sc::audit::State& s) { return total(recorded(s, id)) >= 8; }, "8 recorded tuples", 15))
      << h.log();
  EXPECT_EQ(recorded(h.read_state(), id), (std::map<uint64_t, uint64_t>{{0, 2}, {1, 2}, {2, 2}, {3, 2}}));
  // Killed: the kernel keeps counting the calls made meanwhile; the restarted daemon takes
  // them from its persisted baselines, once.
  h.stop_daemon(SIGKILL);
  st = run_batch(4, false);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st;
  h.start_daemon(flags);
  st = run_batch(12, false);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st;
  ASSERT_TRUE(h.wait_state([&](const sc::audit::State& s) { return total(recorded(s, id)) >= 24; }, "24 recorded tuples", 15))
      << h.log();
  h.stop_daemon(SIGKILL);
  h.start_daemon(flags);
  ASSERT_TRUE(h.mark());  // a full collect after the restart
  uint64_t dropped = 0;
  EXPECT_EQ(recorded(h.read_state(), id, &dropped), (std::map<uint64_t, uint64_t>{{0, 6}, {1, 6}, {2, 6}, {3, 6}}));
  EXPECT_EQ(dropped, 0u);
}

}  // namespace
