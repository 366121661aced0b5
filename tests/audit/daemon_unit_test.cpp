// The daemon's record handling without root, through FakeSource (tests/support/fake_source.h):
// counts, attribution by registry entry and by cgroup rule, re-attribution of counts recorded
// before their registry entry, restarts, hostile records, and the ownership rules applied to
// audit records (a record the tracer owns is not counted again; a kill seen twice is counted
// once). A temporary state dir and runtime dir; no cgroup2 mount, no tracer, no BPF.
#include <time.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "audit/daemon/daemon.h"
#include "state/state_file.h"
#include "isolator/registry/registry.h"
#include "state/aggregate.h"
#include "tests/support/fake_source.h"
#include "tests/support/registry_entry.h"
#include "tests/support/temp_dir.h"
#include "tests/support/verdict_key.h"

namespace sc_daemon_unit_test {

using sc::audit::DaemonOptions;
using sc::audit::DaemonSeams;
using sc::audit::State;
using sc::audit::VerdictKey;
using sc::testing::FakeSourceFeed;
using sc::testing::TempDir;

constexpr uint32_t kLog = 0x7ffc0000, kErrnoEperm = 0x00050001, kKillThread = 0x00000000,
                   kKillProcess = 0x80000000;
// Pids no process can have (above the kernel's PID_MAX_LIMIT): /proc never answers for them.
constexpr int32_t kPidWeb = 1 << 29, kPidOther = (1 << 29) + 1, kPidDocker = (1 << 29) + 2,
                  kPidNobody = (1 << 29) + 3;
const std::string kDockerId(64, 'a');

int64_t realtime_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

sc::registry::Entry entry(const std::string& id, const std::string& cgroup, uint64_t cgroup_id) {
  return sc::testing::registry_entry(id, cgroup, cgroup_id);
}

// The daemon in a thread of the test, fed by one FakeSourceFeed (audit records and process
// events), state and registry in temporary directories.
struct Harness {
  TempDir state{"sc-daemon-unit-state"};
  TempDir runtime{"sc-daemon-unit-run"};
  std::shared_ptr<FakeSourceFeed> feed = std::make_shared<FakeSourceFeed>();
  DaemonSeams seams;
  std::atomic<bool> stop{false};
  std::thread thread;
  int exit_code = -1;

  Harness() {
    seams.audit = sc::testing::fake_source_opener(feed, sc::testing::FakeRole::AuditStream, "fake audit stream");
    seams.proc_connector =
        sc::testing::fake_source_opener(feed, sc::testing::FakeRole::ProcessConnector, "fake process connector");
    seams.cgroup_mount = "";
  }
  ~Harness() { finish(); }

