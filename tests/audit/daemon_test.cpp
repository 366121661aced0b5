// The daemon end to end: real children under real libseccomp filters in real cgroups, the
// real audit stream, the real `seccomp-audit run` binary, its state.json and `events`.
#include <seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <map>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/audit/daemon_harness.h"
#include "tests/support/privileges.h"
#include "tests/support/verdict_key.h"

using sc::testing::DaemonHarness;
using sc::testing::PinDir;
using sc::testing::verdict_count;

namespace {

// In the child: ALLOW by default, `action` for getppid, with the LOG flag so ERRNO/TRAP are
// reported by the kernel too (as the isolator's filters are).
bool load_filter(uint32_t action, int syscall_nr = SCMP_SYS(getppid)) {
  return sc::testing::load_single_rule_filter(action, syscall_nr);
}

volatile sig_atomic_t g_traps = 0;
void on_sigsys(int) { g_traps = g_traps + 1; }

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// Waits until the flushed state counts at least `want` for that verdict (failing the test
// with the state and the log if it never does).
bool wait_at_least(DaemonHarness& h, const std::string& container, const std::string& syscall,
                   const std::string& action, uint64_t want) {
  return h.wait_state([&](const sc::audit::State& s) { return verdict_count(s, container, syscall, action) >= want; },
                      container + " " + syscall + "/" + action + " >= " + std::to_string(want));
}

// wait_at_least(), then a marker (DaemonHarness::mark): a count that was still to arrive
// (a second source counting the same verdicts, a late record) is in the state by then.
// Returns the count in that state.
uint64_t wait_count(DaemonHarness& h, const std::string& container, const std::string& syscall,
                    const std::string& action, uint64_t want) {
  wait_at_least(h, container, syscall, action, want);
  h.mark();
  return verdict_count(h.read_state(), container, syscall, action);
}

// The count of journaled observations of `container`'s `syscall` (the daemon's write-ahead
// journal). Only that container's: the daemon journals every record it reads, and a test
// running beside this one makes the same calls in its own cgroups.
// Batches after `after_seq` only: a state.json that includes a batch says so (daemon.journal_seq),
// and the journal may still hold it until the daemon truncates it.
uint64_t journaled(const DaemonHarness& h, const std::string& container, const std::string& syscall,
                   uint64_t after_seq = 0) {
  std::ifstream in(h.state_dir() + "/journal.jsonl");
  std::string line;
  uint64_t n = 0;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("obs")) continue;  // a line being written
    if (j.value("seq", uint64_t{0}) <= after_seq) continue;
    for (const auto& o : j["obs"])
      if (o.value("sys", "") == syscall && o.value("c", "") == container) n += o.value("n", uint64_t{0});
  }
  return n;
}

// The sum of the /metrics samples of `container`'s `syscall`/`action` verdicts (-1: none).
double metrics_count(const std::string& url, const std::string& container, const std::string& syscall,
                     const std::string& action) {
  std::string text;
  if (sc::testing::run_program({"/usr/bin/curl", "-sf", url}, &text) != 0) return -1;
  std::istringstream lines(text);
  std::string line;
  double sum = -1;  // over the errno label's values
  while (std::getline(lines, line))
    if (line.rfind("seccomp_verdicts_total{", 0) == 0 && line.find("container=\"" + container + "\"") != std::string::npos &&
        line.find("syscall=\"" + syscall + "\"") != std::string::npos &&
        line.find("action=\"" + action + "\"") != std::string::npos)
      sum = std::max(sum, 0.0) + std::stod(line.substr(line.rfind(' ') + 1));
  return sum;
}

std::string metrics_url(const DaemonHarness& h) {
  std::string log = h.log();
  size_t at = log.rfind("metrics: http://");
  if (at == std::string::npos) return "";
  return log.substr(at + 9, log.find('\n', at) - at - 9);
}

std::string suffix() { return std::to_string(getpid()); }

// `n` containers whose init is killed by KILL_PROCESS on getppid, each registered (and, with
// `wait_watched`, watched) before it runs; their ids, "<prefix><i>-<pid>".
std::vector<std::string> run_killed_containers(DaemonHarness& h, const std::string& prefix, int n, bool wait_watched) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    std::string kid = prefix + std::to_string(i) + "-" + suffix();
    std::string kcg = h.make_cgroup(kid);
    auto victim = h.fork_child(kcg, [] {
      if (!load_filter(SCMP_ACT_KILL_PROCESS)) return 90;
      syscall(SYS_getppid);
      return 93;  // not reached
    });
    h.write_registry(kid, victim.pid, kcg, "enforce");
    if (wait_watched) h.wait_until_watched(kid);
    DaemonHarness::release(victim);
    int st = DaemonHarness::wait_child(victim);
    EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS) << kid << ": " << st;
    ids.push_back(kid);
  }
  return ids;
}

}  // namespace

