// The daemon under an audit storm, with the real parts: a container in audit mode makes
// would-be-denied calls as fast as the kernel lets it, which keeps the kernel's audit queue at
// its backlog limit. While that lasts the daemon must go on flushing its state, watch a new
// container at once and stop on SIGTERM with its final flush. Two things once stopped it: a
// read of the audit stream that ran until the queue was empty (never, under a storm), and the
// AUDIT_GET request for the kernel's lost counter, which the kernel answers with a sleep of up
// to 60 s while its queue is full (kernel/audit.c, audit_receive). Root.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "host/cgroup2.h"
#include "tests/refine/loop_fixture.h"
#include "tests/support/privileges.h"

namespace sc::refine::storm_tests {
namespace {

using namespace sc::refine::testing;
namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

// state.json's daemon.flush_seq, or -1 while it cannot be read (being replaced).
int64_t flush_seq(const std::string& state_dir) {
  try {
    return nlohmann::json::parse(read_file(state_dir + "/state.json")).at("daemon").value("flush_seq", int64_t{-1});
  } catch (const std::exception&) {
    return -1;
  }
}

// A container that storms until it is killed through its cgroup; killed (and its launch
// joined) on every exit path of the test, so a failure leaves nothing running.
class Storm {
 public:
  Storm(Loop& loop, Daemon& daemon, const std::string& profile, const std::string& id) : id_(id) {
    go_ = loop.tmp.path() + "/go-" + id;
    thread_ = std::thread([&loop, profile, id, this] {
      // A billion calls: far longer than the test; it ends by cgroup.kill.
      result_ = loop.launch(profile, id, true, {loop.workload, "--wait-file=" + go_, "--storm=1000000000"}, 240);
    });
    watched_ = daemon.wait_watched(id);
    write_file(go_, "go\n");
  }
  ~Storm() { stop(); }
  bool watched() const { return watched_; }
  ProcessResult stop() {
    if (thread_.joinable()) {
      std::ofstream(host::cgroup2_mount() + "/seccomp-companion/" + id_ + "/cgroup.kill") << "1";
      thread_.join();
    }
    return result_;
  }

 private:
  std::string id_, go_;
  std::thread thread_;
  ProcessResult result_;
  bool watched_ = false;
};

TEST_F(Loop, TheDaemonWatchesFlushesAndStopsThroughAnAuditStorm) {
  SC_REQUIRE_ROOT();
  SC_REQUIRE(fs::exists(bin("seccomp-isolator")), "needs the seccomp-isolator binary");
  // Docker's default without getpgrp: in audit mode each storm call is an audit record.
  write_docker_default_without("no-getpgrp.json", {"getpgrp"});
  Daemon daemon(tmp.path(), pin_dir);
  ASSERT_TRUE(daemon.running()) << daemon.log();
  const std::string tag = std::to_string(getpid());
  const std::string storm_id = "audit-storm-" + tag;
  Storm storm(*this, daemon, "no-getpgrp.json", storm_id);
  ASSERT_TRUE(storm.watched()) << daemon.log();
  // The storm is under way once its first would-be denials are in the state.
  ASSERT_TRUE(daemon.wait_for([&](const audit::State& st) { return verdict_count(st, storm_id, "getpgrp") > 1000; }))
      << daemon.log();

  // 1. The state keeps being flushed (every 0.2 s here): over 4 s, no gap of 2 s.
  int64_t last_seq = flush_seq(state_dir), flushes = 0;
  auto last_change = SteadyClock::now(), window_end = last_change + std::chrono::seconds(4);
  SteadyClock::duration longest_gap{};
  while (SteadyClock::now() < window_end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // sampling a file the daemon rewrites
    int64_t seq = flush_seq(state_dir);
    if (seq > last_seq) {
      longest_gap = std::max(longest_gap, SteadyClock::now() - last_change);
      last_change = SteadyClock::now();
      last_seq = seq;
      ++flushes;
    }
  }
  longest_gap = std::max(longest_gap, SteadyClock::now() - last_change);
  auto gap_ms = std::chrono::duration_cast<std::chrono::milliseconds>(longest_gap).count();
  EXPECT_LT(gap_ms, 2000) << "the daemon stopped flushing during the storm (" << flushes << " flushes in 4 s)\n"
                          << daemon.log();
  EXPECT_GE(flushes, 4);

  // 2. A container started during the storm is watched at once.
  const std::string bystander = "storm-bystander-" + tag;
  auto started = SteadyClock::now();
  auto r = launch_watched(daemon, "no-getpgrp.json", bystander, true);
  auto watched_ms = std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - started).count();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_LT(watched_ms, 5000) << "launch and watch of a container during the storm took " << watched_ms << " ms";

  // 3. SIGTERM stops it, storm or not, with its final flush (the fixture's stop allows 5 s).
  int64_t seq_before_stop = flush_seq(state_dir);
  auto stopping = SteadyClock::now();
  daemon.stop();
  auto stop_ms = std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - stopping).count();
  EXPECT_NE(daemon.log().find("stopped; state written"), std::string::npos) << "no clean stop\n" << daemon.log();
  EXPECT_LT(stop_ms, 4000);
  EXPECT_GT(flush_seq(state_dir), seq_before_stop) << "no final flush";
  std::printf("audit storm: %lld flushes in 4 s, longest gap %lld ms; bystander watched and run in %lld ms; "
              "stopped in %lld ms\n",
              static_cast<long long>(flushes), static_cast<long long>(gap_ms), static_cast<long long>(watched_ms),
              static_cast<long long>(stop_ms));

  // The storm ends by its cgroup: its launch reports the SIGKILL.
  EXPECT_EQ(storm.stop().exit_code, 128 + SIGKILL);
}

}  // namespace
}  // namespace sc::refine::storm_tests
