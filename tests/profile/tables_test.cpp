// Arch, syscall-name and capability tables.
#include <linux/audit.h>
#include <seccomp.h>

#include <gtest/gtest.h>

#include "isolator/profile/arch.h"
#include "isolator/profile/capabilities.h"
#include "isolator/profile/profile.h"

using namespace sc::profile;

TEST(ArchTable, TokensShortNamesAndNamesRoundTrip) {
  EXPECT_EQ(scmp_arch_from_token("SCMP_ARCH_X86_64"), std::optional<uint32_t>(AUDIT_ARCH_X86_64));
  EXPECT_EQ(scmp_arch_from_token("SCMP_ARCH_X32"), std::optional<uint32_t>(SCMP_ARCH_X32));
  EXPECT_FALSE(scmp_arch_from_token("SCMP_ARCH_VAX"));
  const char* shorts[] = {"amd64", "x86", "x32", "arm", "arm64", "mips", "mips64", "mips64n32", "mipsel",
                          "mipsel64", "mipsel64n32", "ppc", "ppc64", "ppc64le", "s390", "s390x", "riscv64",
                          "loongarch64"};
  for (const char* s : shorts) EXPECT_TRUE(scmp_arch_from_short(s).has_value()) << s;
  EXPECT_EQ(scmp_arch_from_short("arm64"), std::optional<uint32_t>(AUDIT_ARCH_AARCH64));
  EXPECT_FALSE(scmp_arch_from_short("sparc"));
  for (const auto& a : known_arches()) {
    EXPECT_EQ(arch_from_name(arch_name(a.value)), std::optional<uint32_t>(a.value)) << a.name;
  }
  EXPECT_EQ(arch_name(SCMP_ARCH_X86_64), "x86_64");
  EXPECT_EQ(arch_name(SCMP_ARCH_AARCH64), "aarch64");
  EXPECT_EQ(arch_name(0x1234), "0x1234");
  EXPECT_EQ(native_arch(), seccomp_arch_native());
}

// The one arch table is stated in AUDIT_ARCH_* terms (common/arch.h): libseccomp gives every
// arch it knows the same value under the same name.
TEST(ArchTable, LibseccompAgreesWithTheCommonTable) {
  for (const auto& a : known_arches()) {
    if (!a.libseccomp_knows) continue;
    EXPECT_EQ(seccomp_arch_resolve_name(a.name), a.value) << a.name;
  }
  EXPECT_EQ(known_arches().size(), sc::common::known_arches().size());
}

TEST(ArchTable, SyscallNamesPerArchIncludingX32) {
  EXPECT_EQ(syscall_name(AUDIT_ARCH_X86_64, 0), "read");
  EXPECT_EQ(syscall_name(AUDIT_ARCH_I386, 3), "read");
  EXPECT_EQ(syscall_name(AUDIT_ARCH_X86_64, 0x40000000), "read");  // x32 bit -> x32 table
  EXPECT_EQ(syscall_name(AUDIT_ARCH_X86_64, 99999), "#99999");
  EXPECT_EQ(syscall_number(AUDIT_ARCH_X86_64, "uname"), std::optional<int>(63));
  EXPECT_EQ(syscall_number(SCMP_ARCH_X32, "read"), std::optional<int>(0x40000000));
  EXPECT_EQ(syscall_number(AUDIT_ARCH_I386, "socketcall"), std::optional<int>(102));
  EXPECT_FALSE(syscall_number(AUDIT_ARCH_X86_64, "socketcall"));  // pseudo number on x86_64
  EXPECT_FALSE(syscall_number(AUDIT_ARCH_X86_64, "no_such_call"));
  EXPECT_EQ(scmp_arch_of(AUDIT_ARCH_X86_64, 0x40000001), SCMP_ARCH_X32);
  EXPECT_EQ(audit_arch_of(SCMP_ARCH_X32), static_cast<uint32_t>(AUDIT_ARCH_X86_64));
  EXPECT_TRUE(arch_is_32bit(SCMP_ARCH_X86));
  EXPECT_TRUE(arch_is_32bit(SCMP_ARCH_X32));
  EXPECT_FALSE(arch_is_32bit(SCMP_ARCH_X86_64));
}

TEST(CapabilityTable, NormalisesAndNumbers) {
  EXPECT_EQ(normalize_capability("SYS_ADMIN"), std::optional<std::string>("CAP_SYS_ADMIN"));
  EXPECT_EQ(normalize_capability("CAP_SYS_ADMIN"), std::optional<std::string>("CAP_SYS_ADMIN"));
  EXPECT_EQ(normalize_capability("cap_chown"), std::optional<std::string>("CAP_CHOWN"));
  EXPECT_FALSE(normalize_capability("CAP_FLY"));
  EXPECT_EQ(capability_number("CAP_CHECKPOINT_RESTORE"), std::optional<unsigned>(40));
  EXPECT_EQ(capability_name(21), std::optional<std::string>("CAP_SYS_ADMIN"));
  EXPECT_EQ(known_capabilities().size(), 41u);
  auto set = capabilities_from_mask((1ull << 0) | (1ull << 21));
  EXPECT_EQ(set, (std::set<std::string>{"CAP_CHOWN", "CAP_SYS_ADMIN"}));
}

TEST(ModelVocabulary, ActionsOperatorsKernelVersions) {
  EXPECT_EQ(action_from_name("SCMP_ACT_KILL_PROCESS"), std::optional<ActionKind>(ActionKind::KillProcess));
  EXPECT_FALSE(action_from_name("SCMP_ACT_EXPLODE"));
  for (auto k : {ActionKind::Allow, ActionKind::Errno, ActionKind::Kill, ActionKind::KillThread,
                 ActionKind::KillProcess, ActionKind::Trap, ActionKind::Trace, ActionKind::Log, ActionKind::Notify})
    EXPECT_EQ(action_from_name(action_name(k)), std::optional<ActionKind>(k));
  EXPECT_STREQ(action_verdict(ActionKind::Kill), "kill_thread");
  EXPECT_STREQ(action_verdict(ActionKind::Notify), "user_notif");
  EXPECT_EQ(describe(Action{ActionKind::Errno, 1}), "ERRNO(1)");
  EXPECT_EQ(describe(Action{ActionKind::Trace, 5}), "TRACE(5)");
  EXPECT_EQ(describe(Action{ActionKind::KillProcess, {}}), "KILL_PROCESS");
  EXPECT_EQ(op_from_name("SCMP_CMP_MASKED_EQ"), std::optional<CmpOp>(CmpOp::MaskedEqual));
  EXPECT_STREQ(op_name(CmpOp::GreaterEqual), "SCMP_CMP_GE");
  EXPECT_FALSE(op_from_name("SCMP_CMP_FOO"));
  EXPECT_EQ(parse_kernel_version("5.10"), std::optional<KernelVersion>(KernelVersion{5, 10}));
  EXPECT_EQ(parse_kernel_version("6.1.0-13-amd64"), std::optional<KernelVersion>(KernelVersion{6, 1}));
  EXPECT_FALSE(parse_kernel_version("five"));
  EXPECT_FALSE(parse_kernel_version("5"));
  EXPECT_FALSE(parse_kernel_version("5.x"));
  EXPECT_LT((KernelVersion{4, 8}), (KernelVersion{4, 14}));
}