TEST(DaemonEndToEnd, EnforceModeCountsErrnoKillAndTrapExactly) {
  SC_REQUIRE_ROOT();
  DaemonHarness h;
  h.start_daemon();
  const int kErrno = 5, kKills = 3;
  std::string id = "enforce-" + suffix();
  std::string cg = h.make_cgroup(id);
  auto child = h.fork_child(cg, [] {
    if (!load_filter(SCMP_ACT_ERRNO(EPERM))) return 90;
    for (int i = 0; i < kErrno; ++i)
      if (syscall(SYS_getppid) != -1 || errno != EPERM) return 91;
    return 0;
  });
  h.write_registry(id, child.pid, cg, "enforce");
  DaemonHarness::release(child);
  int st = DaemonHarness::wait_child(child);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st;

  // A trap: SIGSYS to a handler, in its own container.
  std::string trap_id = "trap-" + suffix();
  std::string trap_cg = h.make_cgroup(trap_id);
  auto trapper = h.fork_child(trap_cg, [] {
    signal(SIGSYS, on_sigsys);
    if (!load_filter(SCMP_ACT_TRAP, SCMP_SYS(uname))) return 90;
    syscall(SYS_uname, nullptr);
    return g_traps == 1 ? 0 : 92;
  });
  h.write_registry(trap_id, trapper.pid, trap_cg, "enforce");
  DaemonHarness::release(trapper);
  st = DaemonHarness::wait_child(trapper);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st;

  // N launches killed by KILL_PROCESS: each its own container, the killed process its init.
  std::vector<std::string> kill_ids = run_killed_containers(h, "kill", kKills, false);

  wait_at_least(h, id, "getppid", "errno", uint64_t{kErrno});
  wait_at_least(h, trap_id, "uname", "trap", 1u);
  for (const auto& kid : kill_ids) wait_at_least(h, kid, "getppid", "kill_process", 1u);
  ASSERT_TRUE(h.mark());  // nothing counted twice arrives after this
  auto counted = h.read_state();
  EXPECT_EQ(verdict_count(counted, id, "getppid", "errno"), uint64_t{kErrno});
  EXPECT_EQ(verdict_count(counted, trap_id, "uname", "trap"), 1u);
  for (const auto& kid : kill_ids) EXPECT_EQ(verdict_count(counted, kid, "getppid", "kill_process"), 1u) << kid;

  int status = 0;
  auto rows = nlohmann::json::parse(h.events_json(&status, id));
  ASSERT_EQ(status, 0);
  ASSERT_EQ(rows.size(), 1u) << rows.dump();
  EXPECT_EQ(rows[0]["container"], id);
  EXPECT_EQ(rows[0]["syscall"], "getppid");
  EXPECT_EQ(rows[0]["arch"], "x86_64");
  EXPECT_EQ(rows[0]["action"], "errno");
  EXPECT_EQ(rows[0]["count"], kErrno);
  EXPECT_EQ(rows[0]["mode"], "enforce");
  EXPECT_FALSE(rows[0]["first_seen"].get<std::string>().empty());
  EXPECT_FALSE(rows[0]["last_seen"].get<std::string>().empty());
  h.stop_daemon();
  EXPECT_NE(h.log().find("seccomp-audit running"), std::string::npos);
}

TEST(DaemonEndToEnd, AuditModeRecordsLogVerdictsAndTheWorkloadSucceeds) {
  SC_REQUIRE_ROOT();
  DaemonHarness h;
  h.start_daemon();
  const int kCalls = 7;
  std::string id = "audit-" + suffix();
  std::string cg = h.make_cgroup(id);
  auto child = h.fork_child(cg, [] {
    if (!load_filter(SCMP_ACT_LOG)) return 90;
    for (int i = 0; i < kCalls; ++i)
      if (syscall(SYS_getppid) <= 0) return 91;  // LOG lets the call run
    return 0;
  });
  h.write_registry(id, child.pid, cg, "audit");
  DaemonHarness::release(child);
  int st = DaemonHarness::wait_child(child);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st;
  EXPECT_EQ(wait_count(h, id, "getppid", "log", uint64_t{kCalls}), uint64_t{kCalls});
  auto rows = nlohmann::json::parse(h.events_json(nullptr, id));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["action"], "log");
  EXPECT_EQ(rows[0]["mode"], "audit");
}

