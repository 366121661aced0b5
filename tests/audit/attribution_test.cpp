// Attribution without BPF (`--sources=audit`): a registry that appears after the daemon
// started, counts recorded under a bare cgroup path re-attributed once the entry appears
// (durably), and the short-lived children of a shell in a container placed by the process
// connector. Waits are on state.json (the harness's); a wait that times out fails with what it saw.
#include <seccomp.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <functional>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "isolator/registry/registry.h"
#include "tests/audit/daemon_harness.h"
#include "tests/support/privileges.h"

using sc::testing::DaemonHarness;
using sc::testing::verdict_count;
namespace fs = std::filesystem;

namespace {

std::string describe(const sc::audit::State& st) { return DaemonHarness::describe(st); }

bool wait_state(DaemonHarness& h, const std::function<bool(const sc::audit::State&)>& done, const std::string& what) {
  return h.wait_state(done, what);
}

bool load_log_filter() { return sc::testing::load_single_rule_filter(SCMP_ACT_LOG, SCMP_SYS(getppid)); }

std::string attr_suffix() { return std::to_string(getpid()); }

// A short container: its only process makes `calls` logged getppid calls and exits at once
// (or, held, stays alive until finish(): then /proc/<pid>/cgroup is still there when the
// records are read, so only a registry already known at that moment attributes them to the
// container).
DaemonHarness::Child short_container(DaemonHarness& h, const std::string& cg, int calls, bool held = false) {
  return h.fork_child(cg, [calls] {
    if (!load_log_filter()) return 90;
    for (int i = 0; i < calls; ++i) syscall(SYS_getppid);
    return 0;
  }, held);
}

// The daemon starts before the registry dir exists (the runtime dir or its containers/ subdir); the container's
// entry is written later, right before its workload runs. With --scan_interval=3600 only
// inotify can tell the daemon: the entry must be followed from the dir's creation on.
void registry_created_after_start(bool whole_runtime_dir, const std::string& tag, bool held) {
  DaemonHarness h;
  fs::remove_all(whole_runtime_dir ? h.runtime_dir() : sc::registry::containers_dir(h.runtime_dir()));
  h.start_daemon({"--sources=audit", "--scan_interval=3600"});
  EXPECT_NE(h.log().find("does not exist yet; watching"), std::string::npos) << h.log();
  const int kCalls = 6;
  std::string id = tag + "-" + attr_suffix();
  std::string cg = h.make_cgroup(id);
  auto child = short_container(h, cg, kCalls, held);
  h.write_registry(id, child.pid, cg, "audit");  // creates the dirs, as `launch` does
  DaemonHarness::release(child);
  bool counted = wait_state(h, [&](const sc::audit::State& s) { return verdict_count(s, id, "getppid", "log") >= kCalls; },
                            "the container's " + std::to_string(kCalls) + " log verdicts");
  int st = DaemonHarness::wait_child(child);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st;
  ASSERT_TRUE(counted);
  ASSERT_TRUE(h.mark());  // a late or second count of the container's calls would be in by now
  auto state = h.read_state();
  EXPECT_EQ(verdict_count(state, id, "getppid", "log"), uint64_t{kCalls}) << describe(state);
  EXPECT_FALSE(state.containers.count(cg)) << "nothing under the cgroup path:\n" << describe(state);
  EXPECT_EQ(state.containers.at(id).runtime, "seccomp-companion");
  EXPECT_EQ(state.containers.at(id).mode, "audit");
  int status = 0;
  auto rows = nlohmann::json::parse(h.events_json(&status, id));
  ASSERT_EQ(status, 0);
  ASSERT_EQ(rows.size(), 1u) << rows.dump();
  EXPECT_EQ(rows[0]["container"], id);
  EXPECT_EQ(rows[0]["count"], kCalls);
  // The watched set was rebuilt from an inotify event (the periodic rescan is an hour away).
  EXPECT_NE(h.log().find("runtime dir: watching " + sc::registry::containers_dir(h.runtime_dir())), std::string::npos)
      << h.log();
  EXPECT_NE(h.log().find("watching container " + id), std::string::npos) << h.log();
  h.stop_daemon();
}

}  // namespace

TEST(AttributionWithoutBpf, RuntimeDirCreatedAfterTheDaemonStarted) {
  SC_REQUIRE_ROOT();
  registry_created_after_start(true, "late-run", false);
}

TEST(AttributionWithoutBpf, ContainersDirCreatedAfterTheDaemonStarted) {
  SC_REQUIRE_ROOT();
  registry_created_after_start(false, "late-containers", true);
}

