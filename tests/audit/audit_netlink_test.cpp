// The real audit stream: a child process under a real libseccomp filter makes a logged call;
// the AUDIT_NLGRP_READLOG listener receives the kernel's type-1326 record for it, in batches of
// a bounded size, with nothing lost while the caller is not reading (the reader thread) and
// each record counted that the bounded queue could not keep; the kernel's lost counter is read
// from a thread of its own.
#include "audit/sources/audit_netlink.h"
#include "audit/sources/kernel_lost_reader.h"

#include <seccomp.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <gtest/gtest.h>

#include "audit/sources/seccomp_record.h"
#include "tests/support/privileges.h"
#include "common/seccomp_ret.h"

namespace {

// Forks a child that loads ALLOW-by-default with `action` on getppid, calls it `times`
// times and exits 0. Returns the child's pid after it exited.
pid_t run_child(uint32_t action, int times) {
  pid_t pid = fork();
  if (pid == 0) {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) _exit(90);
    if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1) != 0) _exit(91);
    if (seccomp_rule_add(ctx, action, SCMP_SYS(getppid), 0) != 0) _exit(92);
    if (seccomp_load(ctx) != 0) _exit(93);
    for (int i = 0; i < times; ++i) syscall(SYS_getppid);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  return pid;
}

}  // namespace

TEST(AuditNetlink, ReceivesLogAndErrnoRecordsOfARealFilter) {
  SC_REQUIRE_ROOT();
  sc::audit::AuditNetlink stream;
  EXPECT_GE(stream.fd(), 0);
  pid_t log_pid = run_child(SCMP_ACT_LOG, 3);
  pid_t errno_pid = run_child(SCMP_ACT_ERRNO(EPERM), 2);
  int log_seen = 0, errno_seen = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while ((log_seen < 3 || errno_seen < 2) && std::chrono::steady_clock::now() < deadline) {
    stream.poll(200, [&](int type, std::string_view text) {
      if (type != sc::audit::kAuditSeccompType) return;
      auto r = sc::audit::parse_seccomp_record(text);
      ASSERT_TRUE(r) << text;
      if (r->syscall != SYS_getppid) return;
      if (r->pid == log_pid) {
        EXPECT_EQ(sc::common::action_text(sc::common::action_of(r->code)), "log");
        EXPECT_GT(r->timestamp_ns, 0);
        ++log_seen;
      } else if (r->pid == errno_pid) {
        EXPECT_EQ(sc::common::action_text(sc::common::action_of(r->code)), "errno");
        ++errno_seen;
      }
    });
  }
  EXPECT_EQ(log_seen, 3);
  EXPECT_EQ(errno_seen, 2);
}

TEST(AuditNetlink, ReadsTheKernelLostCounter) {
  SC_REQUIRE_ROOT();
  auto lost = sc::audit::audit_kernel_lost();
  ASSERT_TRUE(lost.has_value()) << "AUDIT_GET failed as root";
}

TEST(AuditNetlink, ReadsNoMoreThanItsBatchPerCall) {
  SC_REQUIRE_ROOT();
  sc::audit::AuditNetlink stream;
  pid_t pid = run_child(SCMP_ACT_LOG, 10);
  int seen = 0, calls = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (seen < 10 && std::chrono::steady_clock::now() < deadline) {
    int handled = stream.poll(200, [&](int type, std::string_view text) {
      if (type != sc::audit::kAuditSeccompType) return;
      auto r = sc::audit::parse_seccomp_record(text);
      if (r && r->pid == pid && r->syscall == SYS_getppid) ++seen;
    }, 3);
    EXPECT_LE(handled, 3);
    ++calls;
  }
  EXPECT_EQ(seen, 10);
  EXPECT_GE(calls, 4) << "ten records in batches of three";
}

namespace {

// Hands out every record until none has come for `quiet`; counts those of `pid`'s getppid.
int drain_getppid_of(sc::audit::AuditNetlink& stream, pid_t pid, std::chrono::milliseconds quiet) {
  int seen = 0;
  auto last = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - last < quiet) {
    int handled = stream.poll(50, [&](int type, std::string_view text) {
      if (type != sc::audit::kAuditSeccompType) return;
      auto r = sc::audit::parse_seccomp_record(text);
      if (r && r->pid == pid && r->syscall == SYS_getppid) ++seen;
    });
    if (handled > 0) last = std::chrono::steady_clock::now();
  }
  return seen;
}

}  // namespace

// The reason for the reader thread: a caller that does not read for as long as a storm lasts
// (the daemon fsyncing, or off the CPU) loses nothing. 50,000 records are several times what
// the socket's receive buffer holds (16 MiB, and the kernel charges about 1 KiB a record), so
// without the thread the kernel would drop most of them for us.
TEST(AuditNetlink, KeepsEveryRecordWhileItsCallerIsNotReading) {
  SC_REQUIRE_ROOT();
  sc::audit::AuditNetlink stream;
  constexpr int kCalls = 50000;
  pid_t pid = run_child(SCMP_ACT_LOG, kCalls);  // not one poll() until the child is gone
  EXPECT_EQ(drain_getppid_of(stream, pid, std::chrono::milliseconds(500)), kCalls);
  EXPECT_EQ(stream.lost(), 0u) << stream.overruns() << " overrun(s), " << stream.dropped() << " dropped";
}

// Past its memory bound the queue keeps nothing more, and counts each record it did not keep.
TEST(AuditNetlink, CountsEachRecordItCannotKeep) {
  SC_REQUIRE_ROOT();
  sc::audit::AuditNetlink stream(64 * 1024);  // a few hundred records
  constexpr int kCalls = 5000;
  pid_t pid = run_child(SCMP_ACT_LOG, kCalls);
  int seen = drain_getppid_of(stream, pid, std::chrono::milliseconds(500));
  // Tests run side by side and the audit stream is the host's: other processes' records may
  // fill the queue before the child's (seen can be 0) and be among the dropped ones. What
  // holds whatever else runs: the queue kept fewer than the child made, and every one of the
  // child's that was not handed out was counted.
  EXPECT_LT(seen, kCalls);
  EXPECT_GT(stream.dropped(), 0u);
  EXPECT_GE(static_cast<uint64_t>(seen) + stream.dropped(), static_cast<uint64_t>(kCalls));
  EXPECT_EQ(stream.lost(), stream.overruns() + stream.dropped());
}

// The thread ends with the object, also while records are still arriving.
TEST(AuditNetlink, StopsPromptlyWithRecordsStillQueued) {
  SC_REQUIRE_ROOT();
  auto started = std::chrono::steady_clock::now();
  {
    sc::audit::AuditNetlink stream;
    run_child(SCMP_ACT_LOG, 2000);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
}

TEST(KernelLostReader, ReadsTheCounterInItsOwnThreadWhenAskedAndStopsPromptly) {
  SC_REQUIRE_ROOT();
  auto direct = sc::audit::audit_kernel_lost();
  ASSERT_TRUE(direct.has_value());
  auto started = std::chrono::steady_clock::now();
  {
    sc::audit::KernelLostReader reader(std::chrono::milliseconds(20));
    ASSERT_TRUE(reader.wait_first(std::chrono::seconds(2)));
    ASSERT_TRUE(reader.latest().has_value());
    // The counter only grows; nothing on this machine should drop records meanwhile.
    EXPECT_GE(*reader.latest(), *direct);
    // Only when asked, and at most every 20 ms.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(reader.reads(), 1u);
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (reader.reads() < 3 && std::chrono::steady_clock::now() < until) {
      reader.request();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_GE(reader.reads(), 3u);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
}
