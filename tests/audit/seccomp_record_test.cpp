// The AUDIT_SECCOMP record parser: every field form the kernel emits.
#include "audit/sources/seccomp_record.h"
#include "common/seccomp_ret.h"

#include <gtest/gtest.h>

using sc::audit::parse_seccomp_record;
namespace {
// The action word of a record's code= field, as state.json writes it.
std::string seccomp_action_name(uint32_t code) { return sc::common::action_text(sc::common::action_of(code)); }
}  // namespace

TEST(SeccompRecord, ParsesAQuotedRecordWithSubj) {
  auto r = parse_seccomp_record(
      "audit(1700000000.123:456): auid=4294967295 uid=0 gid=0 ses=4294967295 "
      "subj=unconfined pid=1234 comm=\"uname\" exe=\"/usr/bin/uname\" sig=0 arch=c000003e "
      "syscall=63 compat=0 ip=0x7f1234567890 code=0x7ffc0000");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->timestamp_ns, 1700000000123000000LL);
  EXPECT_EQ(r->serial, 456u);
  EXPECT_EQ(r->auid, 4294967295LL);
  EXPECT_EQ(r->uid, 0);
  EXPECT_EQ(r->gid, 0);
  EXPECT_EQ(r->ses, 4294967295LL);
  EXPECT_EQ(r->subj, "unconfined");
  EXPECT_EQ(r->pid, 1234);
  EXPECT_EQ(r->comm, "uname");
  EXPECT_EQ(r->exe, "/usr/bin/uname");
  EXPECT_EQ(r->sig, 0);
  EXPECT_EQ(r->arch, 0xc000003eu);
  EXPECT_EQ(r->syscall, 63);
  EXPECT_FALSE(r->compat);
  EXPECT_EQ(r->ip, 0x7f1234567890u);
  EXPECT_EQ(r->code, 0x7ffc0000u);
  EXPECT_EQ(seccomp_action_name(r->code), "log");
}

TEST(SeccompRecord, ParsesWithoutSubjAndWithoutPrefix) {
  auto r = parse_seccomp_record(
      "auid=1000 uid=1000 gid=1000 ses=3 pid=77 comm=\"a\" exe=\"/b\" sig=31 arch=c000003e "
      "syscall=39 compat=0 ip=0x1 code=0x80000000");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->timestamp_ns, 0);
  EXPECT_EQ(r->subj, "");
  EXPECT_EQ(r->uid, 1000);
  EXPECT_EQ(r->ses, 3);
  EXPECT_EQ(r->sig, 31);
  EXPECT_EQ(seccomp_action_name(r->code), "kill_process");
}

TEST(SeccompRecord, DecodesHexEncodedCommAndExe) {
  // "my app" (space) and /tmp/a"b (quote) are printed in hex by the kernel.
  auto r = parse_seccomp_record(
      "audit(1.000:1): auid=0 uid=0 gid=0 ses=1 pid=5 comm=6D7920617070 exe=2F746D702F612262 "
      "sig=0 arch=c000003e syscall=1 compat=0 ip=0x0 code=0x50000");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->comm, "my app");
  EXPECT_EQ(r->exe, "/tmp/a\"b");
  EXPECT_EQ(seccomp_action_name(r->code), "errno");
}

TEST(SeccompRecord, DecodesNonUtf8AndHtmlInHex) {
  // <script> and the byte 0xFF
  auto r = parse_seccomp_record(
      "audit(2.5:9): auid=0 uid=0 gid=0 ses=1 pid=5 comm=3C7363726970743EFF exe=(null) sig=0 "
      "arch=c000003e syscall=1 compat=0 ip=0x0 code=0x30000");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->comm, std::string("<script>\xff"));
  EXPECT_EQ(r->exe, "(null)");
  EXPECT_EQ(r->timestamp_ns, 2005000000LL);
  EXPECT_EQ(seccomp_action_name(r->code), "trap");
}

TEST(SeccompRecord, ParsesCompatArchAndMultiWordSubj) {
  auto r = parse_seccomp_record(
      "audit(3.001:10): auid=0 uid=0 gid=0 ses=1 subj=/usr/bin/foo (enforce) pid=8 comm=\"x\" "
      "exe=\"/x\" sig=0 arch=40000003 syscall=122 compat=1 ip=0xf7f1 code=0x0");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->subj, "/usr/bin/foo (enforce)");
  EXPECT_EQ(r->arch, 0x40000003u);
  EXPECT_TRUE(r->compat);
  EXPECT_EQ(r->syscall, 122);
  EXPECT_EQ(r->pid, 8);
  EXPECT_EQ(seccomp_action_name(r->code), "kill_thread");
}

TEST(SeccompRecord, ParsesX32SyscallNumbersAndOtherActions) {
  auto r = parse_seccomp_record(
      "audit(3.001:10): auid=0 uid=0 gid=0 ses=1 pid=8 comm=\"x\" exe=\"/x\" sig=0 "
      "arch=c000003e syscall=1073741887 compat=0 ip=0x1 code=0x7fc00000");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->syscall, 1073741887);
  EXPECT_EQ(seccomp_action_name(r->code), "user_notif");
  EXPECT_EQ(seccomp_action_name(0x7ff00000u), "trace");
  EXPECT_EQ(seccomp_action_name(0x7fff0000u), "allow");
  EXPECT_EQ(seccomp_action_name(0x12340000u), "0x12340000");  // kept exactly, not folded
}

TEST(SeccompRecord, IgnoresUnknownKeysAndSubjVariants) {
  auto r = parse_seccomp_record(
      "audit(3.001:10): auid=0 uid=0 gid=0 ses=1 subj_selinux=u:r:t:s0 subj_apparmor=unconfined "
      "pid=8 comm=\"x\" exe=\"/x\" sig=0 arch=c000003e syscall=2 compat=0 ip=0x1 code=0x7ffc0000 "
      "future=1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->subj, "u:r:t:s0");
}

TEST(SeccompRecord, RejectsOtherRecordsAndMalformedFields) {
  EXPECT_FALSE(parse_seccomp_record(""));
  EXPECT_FALSE(parse_seccomp_record("audit(1.0:1): op=load prog-id=3"));
  EXPECT_FALSE(parse_seccomp_record("audit(1.0:1): pid=1 arch=zz syscall=1 code=0x0"));
  EXPECT_FALSE(parse_seccomp_record("audit(1.0:1): pid=1 arch=c000003e syscall=x code=0x0"));
  EXPECT_FALSE(parse_seccomp_record("audit(garbage): pid=1 arch=c000003e syscall=1 code=0x0"));
  EXPECT_FALSE(parse_seccomp_record("pid=1 arch=c000003e syscall=1"));  // no code
}

// Found by record_fuzzer: seconds whose nanoseconds overflow int64 were undefined behaviour.
TEST(SeccompRecord, ATimestampBeyondInt64NanosecondsIsNotARecord) {
  const std::string rest = " pid=1 comm=\"x\" exe=\"/x\" sig=0 arch=c000003e syscall=39 compat=0 ip=0x1 code=0x7ffc0000";
  EXPECT_FALSE(parse_seccomp_record("audit(17000100000.23:42):" + rest));
  EXPECT_FALSE(parse_seccomp_record("audit(1700000000.1000:42):" + rest));
  auto ok = parse_seccomp_record("audit(1700000000.123:42):" + rest);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->timestamp_ns, int64_t{1700000000123} * 1000000);
}