// Audit mode: every `log` verdict carries what the enforcing profile would have done, computed
// by the engine (profile -> resolve without audit mode -> compile -> evaluate).
TEST(DaemonEndToEnd, AuditModeLogVerdictsCarryTheEnforcingProfilesWouldBeAction) {
  SC_REQUIRE_ROOT();
  DaemonHarness h;
  std::string profile = h.dir() + "/uname-errno.json";
  {
    std::ofstream out(profile);
    out << R"({"defaultAction": "SCMP_ACT_ALLOW",
               "syscalls": [{"names": ["uname"], "action": "SCMP_ACT_ERRNO"}]})";
  }
  h.start_daemon();
  const int kUname = 4, kGetppid = 3;
  std::string id = "wouldbe-" + suffix();
  std::string cg = h.make_cgroup(id);
  auto child = h.fork_child(cg, [] {
    // What `launch --audit` installs: the profile with every non-ALLOW action as LOG. getppid
    // is logged too (as a broader audit filter would) although the profile allows it.
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx || seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1) != 0 ||
        seccomp_rule_add(ctx, SCMP_ACT_LOG, SCMP_SYS(uname), 0) != 0 ||
        seccomp_rule_add(ctx, SCMP_ACT_LOG, SCMP_SYS(getppid), 0) != 0 || seccomp_load(ctx) != 0)
      return 90;
    seccomp_release(ctx);
    struct utsname u;
    for (int i = 0; i < kUname; ++i)
      if (uname(&u) != 0) return 91;  // LOG lets it run
    for (int i = 0; i < kGetppid; ++i) syscall(SYS_getppid);
    return 0;
  });
  h.write_registry(id, child.pid, cg, "audit", profile, {"CAP_CHOWN"});
  DaemonHarness::release(child);
  int st = DaemonHarness::wait_child(child);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st;
  wait_at_least(h, id, "uname", "log", uint64_t{kUname});
  EXPECT_EQ(wait_count(h, id, "getppid", "log", uint64_t{kGetppid}), uint64_t{kGetppid});
  EXPECT_EQ(verdict_count(h.read_state(), id, "uname", "log"), uint64_t{kUname});
  auto rows = nlohmann::json::parse(h.events_json(nullptr, id));
  ASSERT_EQ(rows.size(), 2u) << rows.dump();
  std::map<std::string, nlohmann::json> by_syscall;
  for (const auto& r : rows) by_syscall[r["syscall"].get<std::string>()] = r;
  ASSERT_TRUE(by_syscall.count("uname")) << rows.dump();
  ASSERT_TRUE(by_syscall.count("getppid")) << rows.dump();
  EXPECT_EQ(by_syscall["uname"]["action"], "log");
  EXPECT_EQ(by_syscall["uname"]["count"], kUname);
  EXPECT_EQ(by_syscall["uname"]["mode"], "audit");
  EXPECT_EQ(by_syscall["uname"].value("would_be_action", ""), "errno") << rows.dump();
  EXPECT_EQ(by_syscall["getppid"].value("would_be_action", ""), "allow") << rows.dump();
  // Persisted: state.json carries it after a restart.
  h.stop_daemon();
  auto state = h.read_state();
  const auto& verdicts = state.containers.at(id).verdicts;
  std::string uname_would_be;
  for (const auto& [k, v] : verdicts)
    if (v.syscall == "uname") uname_would_be = sc::testing::would_be_text(v.would_be_action);
  EXPECT_EQ(uname_would_be, "errno");
}

TEST(DaemonEndToEnd, HostileProcessNamesSurviveEndToEnd) {
  SC_REQUIRE_ROOT();
  DaemonHarness h;
  h.start_daemon();
  static const char kName[] = "a \"b\" <script>\xff";  // 15 bytes: fits comm
  std::string id = "hostile-" + suffix();
  std::string cg = h.make_cgroup(id);
  auto child = h.fork_child(cg, [] {
    if (prctl(PR_SET_NAME, kName) != 0) return 89;
    if (!load_filter(SCMP_ACT_LOG)) return 90;
    syscall(SYS_getppid);
    return 0;
  });
  h.write_registry(id, child.pid, cg, "audit");
  DaemonHarness::release(child);
  DaemonHarness::wait_child(child);
  ASSERT_EQ(wait_count(h, id, "getppid", "log", 1u), 1u);
  auto state = h.read_state();
  const auto& v = state.containers.at(id).verdicts;
  ASSERT_EQ(v.size(), 1u);
  ASSERT_TRUE(v.begin()->second.sample);
  EXPECT_EQ(v.begin()->second.sample->comm, std::string(kName));  // raw bytes, round-tripped
  auto rows = nlohmann::json::parse(h.events_json(nullptr, id));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["comm"], "a \"b\" <script>\\xFF");
}

