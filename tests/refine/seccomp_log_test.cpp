// `launch --seccomp_log`, with the real parts: the daemon's tracer with its syscall hooks
// attached, a container storming a denied call from its first instruction (no barrier: the
// daemon has not even read its registry entry yet), and the kernel's audit stream listened to
// beside it. Under `auto` the filter carries no LOG flag: the kernel writes no audit record for
// the denials, and the tracer still counts every one of them. `always` keeps the records,
// `never` drops them, and `auto` without a tracer keeps them. Root.
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "audit/sources/audit_netlink.h"
#include "audit/sources/seccomp_record.h"
#include "isolator/registry/registry.h"
#include "tests/refine/loop_fixture.h"
#include "tests/support/privileges.h"
#include "common/arch.h"
#include "common/seccomp_ret.h"

namespace sc::refine::seccomp_log_tests {
namespace {

using namespace sc::refine::testing;
namespace fs = std::filesystem;

// Audit records (type 1326) of getpgrp made by refine_workload, counted in a thread while the
// test runs its containers. The storm's exe is unique to this test's build tree.
class AuditCounter {
 public:
  AuditCounter() : thread_([this] {
      while (!stop_)
        stream_.poll(50, [&](int type, std::string_view text) {
          if (type != audit::kAuditSeccompType) return;
          auto r = audit::parse_seccomp_record(text);
          if (r && r->syscall == SYS_getpgrp && text.find("refine_workload") != std::string_view::npos) ++count_;
        });
    }) {}
  ~AuditCounter() {
    stop_ = true;
    thread_.join();
  }
  uint64_t count() const { return count_; }

 private:
  audit::AuditNetlink stream_;  // bound before any container runs: nothing missed
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> count_{0};
  std::thread thread_;
};

struct SeccompLog : Loop {
  void SetUp() override {
    Loop::SetUp();
    // Docker's default without getpgrp: enforced, each storm call is an ERRNO denial.
    write_docker_default_without("no-getpgrp.json", {"getpgrp"});
  }
  ProcessResult storm(const std::string& id, const std::string& log, long calls, const std::string& pins) {
    return run({bin("seccomp-isolator"), "launch", "--isolation=linux/seccomp", "--seccomp_config_dir=" + config,
                "--seccomp_profile_name=no-getpgrp.json", "--container_id=" + id, "--runtime_dir=" + run_dir,
                "--seccomp_log=" + log, "--tracer_pin_dir=" + pins, "--", workload, "--storm=" + std::to_string(calls)},
               120);
  }
  registry::Entry entry(const std::string& id) {
    return registry::from_json_text(read_file(registry::entry_path(run_dir, id)));
  }
  static uint64_t errno_count(const audit::State& st, const std::string& id) {
    auto c = st.containers.find(id);
    if (c == st.containers.end()) return 0;
    uint64_t n = 0;
    for (const auto& [k, v] : c->second.verdicts)
      if (v.syscall == "getpgrp" && sc::common::action_text(k.action) == "errno") n += v.count;
    return n;
  }
};

TEST_F(SeccompLog, AutoWithTheTracerLiveCountsAMillionDenialsExactlyWithoutOneAuditRecord) {
  SC_REQUIRE_ROOT();
  SC_REQUIRE(fs::exists(bin("seccomp-isolator")), "needs the seccomp-isolator binary");
  Daemon daemon(tmp.path(), pin_dir);
  ASSERT_TRUE(daemon.running()) << daemon.log();
  ASSERT_TRUE(fs::exists(pin_dir + "/link_sc_sys_exit")) << "the daemon runs with --syscall_hooks=on\n" << daemon.log();
  AuditCounter audit_records;
  const std::string id = "log-auto-" + std::to_string(getpid());
  const long kCalls = 1'000'000;
  auto r = storm(id, "auto", kCalls, pin_dir);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(entry(id).seccomp_log, "off");
  uint64_t counted = 0;
  EXPECT_TRUE(daemon.wait_for([&](const audit::State& st) { return (counted = errno_count(st, id)) >= uint64_t(kCalls); }, 30))
      << counted << " of " << kCalls << "\n" << daemon.log();
  EXPECT_EQ(counted, uint64_t(kCalls)) << "every denial, none twice";
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // records the kernel may still deliver
  EXPECT_EQ(audit_records.count(), 0u) << "the filter carried the LOG flag";
  std::printf("seccomp_log=auto: %ld denials, %lu counted by the tracer, %lu audit records\n", kCalls,
              static_cast<unsigned long>(counted), static_cast<unsigned long>(audit_records.count()));
}

TEST_F(SeccompLog, AlwaysLogsNeverDoesNotAndAutoWithoutATracerLogs) {
  SC_REQUIRE_ROOT();
  SC_REQUIRE(fs::exists(bin("seccomp-isolator")), "needs the seccomp-isolator binary");
  const std::string tag = std::to_string(getpid());
  const std::string no_tracer = tmp.path() + "/no-pins";  // nothing pinned there
  const long kCalls = 50;
  {
    AuditCounter audit_records;
    auto r = storm("log-always-" + tag, "always", kCalls, no_tracer);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(entry("log-always-" + tag).seccomp_log, "on");
    for (int i = 0; i < 100 && audit_records.count() < uint64_t(kCalls); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the kernel delivers them asynchronously
    EXPECT_EQ(audit_records.count(), uint64_t(kCalls));
  }
  {
    AuditCounter audit_records;
    auto r = storm("log-auto-none-" + tag, "auto", kCalls, no_tracer);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(entry("log-auto-none-" + tag).seccomp_log, "on") << "no tracer: the kernel must log the denials";
    for (int i = 0; i < 100 && audit_records.count() < uint64_t(kCalls); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(audit_records.count(), uint64_t(kCalls));
  }
  {
    AuditCounter audit_records;
    auto r = storm("log-never-" + tag, "never", kCalls, no_tracer);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(entry("log-never-" + tag).seccomp_log, "off");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(audit_records.count(), 0u);
  }
  auto bad = storm("log-bad-" + tag, "sometimes", 1, no_tracer);
  EXPECT_NE(bad.exit_code, 0) << bad.err;
  EXPECT_NE(bad.err.find("--seccomp_log"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace sc::refine::seccomp_log_tests
