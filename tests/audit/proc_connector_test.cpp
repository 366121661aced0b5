// The process connector's pid -> cgroup table (inheritance, exits kept for a while, bounded),
// the real connector against real short-lived processes (root), and re-attribution of counts
// recorded under a bare cgroup once the registry names it.
#include "audit/sources/proc_connector.h"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/registry_entry.h"

#include "audit/daemon/reattribute.h"
#include "host/cgroup2.h"
#include "tests/support/privileges.h"
#include "tests/support/verdict_key.h"

using sc::audit::ProcConnector;
using sc::audit::ProcConnectorOptions;
using sc::audit::ProcConnectorTestAccess;

namespace {
constexpr int64_t kSecond = 1'000'000'000;
}

TEST(ProcConnectorTable, AChildGoneBeforeItsForkEventInheritsItsParentsCgroup) {
  auto pc = ProcConnectorTestAccess::make({});
  pc.on_exec(100, "/sc/x1", 0);                              // the shell, in its container
  pc.on_fork(100, 101, std::nullopt, std::nullopt, 1);       // its child, already gone
  pc.on_fork(100, 102, "/sc/x1/sub", std::nullopt, 2);       // read from /proc at the fork
  pc.on_fork(7, 103, std::nullopt, "/other", 3);             // parent unknown: its /proc entry
  pc.on_fork(8, 104, std::nullopt, std::nullopt, 4);         // nothing known: not guessed
  EXPECT_EQ(pc.cgroup_of(101).value_or("?"), "/sc/x1");
  EXPECT_EQ(pc.cgroup_of(102).value_or("?"), "/sc/x1/sub");
  EXPECT_EQ(pc.cgroup_of(103).value_or("?"), "/other");
  EXPECT_FALSE(pc.cgroup_of(104));
  // Grandchildren of a gone child inherit through it.
  pc.on_fork(101, 105, std::nullopt, std::nullopt, 5);
  EXPECT_EQ(pc.cgroup_of(105).value_or("?"), "/sc/x1");
}

TEST(ProcConnectorTable, ExitedProcessesAreKeptForAWhileThenForgotten) {
  ProcConnectorOptions o;
  o.keep_exited_ns = 10 * kSecond;
  auto pc = ProcConnectorTestAccess::make(o);
  pc.on_exec(200, "/a", 0);
  pc.on_exit(200, std::nullopt, 1 * kSecond);
  pc.on_exec(201, "/b", 2 * kSecond);
  pc.on_exit(201, "/b-moved", 3 * kSecond);  // a zombie read at exit corrects a stale path
  EXPECT_EQ(pc.cgroup_of(200).value_or("?"), "/a");
  EXPECT_EQ(pc.cgroup_of(201).value_or("?"), "/b-moved");
  pc.on_exec(1, "/c", 12 * kSecond);         // any event moves time on: 200 expires
  EXPECT_FALSE(pc.cgroup_of(200));
  EXPECT_EQ(pc.cgroup_of(201).value_or("?"), "/b-moved");
  // A pid reused after its exit is running again: its new entry does not expire with the old.
  pc.on_fork(1, 201, "/d", std::nullopt, 12 * kSecond);
  pc.on_exec(1, "/c", 30 * kSecond);
  EXPECT_EQ(pc.cgroup_of(201).value_or("?"), "/d");
  EXPECT_EQ(pc.size(), 2u);
}

TEST(ProcConnectorTable, MemoryIsBoundedLeastRecentlyUpdatedGoFirst) {
  ProcConnectorOptions o;
  o.capacity = 100;
  auto pc = ProcConnectorTestAccess::make(o);
  for (int32_t pid = 1000; pid < 1300; ++pid) {
    pc.on_fork(1, pid, "/g", std::nullopt, pid);
    pc.on_exit(pid, std::nullopt, pid);
  }
  EXPECT_EQ(pc.size(), 100u);
  EXPECT_FALSE(pc.cgroup_of(1000));
  EXPECT_EQ(pc.cgroup_of(1299).value_or("?"), "/g");
  EXPECT_EQ(pc.cgroup_of(1200).value_or("?"), "/g");
  EXPECT_FALSE(pc.cgroup_of(1199));
}

// The real connector: a child that exits at once (reaped before we read a single event) is
// known with its cgroup, from the fork event.
TEST(ProcConnectorLive, KnowsTheCgroupOfAChildThatIsAlreadyGone) {
  SC_REQUIRE_ROOT();
  std::unique_ptr<ProcConnector> pc;
  try {
    pc = std::make_unique<ProcConnector>();
  } catch (const std::exception& e) {
    SC_REQUIRE(false, std::string("no process connector: ") + e.what());
  }
  auto mine = sc::host::cgroup2_path_of(getpid());
  ASSERT_TRUE(mine);
  std::vector<pid_t> children;
  for (int i = 0; i < 20; ++i) {
    pid_t pid = fork();
    if (pid == 0) _exit(0);
    ASSERT_GT(pid, 0);
    children.push_back(pid);
  }
  for (pid_t pid : children) waitpid(pid, nullptr, 0);
  // All exit events are queued now; read until every child is known (or 2 s).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  size_t known = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{pc->fd(), POLLIN, 0};
    ::poll(&p, 1, 50);
    pc->poll();
    known = 0;
    for (pid_t pid : children) known += pc->cgroup_of(pid).has_value();
    if (known == children.size()) break;
  }
  ASSERT_EQ(known, children.size()) << "events " << pc->events() << ", overruns " << pc->overruns();
  for (pid_t pid : children) EXPECT_EQ(pc->cgroup_of(pid).value_or("?"), *mine) << pid;
  EXPECT_EQ(pc->overruns(), 0u);
}