TEST(DaemonEndToEnd, SigkillBeforeAFlushLosesNothingJournaledAndDoublesNothing) {
  SC_REQUIRE_ROOT();
  DaemonHarness h;
  // Long flush interval: the counts live only in memory and in the journal when we kill it.
  h.start_daemon({"--flush_interval=3600"});
  std::string id = "restart-" + suffix();
  std::string cg = h.make_cgroup(id);
  const int kFirst = 11, kSecond = 6;
  // Held children: alive (attributed by /proc) until their counts are where the test looks.
  auto run_batch = [&](int n) {
    auto child = h.fork_child(cg, [n] {
      if (!load_filter(SCMP_ACT_LOG)) return 90;
      for (int i = 0; i < n; ++i) syscall(SYS_getppid);
      return 0;
    }, true);
    h.write_registry(id, child.pid, cg, "audit");
    // The registry change is flushed at once (daemon.watched); the calls come after it, so the
    // counts themselves are in memory and in the journal only.
    EXPECT_TRUE(h.wait_until_watched(id));
    DaemonHarness::release(child);
    return child;
  };
  auto first = run_batch(kFirst);
  // The daemon has read the whole batch once the journal holds it. (A flush can still come
  // in between: the daemon rewrites state.json when its host-wide watched set changes, e.g.
  // for another test's container. Then state.json holds what the journal no longer does.)
  // The state first, then the journal batches it does not include: a flush in between moves
  // counts from the journal to the state, which this order sees at most as too few (retried).
  auto read_so_far = [&] {
    uint64_t flushed = 0, seq = 0;
    try {
      std::string text = read_text(h.state_dir() + "/state.json");  // one read: counts and seq agree
      flushed = verdict_count(sc::audit::from_json_text(text), id, "getppid", "log");
      seq = nlohmann::json::parse(text)["daemon"].value("journal_seq", uint64_t{0});
    } catch (const std::exception&) {
    }
    return journaled(h, id, "getppid", seq) + flushed;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (read_so_far() < uint64_t{kFirst} && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling a file: 10 ms steps
  ASSERT_EQ(read_so_far(), uint64_t{kFirst}) << h.log_tail();
  DaemonHarness::wait_child(first);
  h.stop_daemon(SIGKILL);
  if (verdict_count(h.read_state(), id, "getppid", "log") != 0)
    std::printf("note: a flush came before the kill (the watched set changed); the journal held the rest\n");
  h.start_daemon({"--flush_interval=0.2"});
  auto second = run_batch(kSecond);
  EXPECT_EQ(wait_count(h, id, "getppid", "log", uint64_t{kFirst + kSecond}), uint64_t{kFirst + kSecond}) << h.log();
  DaemonHarness::wait_child(second);
  // A second crash right after a flush: the replay must not add the batches again.
  h.stop_daemon(SIGKILL);
  h.start_daemon({"--flush_interval=0.2"});
  ASSERT_TRUE(h.mark());  // after the replay, and after a flush of this run
  EXPECT_EQ(verdict_count(h.read_state(), id, "getppid", "log"), uint64_t{kFirst + kSecond});
  h.stop_daemon();
  EXPECT_EQ(verdict_count(h.read_state(), id, "getppid", "log"), uint64_t{kFirst + kSecond});
}

TEST(DaemonEndToEnd, CorruptStateIsReportedAndSetAsideNotDiscarded) {
  SC_REQUIRE_ROOT();
  DaemonHarness h;
  std::string path = h.state_dir() + "/state.json";
  { std::ofstream(path) << "{\"version\": 1, \"containers\": {\"x\": {\"verdicts\": 7"; }
  int status = 0;
  h.events_json(&status);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << "events on a corrupt file fails clearly";
  h.start_daemon();
  h.stop_daemon();
  bool set_aside = false;
  for (const auto& e : std::filesystem::directory_iterator(h.state_dir()))
    if (e.path().filename().string().rfind("state.json.corrupt-", 0) == 0) {
      set_aside = true;
      std::ifstream in(e.path());
      std::string text((std::istreambuf_iterator<char>(in)), {});
      EXPECT_NE(text.find("\"verdicts\": 7"), std::string::npos) << "the bad bytes are kept";
    }
  EXPECT_TRUE(set_aside);
  EXPECT_NE(h.log().find("corrupt"), std::string::npos) << h.log();
  EXPECT_NO_THROW(h.read_state());  // a fresh valid state was written
}

TEST(DaemonEndToEnd, DegradedModesAreReportedClearly) {
  SC_REQUIRE_ROOT();
  DaemonHarness h;
  // The registry dir is not a directory (root reads everything, so "unreadable" this way).
  std::filesystem::remove_all(h.runtime_dir() + "/containers");
  { std::ofstream(h.runtime_dir() + "/containers") << "x"; }
  // The tracer off on purpose (--sources=audit): the degradation this test is about.
  h.start_daemon({"--sources=audit"});
  h.stop_daemon();  // SIGTERM: a final flush
  std::string log = h.log();
  EXPECT_NE(log.find("DEGRADED: runtime dir"), std::string::npos) << log;
  auto state = h.read_state();
  EXPECT_TRUE(state.sources.at("audit").live);
  EXPECT_FALSE(state.sources.at("bpf").live);
  EXPECT_NE(log.find("DEGRADED: bpf tracer off"), std::string::npos) << log;
  EXPECT_NE(state.sources.at("bpf").detail.find("disabled (--sources=audit)"), std::string::npos)
      << state.sources.at("bpf").detail;
  EXPECT_NE(log.find("coverage: partly not seen: errno"), std::string::npos) << log;
  // With no source at all the daemon refuses to run (exit 1, a clear message): the only source
  // asked for is the tracer, and its pin dir is not on a bpf filesystem.
  std::string out;
  int st = sc::testing::run_program({sc::testing::binary("seccomp-audit"), "run", "--state_dir=" + h.state_dir(),
                                     "--listen=off", "--sources=bpf", "--pin_dir=/nonexistent/x"}, &out);
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 1) << st;
  // A bad rules file: exit 1 naming the JSON path.
  std::string rules = h.dir() + "/rules.json";
  { std::ofstream(rules) << R"({"rules": [{"name": "x", "runtime": "y", "pattern": "(["}]})"; }
  st = sc::testing::run_program({sc::testing::binary("seccomp-audit"), "run", "--state_dir=" + h.state_dir(),
                                 "--listen=off", "--cgroup_rules=" + rules}, &out);
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 1) << st;
}

// `run --reset` removes a pin dir on bpffs and refuses anything else (a wrong flag must never
// delete real files).
TEST(DaemonEndToEnd, ResetRemovesPinsOnBpffsAndRefusesOtherDirectories) {
  SC_REQUIRE_ROOT();
  SC_REQUIRE(std::filesystem::is_directory("/sys/fs/bpf"), "bpffs is not mounted at /sys/fs/bpf");
  std::string pins = "/sys/fs/bpf/sc-test-reset-" + suffix();
  std::filesystem::create_directories(pins + "/sub");
  int st = sc::testing::run_program({sc::testing::binary("seccomp-audit"), "run", "--reset", "--pin_dir=" + pins});
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st;
  EXPECT_FALSE(std::filesystem::exists(pins));
  std::error_code ec;
  std::filesystem::remove_all(pins, ec);  // cleanup also when the reset failed

  DaemonHarness h;
  std::string keep = h.dir() + "/not-bpffs";
  std::filesystem::create_directories(keep);
  std::ofstream(keep + "/file") << "x";
  st = sc::testing::run_program({sc::testing::binary("seccomp-audit"), "run", "--reset", "--pin_dir=" + keep});
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 1) << st;
  EXPECT_TRUE(std::filesystem::exists(keep + "/file"));
}


// The tracer live (pins on bpffs, syscall hooks on): ERRNO counts come from the pinned kernel
// maps, so calls made while the daemon is dead after a SIGKILL are still counted, exactly once.
TEST(DaemonEndToEnd, SigkillWithTheTracerLiveKeepsErrnoCountsExact) {
  SC_REQUIRE_ROOT();
  SC_REQUIRE(std::filesystem::is_directory("/sys/fs/bpf"), "bpffs is not mounted at /sys/fs/bpf");
  PinDir pins;  // destroyed after the harness (which kills the daemon first)
  DaemonHarness h;
  // --listen: the daemon's /metrics shows its in-memory counts (state.json is not flushed).
  std::vector<std::string> flags = {"--pin_dir=" + pins.path, "--syscall_hooks=on", "--listen=127.0.0.1:0",
                                    "--flush_interval=3600"};
  h.start_daemon(flags);
  SC_REQUIRE(h.log().find("syscall hooks live") != std::string::npos,
             "the tracer's syscall hooks are not live on this kernel: " + h.log());
  std::string id = "tracer-restart-" + suffix();
  std::string cg = h.make_cgroup(id);
  const int kFirst = 9, kWhileDown = 5, kAfter = 4;
  auto run_batch = [&](int n, bool write_entry) {
    auto child = h.fork_child(cg, [n] {
      if (!load_filter(SCMP_ACT_ERRNO(EACCES))) return 90;
      for (int i = 0; i < n; ++i)
        if (syscall(SYS_getppid) != -1 || errno != EACCES) return 91;
      return 0;
    });
    if (write_entry) {
      h.write_registry(id, child.pid, cg, "enforce");
      // This test is about the tracer's pinned counts across a SIGKILL, so its calls start once
      // the tracer watches the cgroup. Calls made within a few ms of the moment a cgroup
      // becomes watched can be counted twice: audit timestamps are coarse (docs/daemon.md,
      // "Sources and which one counts what").
      h.wait_until_watched(id);
    }
    DaemonHarness::release(child);
    return DaemonHarness::wait_child(child);
  };
  int st = run_batch(kFirst, true);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st;
  // The daemon has read the tracer's counts (its /metrics serves them from memory) but has
  // not flushed them: the SIGKILL then loses in-memory counts whose baselines are unwritten.
  const std::string url = metrics_url(h);
  ASSERT_FALSE(url.empty()) << h.log();
  double served = -1;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
       served < kFirst && std::chrono::steady_clock::now() < deadline;) {
    served = metrics_count(url, id, "getppid", "errno");
    if (served < kFirst) std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling HTTP: 20 ms steps
  }
  if (served != kFirst) {
    std::string text;
    sc::testing::run_program({"/usr/bin/curl", "-sf", url}, &text);
    ADD_FAILURE() << "/metrics:\n" << text;
  }
  ASSERT_EQ(served, kFirst) << h.log_tail();
  h.stop_daemon(SIGKILL);
  // Normally nothing was flushed (an hour's interval); a change of the host-wide watched set
  // (another test's container) would have flushed, which the exact total below also covers.
  if (verdict_count(h.read_state(), id, "getppid", "errno") != 0)
    std::printf("note: a flush came before the kill (the watched set changed)\n");
  // The daemon is dead; the pinned links keep counting.
  st = run_batch(kWhileDown, false);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st;
  flags.back() = "--flush_interval=0.2";
  h.start_daemon(flags);
  st = run_batch(kAfter, false);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st;
  const uint64_t total = kFirst + kWhileDown + kAfter;
  EXPECT_EQ(wait_count(h, id, "getppid", "errno", total), total)
      << h.log() << "\nstate.json: " << read_text(h.state_dir() + "/state.json");
  // Restart again: the tracer baselines were flushed with the counts, nothing is added twice.
  h.stop_daemon(SIGKILL);
  h.start_daemon(flags);
  ASSERT_TRUE(h.mark());  // the marker's ERRNO comes from a tracer read after the restart
  EXPECT_EQ(verdict_count(h.read_state(), id, "getppid", "errno"), total);
  h.stop_daemon();
  EXPECT_EQ(verdict_count(h.read_state(), id, "getppid", "errno"), total);
}