  DaemonOptions options() const {
    DaemonOptions o;
    o.listen = "off";
    o.state_dir = state.path;
    o.runtime_dir = runtime.path;
    o.sources = "audit";
    o.flush_interval_s = 0.05;
    o.scan_interval_s = 0.05;
    o.syscall_hooks = "auto";
    return o;
  }
  void start() {
    stop = false;
    thread = std::thread([this] { exit_code = sc::audit::run_daemon(options(), &stop, seams); });
  }
  int finish() {
    if (thread.joinable()) {
      stop = true;
      thread.join();
    }
    return exit_code;
  }
  // state.json as the running daemon last wrote it (nullopt: not written yet).
  std::optional<std::pair<State, sc::audit::Bookkeeping>> peek() const {
    std::string text = sc::testing::file_bytes(sc::audit::state_file_path(state.path));
    if (text.empty()) return std::nullopt;
    try {
      return std::make_pair(sc::audit::from_json_text(text), sc::audit::bookkeeping_from_json_text(text));
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  // Waits until a state.json written by the running daemon satisfies `ok`.
  bool wait_state(const std::function<bool(const State&, const sc::audit::Bookkeeping&)>& ok,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      if (auto s = peek(); s && ok(s->first, s->second)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  bool wait_watched(uint64_t cgroup_id) const {
    return wait_state([&](const State&, const sc::audit::Bookkeeping& b) {
      for (const auto& w : b.watched)
        if (w.cgroup_id == cgroup_id) return true;
      return false;
    });
  }
  State final_state() const { return sc::audit::load_state_file(state.path).state; }
};

// The count of one verdict of one container (-1: no such row).
int64_t count_of(const State& s, const std::string& container, int32_t nr, const std::string& action) {
  auto c = s.containers.find(container);
  if (c == s.containers.end()) return -1;
  auto v = c->second.verdicts.find(sc::testing::verdict_key("x86_64", nr, action, -1));
  return v == c->second.verdicts.end() ? -1 : static_cast<int64_t>(v->second.count);
}

TEST(DaemonUnit, CountsAuditRecordsAndAttributesThemByRegistryEntryAndCgroupRule) {
  Harness h;
  sc::registry::write(h.runtime.path, entry("web", "/seccomp-companion/web", 4242));
  h.feed->push_process(kPidWeb, "/seccomp-companion/web");
  h.feed->push_process(kPidDocker, "/docker/" + kDockerId);
  h.start();
  ASSERT_TRUE(h.wait_watched(4242));
  int64_t now = realtime_ns();
  for (int i = 0; i < 3; ++i) h.feed->push_seccomp(kPidWeb, 63, kLog, now, "uname");
  h.feed->push_seccomp(kPidWeb, 39, kErrnoEperm, now);
  h.feed->push_seccomp(kPidDocker, 165, kLog, now);
  h.feed->push_seccomp(kPidNobody, 1, kLog, now);  // no source knows where it ran
  ASSERT_TRUE(h.feed->wait_consumed());
  ASSERT_EQ(h.finish(), 0);

  State s = h.final_state();
  EXPECT_EQ(count_of(s, "web", 63, "log"), 3);
  EXPECT_EQ(count_of(s, "web", 39, "errno"), 1);
  const auto& web = s.containers.at("web");
  EXPECT_EQ(web.mode, "enforce");
  EXPECT_EQ(web.cgroup_id, 4242u);
  auto v = web.verdicts.find(sc::testing::verdict_key("x86_64", 63, "log", -1));
  ASSERT_NE(v, web.verdicts.end());
  ASSERT_TRUE(v->second.sample);
  EXPECT_EQ(v->second.sample->comm, "uname");
  EXPECT_EQ(v->second.sample->pid, kPidWeb);
  // A docker cgroup without a registry entry: the docker-cgroupfs rule names the container.
  EXPECT_EQ(count_of(s, kDockerId, 165, "log"), 1);
  EXPECT_EQ(s.containers.at(kDockerId).runtime, "docker");
  EXPECT_EQ(count_of(s, "unattributed", 1, "log"), 1);
  EXPECT_EQ(s.sources.at("audit").events, 6u);
  EXPECT_TRUE(s.sources.at("audit").live);
  EXPECT_EQ(s.sources.at("audit").detail, "fake audit stream");
  EXPECT_TRUE(s.sources.at("proc_connector").live);
  EXPECT_FALSE(s.sources.at("bpf").live);
}

TEST(DaemonUnit, CountsRecordedBeforeTheRegistryEntryAreReattributedOnce) {
  Harness h;
  h.feed->push_process(kPidWeb, "/seccomp-companion/late");
  h.start();
  int64_t now = realtime_ns();
  h.feed->push_seccomp(kPidWeb, 63, kLog, now);
  h.feed->push_seccomp(kPidWeb, 63, kLog, now);
  ASSERT_TRUE(h.feed->wait_consumed());
  // No entry yet: the bare cgroup is the container.
  ASSERT_TRUE(h.wait_state([](const State& s, const auto&) { return count_of(s, "/seccomp-companion/late", 63, "log") == 2; }));

  sc::registry::write(h.runtime.path, entry("late", "/seccomp-companion/late", 777));
  ASSERT_TRUE(h.wait_state([](const State& s, const auto&) {
    return count_of(s, "late", 63, "log") == 2 && !s.containers.count("/seccomp-companion/late");
  }));
  h.feed->push_seccomp(kPidWeb, 63, kLog, realtime_ns());
  ASSERT_TRUE(h.feed->wait_consumed());
  ASSERT_EQ(h.finish(), 0);

  State s = h.final_state();
  EXPECT_EQ(count_of(s, "late", 63, "log"), 3);
  EXPECT_FALSE(s.containers.count("/seccomp-companion/late"));
  EXPECT_EQ(s.containers.at("late").mode, "enforce");
  EXPECT_EQ(s.containers.at("late").cgroup_id, 777u);
}

TEST(DaemonUnit, ARecordTheTracerOwnsIsNotCountedAgainAndAKillSeenTwiceIsCountedOnce) {
  Harness h;
  sc::audit::ownership::TracerHooks hooks;
  hooks.present = true;
  hooks.signal = true;  // the tracer counts kill_process and trap of watched cgroups
  h.seams.tracer_hooks = hooks;
  std::mutex mu;
  std::set<int32_t> dying{kPidWeb};
  h.seams.process_dying = [&](int32_t pid) {
    std::lock_guard lock(mu);
    return dying.count(pid) > 0;
  };
  sc::registry::write(h.runtime.path, entry("web", "/seccomp-companion/web", 4242));
  h.feed->push_process(kPidWeb, "/seccomp-companion/web");    // dies of SIGSYS
  h.feed->push_process(kPidOther, "/seccomp-companion/web");  // a multi-threaded process: lives on
  h.start();
  ASSERT_TRUE(h.wait_watched(4242));
  int64_t now = realtime_ns();
  h.feed->push_seccomp(kPidWeb, 10, kKillProcess, now);                 // the tracer's: sample only
  h.feed->push_seccomp(kPidWeb, 11, kKillProcess, 1'000'000'000);       // stamped before the watch: audit's
  h.feed->push_seccomp(kPidWeb, 12, kKillThread, now);                  // dying of SIGSYS: the tracer's kill
  h.feed->push_seccomp(kPidOther, 13, kKillThread, now);                // held, then counted as kill_thread
  h.feed->push_seccomp(kPidWeb, 14, kLog, now);                         // log: always audit's here
  ASSERT_TRUE(h.feed->wait_consumed());
  // The held kill is settled once its hold has run out, and only once.
  ASSERT_TRUE(h.wait_state([](const State& s, const auto&) { return count_of(s, "web", 13, "kill_thread") == 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_EQ(h.finish(), 0);

  State s = h.final_state();
  EXPECT_EQ(count_of(s, "web", 10, "kill_process"), 0);
  EXPECT_EQ(count_of(s, "web", 11, "kill_process"), 1);
  EXPECT_EQ(count_of(s, "web", 12, "kill_thread"), 0);
  EXPECT_EQ(count_of(s, "web", 13, "kill_thread"), 1);
  EXPECT_EQ(count_of(s, "web", 14, "log"), 1);
  EXPECT_EQ(s.sources.at("audit").events, 3u);
  // daemon.watched: the tracer counts the cgroup from when the watch began.
  auto books = sc::audit::load_state_file(h.state.path).books;
  ASSERT_EQ(books.watched.size(), 1u);
  EXPECT_GT(books.watched[0].since_ns, 1'000'000'000);
  EXPECT_LE(books.watched[0].since_ns, now);
}

// Seen in the churn end-to-end test: the exit record of a short container reaches the daemon
// before the audit records of its last calls; those were counted by the tracer while it
// watched, and must not be counted again by the audit stream once the watch has ended.
TEST(DaemonUnit, RecordsReadAfterTheirContainerWentAreNotCountedAgain) {
  Harness h;
  sc::audit::ownership::TracerHooks hooks;
  hooks.present = hooks.syscall = true;
  hooks.syscall_since_ns = 1;
  h.seams.tracer_hooks = hooks;
  auto web = entry("web", "/seccomp-companion/web", 4242);
  sc::registry::write(h.runtime.path, web);
  h.feed->push_process(kPidWeb, "/seccomp-companion/web");
  h.start();
  ASSERT_TRUE(h.wait_watched(4242));
  int64_t while_watched = realtime_ns();
  web.exited_at_ns = realtime_ns();
  web.exit_status = 0;
  sc::registry::write(h.runtime.path, web);  // the container went: the watch ends
  ASSERT_TRUE(h.wait_state([](const State&, const sc::audit::Bookkeeping& b) { return b.watched.empty(); }));
  int64_t after = realtime_ns() + 1'000'000'000;
  h.feed->push_seccomp(kPidWeb, 39, kErrnoEperm, while_watched);  // the tracer counted it
  h.feed->push_seccomp(kPidWeb, 40, kErrnoEperm, after);          // not watched then: audit's
  ASSERT_TRUE(h.feed->wait_consumed());
  ASSERT_EQ(h.finish(), 0);
  State s = h.final_state();
  EXPECT_EQ(count_of(s, "web", 39, "errno"), 0);
  EXPECT_EQ(count_of(s, "web", 40, "errno"), 1);
}

TEST(DaemonUnit, AHeldKillWhoseProcessDiesLaterIsFoldedIntoTheTracersCount) {
  Harness h;
  sc::audit::ownership::TracerHooks hooks;
  hooks.present = hooks.signal = true;
  h.seams.tracer_hooks = hooks;
  std::atomic<bool> died{false};
  h.seams.process_dying = [&](int32_t) { return died.load(); };
  sc::registry::write(h.runtime.path, entry("web", "/seccomp-companion/web", 4242));
  h.feed->push_process(kPidWeb, "/seccomp-companion/web");
  h.start();
  ASSERT_TRUE(h.wait_watched(4242));
  h.feed->push_seccomp(kPidWeb, 12, kKillThread, realtime_ns());  // read before the SIGSYS arrives
  ASSERT_TRUE(h.feed->wait_consumed());
  died = true;  // within the hold
  ASSERT_EQ(h.finish(), 0);
  State s = h.final_state();
  EXPECT_EQ(count_of(s, "web", 12, "kill_thread"), 0);
  EXPECT_EQ(s.sources.at("audit").events, 0u);
}

TEST(DaemonUnit, ErrnoOfAnExactCgroupIsTheTracersOnlyWhileTheSyscallHooksAreAttached) {
  Harness h;
  sc::audit::ownership::TracerHooks hooks;
  hooks.present = hooks.syscall = true;
  hooks.syscall_since_ns = realtime_ns() + int64_t{3600} * 1'000'000'000;  // attached "later"
  h.seams.tracer_hooks = hooks;
  sc::registry::write(h.runtime.path, entry("web", "/seccomp-companion/web", 4242));
  h.feed->push_process(kPidWeb, "/seccomp-companion/web");
  h.start();
  ASSERT_TRUE(h.wait_watched(4242));
  int64_t now = realtime_ns();
  h.feed->push_seccomp(kPidWeb, 39, kErrnoEperm, now);  // before the attach: audit's
  h.feed->push_seccomp(kPidWeb, 40, kErrnoEperm, hooks.syscall_since_ns + 1'000'000);  // after: the tracer's
  ASSERT_TRUE(h.feed->wait_consumed());
  ASSERT_EQ(h.finish(), 0);
  State s = h.final_state();
  EXPECT_EQ(count_of(s, "web", 39, "errno"), 1);
  EXPECT_EQ(count_of(s, "web", 40, "errno"), 0);
  // daemon.watched publishes the later of the watch and the attach for the exact cgroup.
  auto books = sc::audit::load_state_file(h.state.path).books;
  ASSERT_EQ(books.watched.size(), 1u);
  EXPECT_EQ(books.watched[0].since_ns, hooks.syscall_since_ns);
}

TEST(DaemonUnit, ARestartKeepsTheCountsAndAHostileRecordIsSkipped) {
  Harness h;
  h.feed->push_process(kPidWeb, "/seccomp-companion/web");
  sc::registry::write(h.runtime.path, entry("web", "/seccomp-companion/web", 4242));
  h.start();
  h.feed->push_seccomp(kPidWeb, 63, kLog, realtime_ns());
  h.feed->push_record(FakeSourceFeed::kSeccompType, "audit(1.0:1): pid=zz arch=\xff syscall=\x01 code=");
  h.feed->push_record(1300, "audit(1.0:2): arch=c000003e syscall=59 success=yes");  // not seccomp
  ASSERT_TRUE(h.feed->wait_consumed());
  ASSERT_EQ(h.finish(), 0);
  uint64_t flushes = sc::audit::load_state_file(h.state.path).books.flush_seq;

  h.start();
  h.feed->push_seccomp(kPidWeb, 63, kLog, realtime_ns());
  ASSERT_TRUE(h.feed->wait_consumed());
  ASSERT_EQ(h.finish(), 0);
  auto loaded = sc::audit::load_state_file(h.state.path);
  EXPECT_EQ(count_of(loaded.state, "web", 63, "log"), 2);
  EXPECT_EQ(loaded.state.sources.at("audit").events, 2u);
  EXPECT_GT(loaded.books.flush_seq, flushes);
}

TEST(DaemonUnit, WithoutAnySourceTheDaemonDoesNotRun) {
  Harness h;
  h.seams.audit = []() -> std::unique_ptr<sc::audit::Source> { throw std::runtime_error("no CAP_AUDIT_READ"); };
  h.start();
  EXPECT_EQ(h.finish(), 1);  // --sources=audit and the audit stream is off: nothing to run on
}

TEST(DaemonUnit, ASourceThatCannotOpenIsReportedAndTheOthersRunOn) {
  Harness h;
  h.seams.proc_connector = []() -> std::unique_ptr<sc::audit::Source> {
    throw std::runtime_error("no CAP_NET_ADMIN");
  };
  h.start();
  h.feed->push_process(kPidWeb, "/seccomp-companion/web");  // nobody reads it
  h.feed->push_seccomp(kPidWeb, 63, kLog, realtime_ns());
  ASSERT_TRUE(h.feed->wait_consumed());
  ASSERT_EQ(h.finish(), 0);
  State s = h.final_state();
  EXPECT_FALSE(s.sources.at("proc_connector").live);
  EXPECT_EQ(s.sources.at("proc_connector").detail, "not live: no CAP_NET_ADMIN");
  EXPECT_TRUE(s.sources.at("audit").live);
  EXPECT_EQ(count_of(s, "unattributed", 63, "log"), 1);
}

TEST(DaemonUnit, ProcessConnectorHealthAndAuditOverrunsReachTheState) {
  Harness h;
  h.start();
  h.feed->push_process(kPidWeb, "/seccomp-companion/x");
  h.feed->push_process(kPidOther, "/seccomp-companion/y");
  h.feed->add_overruns(3);
  h.feed->push_seccomp(kPidWeb, 63, kLog, realtime_ns());
  ASSERT_TRUE(h.feed->wait_consumed());
  ASSERT_TRUE(h.wait_state([](const State& s, const auto&) {
    return s.sources.count("audit") && s.sources.at("audit").lost == 3 && s.sources.at("proc_connector").events == 2;
  }));
  ASSERT_EQ(h.finish(), 0);
  State s = h.final_state();
  EXPECT_EQ(count_of(s, "/seccomp-companion/x", 63, "log"), 1);
}

}  // namespace sc_daemon_unit_test