namespace {

sc::registry::Entry entry(const std::string& id, const std::string& path, uint64_t cgroup_id) {
  return sc::testing::registry_entry(id, path, cgroup_id, "audit", "p.json");
}

sc::audit::ContainerRecord bare(const std::string& id, const std::string& runtime,
                                std::map<std::string, uint64_t> counts, int64_t first, int64_t last) {
  sc::audit::ContainerRecord r;
  r.container_id = id;
  r.runtime = runtime;
  r.cgroup_path = id[0] == '/' ? id : "";
  r.first_seen_ns = first;
  r.last_seen_ns = last;
  for (const auto& [syscall, n] : counts) {
    sc::audit::VerdictStats v;
    v.syscall = syscall;
    v.count = n;
    v.first_seen_ns = first;
    v.last_seen_ns = last;
    r.verdicts[sc::testing::verdict_key("x86_64", static_cast<int32_t>(syscall.size()), "log", -1)] = v;
  }
  return r;
}

uint64_t count(const sc::audit::State& s, const std::string& id, const std::string& syscall) {
  auto c = s.containers.find(id);
  if (c == s.containers.end()) return 0;
  uint64_t n = 0;
  for (const auto& [k, v] : c->second.verdicts)
    if (v.syscall == syscall) n += v.count;
  return n;
}

}  // namespace

TEST(Reattribution, BareCgroupRecordsMoveIntoTheContainerTheRegistryNowNames) {
  sc::audit::State s;
  s.containers["/seccomp-companion/x1"] = bare("/seccomp-companion/x1", "cgroup", {{"getppid", 3}, {"uname", 2}}, 10, 20);
  s.containers["/seccomp-companion/x1/sub"] = bare("/seccomp-companion/x1/sub", "cgroup", {{"getppid", 4}}, 5, 15);
  s.containers["cgroup:4242"] = bare("cgroup:4242", "cgroup", {{"uname", 1}}, 30, 30);
  s.containers["x1"] = bare("x1", "seccomp-companion", {{"getppid", 1}}, 25, 40);
  s.containers["/seccomp-companion/x10"] = bare("/seccomp-companion/x10", "cgroup", {{"getppid", 9}}, 1, 2);
  s.containers["web.service"] = bare("web.service", "systemd", {{"getppid", 8}}, 1, 2);
  sc::attribution::Attributor a({});
  a.set_registry({entry("x1", "/seccomp-companion/x1", 4242)});
  auto moves = sc::audit::reattribute_bare_cgroups(s, a);
  ASSERT_EQ(moves.size(), 3u);
  EXPECT_EQ(count(s, "x1", "getppid"), 1u + 3u + 4u);
  EXPECT_EQ(count(s, "x1", "uname"), 2u + 1u);
  EXPECT_FALSE(s.containers.count("/seccomp-companion/x1"));
  EXPECT_FALSE(s.containers.count("/seccomp-companion/x1/sub"));
  EXPECT_FALSE(s.containers.count("cgroup:4242"));
  EXPECT_EQ(count(s, "/seccomp-companion/x10", "getppid"), 9u) << "a sibling with a common prefix stays";
  EXPECT_EQ(count(s, "web.service", "getppid"), 8u) << "a rule's container is not a bare cgroup";
  const auto& x1 = s.containers.at("x1");
  EXPECT_EQ(x1.runtime, "seccomp-companion");
  EXPECT_EQ(x1.mode, "audit");
  EXPECT_EQ(x1.cgroup_path, "/seccomp-companion/x1");
  EXPECT_EQ(x1.first_seen_ns, 5);
  EXPECT_EQ(x1.last_seen_ns, 40);
  // Nothing left to move: a second pass is a no-op.
  EXPECT_TRUE(sc::audit::reattribute_bare_cgroups(s, a).empty());
}

TEST(Reattribution, ARecordMovedIntoANewContainerKeepsCountsTimesAndSamples) {
  sc::audit::State s;
  s.containers["/c/y"] = bare("/c/y", "cgroup", {{"getppid", 6}}, 100, 200);
  auto& v = s.containers["/c/y"].verdicts.begin()->second;
  v.sample = sc::audit::Sample{};
  v.sample->comm = "sh";
  sc::attribution::Attributor a({});
  a.set_registry({entry("y", "/c/y", 0)});
  auto moves = sc::audit::reattribute_bare_cgroups(s, a);
  ASSERT_EQ(moves.size(), 1u);
  EXPECT_EQ(moves[0].counts, 6u);
  ASSERT_EQ(s.containers.size(), 1u);
  const auto& y = s.containers.at("y");
  EXPECT_EQ(y.container_id, "y");
  ASSERT_EQ(y.verdicts.size(), 1u);
  EXPECT_EQ(y.verdicts.begin()->second.count, 6u);
  EXPECT_EQ(y.verdicts.begin()->second.first_seen_ns, 100);
  EXPECT_EQ(y.verdicts.begin()->second.last_seen_ns, 200);
  ASSERT_TRUE(y.verdicts.begin()->second.sample);
  EXPECT_EQ(y.verdicts.begin()->second.sample->comm, "sh");
}