// KILL_THREAD in a single-threaded process is one kill seen by both sources (the audit stream:
// kill_thread; the tracer: the process died of SIGSYS, kill_process): counted once.
TEST(DaemonEndToEnd, SingleThreadedKillThreadIsCountedOnce) {
  SC_REQUIRE_ROOT();
  SC_REQUIRE(std::filesystem::is_directory("/sys/fs/bpf"), "bpffs is not mounted at /sys/fs/bpf");
  PinDir pins;
  DaemonHarness h;
  h.start_daemon({"--pin_dir=" + pins.path, "--syscall_hooks=on"});
  SC_REQUIRE(h.log().find("kill_process") != std::string::npos &&
                 h.log().find("bpf tracer LIVE") != std::string::npos,
             "the tracer does not count kills on this kernel: " + h.log());
  const int kKills = 2;
  std::vector<std::string> ids;
  for (int i = 0; i < kKills; ++i) {
    std::string id = "killthread" + std::to_string(i) + "-" + suffix();
    std::string cg = h.make_cgroup(id);
    auto victim = h.fork_child(cg, [] {
      if (!load_filter(SCMP_ACT_KILL_THREAD)) return 90;
      syscall(SYS_getppid);
      return 93;  // not reached
    });
    h.write_registry(id, victim.pid, cg, "enforce");
    // Both sources must see the kill: release only once the tracer watches the cgroup.
    h.wait_until_watched(id);
    DaemonHarness::release(victim);
    int st = DaemonHarness::wait_child(victim);
    ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS) << st;
    ids.push_back(id);
  }
  for (const auto& id : ids)
    h.wait_state([&](const sc::audit::State& s) {
      return verdict_count(s, id, "getppid", "kill_process") + verdict_count(s, id, "getppid", "kill_thread") >= 1;
    }, "the kill of " + id);
  ASSERT_TRUE(h.mark());  // late records of either source would show now
  for (const auto& id : ids) {
    auto st = h.read_state();
    EXPECT_EQ(verdict_count(st, id, "getppid", "kill_process") + verdict_count(st, id, "getppid", "kill_thread"), 1u)
        << id << "\n" << h.events_json(nullptr, id) << h.log();
  }
  h.stop_daemon();
}