// Counts recorded under the bare cgroup path (no entry yet) move into the container when its
// entry appears, and the move is durable: the flush interval is an hour, the daemon is
// SIGKILLed after the move and the entry removed before the restart (so nothing can redo it).
TEST(AttributionWithoutBpf, CountsRecordedUnderTheCgroupPathAreReattributedDurably) {
  SC_REQUIRE_ROOT();
  DaemonHarness h;
  h.start_daemon({"--sources=audit"});
  const int kCalls = 5;
  std::string id = "reattr-" + attr_suffix();
  std::string cg = h.make_cgroup(id);
  // Held until counted: placed by /proc. (Joining its cgroup after fork without an exec, a
  // process that exits at once may be placed by the process connector in its fork-time cgroup.)
  auto child = short_container(h, cg, kCalls, true);
  DaemonHarness::release(child);  // no registry entry: the harness's cgroup matches no rule
  bool counted = wait_state(h, [&](const sc::audit::State& s) { return verdict_count(s, cg, "getppid", "log") >= kCalls; },
                            "the verdicts under the cgroup path " + cg);
  int st = DaemonHarness::wait_child(child);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st;
  ASSERT_TRUE(counted);
  EXPECT_EQ(h.read_state().containers.at(cg).runtime, "cgroup");
  h.stop_daemon(SIGKILL);

  h.start_daemon({"--sources=audit", "--flush_interval=3600"});
  h.write_registry(id, child.pid, cg, "audit");
  ASSERT_TRUE(wait_state(h, [&](const sc::audit::State& s) { return s.containers.count(id) && !s.containers.count(cg); },
                         "the move of " + cg + " into " + id));
  EXPECT_NE(h.log().find("re-attributed " + std::to_string(kCalls) + " count(s) recorded under cgroup " + cg +
                         " to container " + id),
            std::string::npos)
      << h.log();
  h.stop_daemon(SIGKILL);
  fs::remove(sc::registry::containers_dir(h.runtime_dir()) + "/" + id + ".json");

  h.start_daemon({"--sources=audit"});
  ASSERT_TRUE(h.mark());  // after the restart's replay and re-derivation
  auto state = h.read_state();
  EXPECT_EQ(verdict_count(state, id, "getppid", "log"), uint64_t{kCalls}) << describe(state);
  EXPECT_FALSE(state.containers.count(cg)) << describe(state);
  ASSERT_TRUE(state.containers.count(id));
  EXPECT_EQ(state.containers.at(id).runtime, "seccomp-companion");
  EXPECT_EQ(state.containers.at(id).cgroup_path, cg);
  auto rows = nlohmann::json::parse(h.events_json(nullptr, id));
  ASSERT_EQ(rows.size(), 1u) << rows.dump();
  EXPECT_EQ(rows[0]["count"], kCalls);
  h.stop_daemon();
}

// `sh -c 'H; H; ...'` in a container, released once the daemon watches it: every H makes
// logged getpriority calls and denied (ERRNO, LOG flag) sysinfo calls and exits within a
// millisecond, long before the daemon reads its records and /proc/<pid>/cgroup. The process
// connector placed it at fork.
TEST(AttributionWithoutBpf, ShortLivedChildrenOfAShellAreAttributedToTheContainer) {
  SC_REQUIRE_ROOT();
  DaemonHarness h;
  h.start_daemon({"--sources=audit"});
  SC_REQUIRE(h.log().find("process connector LIVE") != std::string::npos, "no process connector here: " + h.log());
  const int kChildren = 12, kLogged = 3, kDenied = 2;
  std::string id = "shell-" + attr_suffix();
  std::string cg = h.make_cgroup(id);
  std::string helper = sc::testing::binary("sc_short_lived_helper");
  std::string script = "true";
  for (int i = 0; i < kChildren; ++i) script += "; " + helper + " " + std::to_string(kLogged) + " " + std::to_string(kDenied);
  auto shell = h.fork_child(cg, [&] {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx || seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1) != 0 ||
        seccomp_rule_add(ctx, SCMP_ACT_LOG, SCMP_SYS(getpriority), 0) != 0 ||
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(sysinfo), 0) != 0 || seccomp_load(ctx) != 0)
      return 90;
    seccomp_release(ctx);
    execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
    return 91;
  });
  h.write_registry(id, shell.pid, cg, "enforce");
  ASSERT_TRUE(h.wait_until_watched(id));  // the daemon knows the container before its first call
  DaemonHarness::release(shell);
  int st = DaemonHarness::wait_child(shell);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st;
  const uint64_t want_log = kChildren * kLogged, want_errno = kChildren * kDenied;
  auto total = [&](const sc::audit::State& s, const std::string& syscall, const std::string& action) {
    uint64_t n = 0;
    for (const auto& [cid, c] : s.containers) n += verdict_count(s, cid, syscall, action);
    return n;
  };
  // Every record read (wherever it went), then exact counts per container.
  ASSERT_TRUE(wait_state(h, [&](const sc::audit::State& s) {
    return total(s, "getpriority", "log") >= want_log && total(s, "sysinfo", "errno") >= want_errno;
  }, "all " + std::to_string(want_log + want_errno) + " verdicts of the shell's children"));
  ASSERT_TRUE(h.mark());
  auto state = h.read_state();
  EXPECT_EQ(verdict_count(state, id, "getpriority", "log"), want_log) << describe(state);
  EXPECT_EQ(verdict_count(state, id, "sysinfo", "errno"), want_errno) << describe(state);
  EXPECT_EQ(verdict_count(state, "unattributed", "getpriority", "log") + verdict_count(state, "unattributed", "sysinfo", "errno"),
            0u) << describe(state);
  EXPECT_FALSE(state.containers.count(cg)) << describe(state);
  EXPECT_TRUE(state.sources.at("proc_connector").live);
  EXPECT_GT(state.sources.at("proc_connector").events, uint64_t{kChildren});
  h.stop_daemon();
}
