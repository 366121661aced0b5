// The project's kernel syscall table (isolator/profile/kernel_syscalls.h) and the name
// lookups that fall back on it, and runc's ENOSYS rule as the resolver computes it.
#include <seccomp.h>

#include <gtest/gtest.h>

#include <cerrno>

#include "isolator/profile/arch.h"
#include "isolator/profile/kernel_syscalls.h"
#include "isolator/profile/parser.h"
#include "isolator/profile/resolver.h"
#include "isolator/profile/semantics.h"

using namespace sc::profile;

namespace {
constexpr int kX32 = static_cast<int>(kX32SyscallBit);
}

// Where libseccomp knows an entry too, both tables give the same number on every arch
// libseccomp can build for: the generic numbering, the MIPS offsets and x32's bit are right.
TEST(KernelSyscallTable, AgreesWithLibseccompWhereBothKnowTheName) {
  size_t compared = 0;
  for (const auto& s : kernel_syscalls())
    for (const auto& a : known_arches()) {
      if (!a.libseccomp_knows) continue;
      int lib = seccomp_syscall_resolve_name_arch(a.value, s.name);
      if (lib < 0) continue;  // unknown to libseccomp, or not on that arch in its table
      auto ours = kernel_table_number(a.value, s.name);
      ASSERT_TRUE(ours) << s.name << " on " << a.name << ": libseccomp says " << lib;
      EXPECT_EQ(*ours, lib) << s.name << " on " << a.name;
      ++compared;
    }
  EXPECT_GT(compared, 30u * 10u);  // 424-456 on most of the 19 arches
}

TEST(KernelSyscallTable, NamesNewerThanLibseccompResolveBothWays) {
  for (const char* name : {"statmount", "mseal", "removexattrat", "file_setattr"}) {
    auto x86_64 = syscall_number(SCMP_ARCH_X86_64, name);
    ASSERT_TRUE(x86_64) << name;
    EXPECT_EQ(syscall_number(SCMP_ARCH_X86, name), x86_64) << name;
    EXPECT_EQ(syscall_number(SCMP_ARCH_X32, name), *x86_64 | kX32) << name;
    EXPECT_EQ(syscall_number(SCMP_ARCH_MIPS64, name), *x86_64 + 5000) << name;
    EXPECT_EQ(syscall_name(SCMP_ARCH_X86_64, *x86_64), name);
    EXPECT_EQ(syscall_name(SCMP_ARCH_X86_64, *x86_64 | kX32), name);  // AUDIT_ARCH_X86_64 + bit = x32
    EXPECT_TRUE(syscall_name_known(name));
  }
  EXPECT_EQ(syscall_number(SCMP_ARCH_X86_64, "mseal"), 462);
  EXPECT_EQ(syscall_number(SCMP_ARCH_X86_64, "statmount"), 457);
  // Arch-only entries: uretprobe on x86_64 and x32, not i386; riscv_hwprobe on riscv64 only.
  EXPECT_EQ(syscall_number(SCMP_ARCH_X86_64, "uretprobe"), 335);
  EXPECT_EQ(syscall_number(SCMP_ARCH_X32, "uretprobe"), 335 | kX32);
  EXPECT_FALSE(syscall_number(SCMP_ARCH_X86, "uretprobe"));
  EXPECT_EQ(syscall_number(SCMP_ARCH_RISCV64, "riscv_hwprobe"), 258);
  EXPECT_FALSE(syscall_number(SCMP_ARCH_X86_64, "riscv_hwprobe"));
  // libseccomp's answer wins, also its "not on this arch" (a pseudo number).
  EXPECT_EQ(syscall_number(SCMP_ARCH_X86_64, "read"), 0);
  EXPECT_FALSE(syscall_number(SCMP_ARCH_X86_64, "socketcall"));
  // Neither table: unknown, shown as a number.
  EXPECT_FALSE(syscall_name_known("no_such_syscall_xyz"));
  EXPECT_EQ(syscall_name(SCMP_ARCH_X86_64, 999), "#999");
}

namespace {
ResolvedProfile resolve_json(const std::string& json, NewSyscalls choice = NewSyscalls::Enosys, bool audit = false) {
  ResolveContext c;
  c.native_arch = SCMP_ARCH_X86_64;
  c.kernel = {6, 18};
  c.audit = audit;
  c.new_syscalls = choice;
  return resolve(parse_profile(json), c);
}
const char* kDeny = R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,
  "archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X86","SCMP_ARCH_X32"]}],
  "syscalls":[{"names":["read","write","mseal","no_such_syscall_xyz"],"action":"SCMP_ACT_ALLOW"},
              {"names":["removexattrat"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]})";
}  // namespace