// A tracer program off (as when the running kernel's verifier rejects it): the daemon says so
// at start-up, the audit stream takes over what it served (traps and kills, exactly once),
// and state.json, `events` and the report show the hook as not live with what it serves.
TEST(DaemonEndToEnd, AHookOffIsTakenOverByTheAuditStreamAndShown) {
  SC_REQUIRE_ROOT();
  SC_REQUIRE(std::filesystem::is_directory("/sys/fs/bpf"), "bpffs is not mounted at /sys/fs/bpf");
  PinDir pins;
  DaemonHarness h;
  h.start_daemon({"--pin_dir=" + pins.path, "--syscall_hooks=on", "--disable_hooks=tp_btf/signal_generate"});
  ASSERT_NE(h.log().find("bpf tracer LIVE"), std::string::npos) << h.log();
  EXPECT_NE(h.log().find("tp_btf/signal_generate (disabled on purpose"), std::string::npos) << h.log();
  const int kTraps = 4, kKills = 2;
  std::string trap_id = "hookoff-trap-" + suffix();
  std::string trap_cg = h.make_cgroup(trap_id);
  auto trapper = h.fork_child(trap_cg, [] {
    signal(SIGSYS, on_sigsys);
    if (!load_filter(SCMP_ACT_TRAP, SCMP_SYS(uname))) return 90;
    for (int i = 0; i < kTraps; ++i) syscall(SYS_uname, nullptr);
    return g_traps == kTraps ? 0 : 92;
  });
  h.write_registry(trap_id, trapper.pid, trap_cg, "enforce");
  h.wait_until_watched(trap_id);
  DaemonHarness::release(trapper);
  int st = DaemonHarness::wait_child(trapper);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st;
  std::vector<std::string> kill_ids = run_killed_containers(h, "hookoff-kill", kKills, true);
  EXPECT_EQ(wait_count(h, trap_id, "uname", "trap", kTraps), uint64_t{kTraps}) << h.log();
  for (const auto& kid : kill_ids) EXPECT_EQ(wait_count(h, kid, "getppid", "kill_process", 1u), 1u) << kid;
  h.stop_daemon();

  auto state = h.read_state();
  const auto& hooks = state.sources.at("bpf").hooks;
  bool found = false;
  for (const auto& hook : hooks) {
    if (hook.name != "tp_btf/signal_generate") continue;
    found = true;
    EXPECT_FALSE(hook.live);
    EXPECT_NE(hook.serves.find("trap"), std::string::npos) << hook.serves;
    EXPECT_NE(hook.reason.find("disabled on purpose"), std::string::npos) << hook.reason;
  }
  EXPECT_TRUE(found) << "no status for tp_btf/signal_generate in state.json";
  std::string md;
  st = sc::testing::run_program({sc::testing::binary("seccomp-audit"), "report", "--state_dir=" + h.state_dir(),
                                 "--runtime_dir=" + h.runtime_dir()}, &md);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st << md;
  // (Markdown-escaped: `_`, `(` and `.` carry a backslash.)
  EXPECT_NE(md.find("| tp\\_btf/signal\\_generate | **no** | trap, kill\\_process"), std::string::npos) << md;
  // The audit stream is live, so traps are still seen (for filters with the LOG flag).
  EXPECT_NE(md.find("partly not seen: trap"), std::string::npos) << md;
}

