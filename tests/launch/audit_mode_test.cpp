// Audit mode end to end: the profile that makes uname fail, with --audit, lets uname run
// (exit 0) and the kernel's audit stream carries a type-1326 LOG record for that uname from
// that very process. In enforce mode the ERRNO denial is audited too (SECCOMP_FILTER_FLAG_LOG).
#include <linux/audit.h>
#include <sys/syscall.h>
#include <time.h>

#include <optional>

#include "audit/sources/audit_netlink.h"
#include "audit/sources/seccomp_record.h"
#include "isolator/registry/registry.h"
#include "tests/launch/launch_fixture.h"

namespace sc::testing {
namespace {

class AuditMode : public LaunchTest {
 protected:
  // Root, and the audit stream bound before the container runs: no record of it is missed.
  void SetUp() override {
    LaunchTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    SC_REQUIRE_ROOT();
    try {
      netlink_.emplace();
    } catch (const std::exception& e) {
      SC_REQUIRE(false, std::string("audit netlink multicast unavailable: ") + e.what());
    }
  }

  // Waits up to 5 s for a seccomp record from `pid` about `syscall`.
  std::optional<audit::SeccompRecord> record_for(pid_t pid, int syscall) {
    std::optional<audit::SeccompRecord> found;
    for (int round = 0; round < 50 && !found; ++round) {
      netlink_->poll(100, [&](int type, std::string_view text) {
        if (type != audit::kAuditSeccompType) return;
        auto record = audit::parse_seccomp_record(text);
        if (record && record->pid == pid && record->syscall == syscall && !found) found = record;
      });
    }
    return found;
  }

  std::optional<audit::AuditNetlink> netlink_;
};

TEST_F(AuditMode, DenialIsLoggedNotEnforced) {
  std::string id = unique_id("audit");
  auto r = run(agent({"--seccomp_profile_name=uname-errno.json", "--audit", "--container_id=" + id}), {kProbe, "uname"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "ok\n");
  auto entry = registry::read(runtime_dir_, id);
  ASSERT_TRUE(entry.has_value());
  auto record = record_for(entry->pid, SYS_uname);
  ASSERT_TRUE(record.has_value()) << "no AUDIT_SECCOMP record for uname from pid " << entry->pid;
  EXPECT_EQ(record->code, 0x7ffc0000u);  // SECCOMP_RET_LOG
  EXPECT_EQ(record->arch, static_cast<uint32_t>(AUDIT_ARCH_X86_64));
  EXPECT_EQ(record->comm, "sc_launch_probe");
}

TEST_F(AuditMode, EnforcedErrnoDenialIsAuditedToo) {
  std::string id = unique_id("errno-log");
  auto r = run(agent({"--seccomp_profile_name=uname-errno.json", "--container_id=" + id}), {kProbe, "uname"});
  EXPECT_EQ(r.out, "errno=1\n");
  auto entry = registry::read(runtime_dir_, id);
  ASSERT_TRUE(entry.has_value());
  auto record = record_for(entry->pid, SYS_uname);
  ASSERT_TRUE(record.has_value()) << "the ERRNO denial was not audited: filter loaded without SECCOMP_FILTER_FLAG_LOG?";
  EXPECT_EQ(record->code, 0x50000u);  // SECCOMP_RET_ERRNO, data not printed
}

}  // namespace
}  // namespace sc::testing