// runc's findLastSyscalls: the highest number any applying rule names, whatever its action
// (removexattrat's rule, redundant with the default, counts), per arch, x32 with its bit.
TEST(EnosysRule, TheHighestNumberTheProfileNamesPerArch) {
  ResolvedProfile r = resolve_json(kDeny);
  EXPECT_EQ(r.enosys_above.at(SCMP_ARCH_X86_64), 466);
  EXPECT_EQ(r.enosys_above.at(SCMP_ARCH_X86), 466);
  EXPECT_EQ(r.enosys_above.at(SCMP_ARCH_X32), 0x40000000 + 466);
  ASSERT_EQ(r.notes.size(), 2u);  // mseal and removexattrat
  EXPECT_NE(r.notes[0].find("syscalls[0].names[2]: 'mseal' is unknown to this libseccomp"), std::string::npos) << r.notes[0];
  EXPECT_NE(r.notes[1].find("syscalls[1].names[0]: 'removexattrat'"), std::string::npos) << r.notes[1];
  // Only the truly unknown name is warned about.
  size_t unknown = 0;
  for (const auto& w : r.warnings) unknown += w.find("unknown syscall") != std::string::npos;
  EXPECT_EQ(unknown, 1u);

  const uint64_t zeros[6] = {0, 0, 0, 0, 0, 0};
  Verdict above = verdict_of(r, SCMP_ARCH_X86_64, 467, zeros);
  EXPECT_TRUE(above.newer_than_profile);
  EXPECT_EQ(above.action, (Action{ActionKind::Errno, ENOSYS}));
  EXPECT_EQ(verdict_of(r, SCMP_ARCH_X86_64, 462, zeros).action.kind, ActionKind::Allow);
  EXPECT_EQ(verdict_of(r, SCMP_ARCH_X86_64, 466, zeros).action, (Action{ActionKind::Errno, 1}));
  EXPECT_EQ(verdict_of(r, SCMP_ARCH_X86_64, static_cast<int>(1u << 31), zeros).action, (Action{ActionKind::Errno, ENOSYS}));  // unsigned, as jgt
  EXPECT_EQ(verdict_of(r, SCMP_ARCH_X32, 467 | kX32, zeros).action, (Action{ActionKind::Errno, ENOSYS}));
  EXPECT_EQ(verdict_of(r, SCMP_ARCH_X32, 462 | kX32, zeros).action.kind, ActionKind::Allow);
}

TEST(EnosysRule, NotForPermissiveDefaultsNotForEnosysDefaultsNotWhenAskedNot) {
  EXPECT_TRUE(resolve_json(kDeny, NewSyscalls::ProfileDefault).enosys_above.empty());
  EXPECT_TRUE(resolve_json(kDeny, NewSyscalls::Enosys, /*audit=*/true).enosys_above.empty());  // LOG default
  EXPECT_TRUE(resolve_json(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mseal"],"action":"SCMP_ACT_ERRNO"}]})")
                  .enosys_above.empty());
  EXPECT_TRUE(resolve_json(R"({"defaultAction":"SCMP_ACT_LOG","syscalls":[{"names":["mseal"],"action":"SCMP_ACT_ERRNO"}]})")
                  .enosys_above.empty());
  EXPECT_TRUE(resolve_json(R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":38,"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]})")
                  .enosys_above.empty());
  // KILL and TRAP defaults do get it, as in runc.
  EXPECT_EQ(resolve_json(R"({"defaultAction":"SCMP_ACT_KILL_PROCESS","syscalls":[{"names":["write"],"action":"SCMP_ACT_ALLOW"}]})")
                .enosys_above.at(SCMP_ARCH_X86_64), 1);
  EXPECT_FALSE(resolve_json(R"({"defaultAction":"SCMP_ACT_TRAP","syscalls":[{"names":["write"],"action":"SCMP_ACT_ALLOW"}]})")
                   .enosys_above.empty());
  // runc's findLastSyscalls: a largest number of 0 (only read) means "no syscalls": no rule.
  EXPECT_TRUE(resolve_json(R"({"defaultAction":"SCMP_ACT_KILL_PROCESS","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]})")
                  .enosys_above.empty());
}