// With the audit stream off too, what the missing hook served is not seen at all: `events`,
// the report and `suggest --require_complete` say so instead of looking complete.
TEST(DaemonEndToEnd, ABlindRecordingIsCalledIncomplete) {
  SC_REQUIRE_ROOT();
  SC_REQUIRE(std::filesystem::is_directory("/sys/fs/bpf"), "bpffs is not mounted at /sys/fs/bpf");
  PinDir pins;
  DaemonHarness h;
  h.start_daemon({"--pin_dir=" + pins.path, "--syscall_hooks=on", "--sources=bpf",
                  "--disable_hooks=tp_btf/signal_generate"});
  EXPECT_NE(h.log().find("coverage: NOT SEEN: trap"), std::string::npos) << h.log();
  EXPECT_NE(h.log().find("coverage: NOT SEEN: log"), std::string::npos) << h.log();
  h.stop_daemon();  // SIGTERM: a final flush
  std::string out;
  int st = sc::testing::run_program({sc::testing::binary("seccomp-audit"), "events", "--state_dir=" + h.state_dir()}, &out);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st << out;
  EXPECT_NE(out.find("WARNING: recording INCOMPLETE: NOT SEEN: log"), std::string::npos) << out;
  EXPECT_NE(out.find("NOT SEEN: trap"), std::string::npos) << out;
  st = sc::testing::run_program({sc::testing::binary("seccomp-audit"), "report", "--state_dir=" + h.state_dir(),
                                 "--runtime_dir=" + h.runtime_dir()}, &out);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st << out;
  EXPECT_NE(out.find("**Coverage: INCOMPLETE**"), std::string::npos) << out;
}

// Issue 18: a process name that is not UTF-8 (overlong '/', a surrogate) plus HTML must not stop
// the daemon, corrupt its files, or reach any output raw. Audit stream only (no tracer).
TEST(DaemonEndToEnd, InvalidUtf8ProcessNameNeitherStopsTheDaemonNorCorruptsItsFiles) {
  SC_REQUIRE_ROOT();
  DaemonHarness h;
  const std::vector<std::string> flags = {"--sources=audit", "--listen=127.0.0.1:0"};
  h.start_daemon(flags);
  static const char kName[] = "<b>&\"\xC0\xAF\xED\xA0\x80";  // 10 bytes: fits comm
  const std::string shown = "<b>&\"\\xC0\\xAF\\xED\\xA0\\x80";
  std::string id = "badutf8-" + suffix();
  std::string cg = h.make_cgroup(id);
  auto child = h.fork_child(cg, [] {
    if (prctl(PR_SET_NAME, kName) != 0) return 89;
    if (!load_filter(SCMP_ACT_LOG)) return 90;
    for (int i = 0; i < 3; ++i) syscall(SYS_getppid);
    return 0;
  });
  h.write_registry(id, child.pid, cg, "audit");
  DaemonHarness::release(child);
  int status = DaemonHarness::wait_child(child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  ASSERT_EQ(wait_count(h, id, "getppid", "log", 3u), 3u) << h.log();
  // Still running: it keeps flushing, and logged nothing fatal.
  h.wait_flush();
  EXPECT_EQ(h.log().find("stopping:"), std::string::npos) << h.log();
  EXPECT_EQ(h.log().find("invalid UTF-8"), std::string::npos) << h.log();
  auto state = h.read_state();
  const auto& v = state.containers.at(id).verdicts;
  ASSERT_EQ(v.size(), 1u);
  ASSERT_TRUE(v.begin()->second.sample);
  EXPECT_EQ(v.begin()->second.sample->comm, std::string(kName)) << "raw bytes kept";

  // /metrics: fetched from the live daemon, checked by promtool.
  std::string log = h.log();
  size_t at = log.find("metrics: http://");
  ASSERT_NE(at, std::string::npos) << log;
  std::string url = log.substr(at + 9, log.find('\n', at) - at - 9);
  std::string metrics;
  ASSERT_EQ(sc::testing::run_program({"/usr/bin/curl", "-sf", url}, &metrics), 0) << url;
  EXPECT_NE(metrics.find(id), std::string::npos) << metrics;
  std::string metrics_file = h.dir() + "/metrics.txt";
  { std::ofstream(metrics_file) << metrics; }
  std::string promtool;
  int rc = sc::testing::run_program({"/bin/sh", "-c", "promtool check metrics < " + metrics_file + " 2>&1"}, &promtool);
  EXPECT_EQ(rc, 0) << promtool;

  // Restart: stop (final flush), start again, same counts, state readable, no set-aside file.
  h.stop_daemon();
  auto before = h.read_state();
  h.start_daemon(flags);
  h.wait_flush();
  EXPECT_EQ(verdict_count(h.read_state(), id, "getppid", "log"), 3u) << h.log();
  h.stop_daemon(SIGKILL);  // and once more after a crash: the journal replays cleanly
  h.start_daemon(flags);
  h.wait_flush();
  h.stop_daemon();
  auto after = h.read_state();
  EXPECT_EQ(verdict_count(after, id, "getppid", "log"), 3u);
  EXPECT_EQ(after.containers.at(id).verdicts.begin()->second.sample->comm, std::string(kName));
  for (const auto& e : std::filesystem::directory_iterator(h.state_dir()))
    EXPECT_EQ(e.path().filename().string().find(".corrupt-"), std::string::npos) << e.path();
  EXPECT_EQ(h.log().find("cannot use state dir"), std::string::npos) << h.log();

  // events: the table and strict JSON, the name shown with \xNN escapes.
  std::string table;
  ASSERT_EQ(sc::testing::run_program({sc::testing::binary("seccomp-audit"), "events", "--state_dir=" + h.state_dir(),
                                      "--container=" + id}, &table), 0);
  EXPECT_NE(table.find(shown), std::string::npos) << table;
  EXPECT_EQ(table.find(kName), std::string::npos) << "no raw bytes on the terminal";
  int events_status = 0;
  std::string json_text = h.events_json(&events_status, id);
  ASSERT_EQ(events_status, 0);
  nlohmann::json rows;
  ASSERT_NO_THROW(rows = nlohmann::json::parse(json_text)) << json_text;  // nlohmann's parser is strict UTF-8
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["comm"], shown);
  EXPECT_EQ(rows[0]["count"], 3);

  // Reports: Markdown and HTML show the name as text, never as markup.
  for (const std::string format : {"md", "html"}) {
    std::string report;
    ASSERT_EQ(sc::testing::run_program({sc::testing::binary("seccomp-audit"), "report", "--state_dir=" + h.state_dir(),
                                        "--runtime_dir=" + h.runtime_dir(), "--container=" + id, "--format=" + format},
                                       &report), 0) << report;
    EXPECT_EQ(report.find("<b>&"), std::string::npos) << format << ": the name's markup is escaped";
    EXPECT_NE(report.find("&lt;b&gt;&amp;"), std::string::npos) << format << "\n" << report;
    EXPECT_NE(report.find("xC0"), std::string::npos) << format << ": the bad bytes shown as \\xNN";
    EXPECT_EQ(report.find("\xC0\xAF"), std::string::npos) << format << ": no invalid UTF-8 in the report";
  }
}

TEST(DaemonEndToEnd, UnreadableJournalIsSetAsideAndTheDaemonStarts) {
  SC_REQUIRE_ROOT();
  DaemonHarness h;
  std::filesystem::create_directories(h.state_dir());
  std::string journal = h.state_dir() + "/journal.jsonl";
  // A readable batch, then a line no daemon wrote (not hex where hex belongs), then another.
  const std::string good = R"({"seq":1,"obs":[{"c":"6a31","rt":"cgroup","cg":"","cgid":0,"mode":"audit","pn":"",)"
                           R"("pp":"","ps":"","arch":"x86_64","nr":39,"act":"log","err":-1,"sys":"getpid",)"
                           R"("n":2,"f":1,"l":2}]})";
  { std::ofstream(journal) << good << "\n" << R"({"seq":2,"obs":[{"c":"\u00ff"}]})" << "\n{garbage\n"; }
  h.start_daemon({"--sources=audit"});
  h.wait_flush();
  EXPECT_EQ(verdict_count(h.read_state(), "j1", "getpid", "log"), 2u) << h.log();
  h.stop_daemon();
  int set_aside = 0;
  for (const auto& e : std::filesystem::directory_iterator(h.state_dir()))
    if (e.path().filename().string().rfind("journal.jsonl.corrupt-", 0) == 0) {
      ++set_aside;
      EXPECT_NE(read_text(e.path()).find("{garbage"), std::string::npos) << "the bad bytes are kept";
    }
  EXPECT_EQ(set_aside, 1);
  EXPECT_NE(h.log().find("moved aside"), std::string::npos) << h.log();
  EXPECT_EQ(h.log().find("cannot use state dir"), std::string::npos) << h.log();
}
