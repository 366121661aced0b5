// The argument table and its symbolic names, against literal UAPI values (linux/personality.h,
// linux/sched.h, sys/syslog.h): a wrong constant or position fails here before it makes a
// wrong condition.
#include <string>

#include <gtest/gtest.h>

#include "audit/refine/arg_display.h"
#include "audit/refine/arg_names.h"
#include "audit/refine/arg_positions.h"

namespace sc::refine {
// Named: in a unity build this file shares a translation unit with the other refine tests.
namespace arg_table_tests {
namespace {

TEST(ArgNames, ValuesAreHexPlusNamesAndUnknownBitsStayVisible) {
  EXPECT_EQ(symbolic_value(ArgVocabulary::Persona, 0x0040000), "0x40000 (ADDR_NO_RANDOMIZE)");
  EXPECT_EQ(symbolic_value(ArgVocabulary::Persona, 0x0400000), "0x400000 (READ_IMPLIES_EXEC)");
  EXPECT_EQ(symbolic_value(ArgVocabulary::Persona, 0x0200000), "0x200000 (ADDR_COMPAT_LAYOUT)");
  EXPECT_EQ(symbolic_value(ArgVocabulary::Persona, 0x0008), "0x8 (PER_LINUX32)");
  EXPECT_EQ(symbolic_value(ArgVocabulary::Persona, 0x20008), "0x20008 (PER_LINUX32|UNAME26)");
  EXPECT_EQ(symbolic_value(ArgVocabulary::Persona, 0), "0x0 (PER_LINUX)");
  EXPECT_EQ(symbolic_value(ArgVocabulary::Persona, 0xffffffff), "0xffffffff (query only)");
  EXPECT_EQ(symbolic_value(ArgVocabulary::Persona, 0x10000000040000), "0x10000000040000 (ADDR_NO_RANDOMIZE|0x10000000000000)");
  EXPECT_EQ(symbolic_value(ArgVocabulary::NamespaceFlags, 0x10000000), "0x10000000 (CLONE_NEWUSER)");
  EXPECT_EQ(symbolic_value(ArgVocabulary::NamespaceFlags, 0x10020080), "0x10020080 (CLONE_NEWTIME|CLONE_NEWNS|CLONE_NEWUSER)");
  EXPECT_EQ(symbolic_value(ArgVocabulary::CloneFlags, 0x10000011), "0x10000011 (SIGCHLD|CLONE_NEWUSER)");
  EXPECT_EQ(symbolic_value(ArgVocabulary::CloneFlags, 0x10000005), "0x10000005 (CLONE_NEWUSER|0x5)");
  EXPECT_EQ(symbolic_value(ArgVocabulary::SyslogAction, 3), "0x3 (SYSLOG_ACTION_READ_ALL)");
  EXPECT_EQ(symbolic_value(ArgVocabulary::SyslogAction, 10), "0xa (SYSLOG_ACTION_SIZE_BUFFER)");
  EXPECT_EQ(symbolic_value(ArgVocabulary::SyslogAction, 99), "0x63");
  EXPECT_EQ(symbolic_value(ArgVocabulary::SocketDomain, 16), "0x10 (AF_NETLINK)");
  EXPECT_EQ(symbolic_value(ArgVocabulary::SocketType, 0x80801), "0x80801 (SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC)");
  EXPECT_EQ(symbolic_value(ArgVocabulary::IoctlRequest, 0x5401), "0x5401 (TCGETS)");
  EXPECT_EQ(symbolic_value(ArgVocabulary::PrctlOption, 38), "0x26 (PR_SET_NO_NEW_PRIVS)");
  EXPECT_EQ(symbolic_value(ArgVocabulary::FcntlCmd, 1030), "0x406 (F_DUPFD_CLOEXEC)");
  EXPECT_EQ(symbolic_value(ArgVocabulary::Prot, 5), "0x5 (PROT_READ|PROT_EXEC)");
  EXPECT_EQ(symbolic_value(ArgVocabulary::Prot, 0), "0x0 (PROT_NONE)");
  EXPECT_EQ(symbolic_value(ArgVocabulary::MountFlags, 0x5000), "0x5000 (MS_BIND|MS_REC)");
  EXPECT_EQ(symbolic_value(ArgVocabulary::None, 255), "0xff");
}

TEST(ArgPositions, KindsAndPerArchOrder) {
  auto p = arg_layout("personality", "x86_64");
  ASSERT_TRUE(p);
  ASSERT_EQ(p->positions.size(), 1u);
  EXPECT_EQ(p->positions[0].kind, ArgKind::Value);
  // clone: the flag word is arg 0 everywhere; tls is arg 4 on x86_64/x32, arg 3 on i386.
  for (const char* arch : {"x86_64", "x32", "x86"}) {
    auto c = arg_layout("clone", arch);
    ASSERT_TRUE(c) << arch;
    EXPECT_EQ(c->positions[0].kind, ArgKind::FlagWord) << arch;
    EXPECT_EQ(c->positions[0].guard, 0x7e020000u) << arch;
    for (size_t i = 1; i < c->positions.size(); ++i) EXPECT_EQ(c->positions[i].kind, ArgKind::Pointer) << arch << i;
    EXPECT_EQ(c->positions[std::string(arch) == "x86" ? 3 : 4].name, "tls") << arch;
  }
  auto clone3 = arg_layout("clone3", "x86_64");
  ASSERT_TRUE(clone3);
  EXPECT_TRUE(conditioned_positions(*clone3, {}).empty());
  auto syslog = arg_layout("syslog", "x86");
  ASSERT_TRUE(syslog);
  EXPECT_EQ(syslog->positions[0].kind, ArgKind::Value);
  EXPECT_EQ(syslog->positions[1].kind, ArgKind::Pointer);
  EXPECT_EQ(syslog->positions[2].kind, ArgKind::Ignored);
  auto ioctl = arg_layout("ioctl", "x86_64");
  ASSERT_TRUE(ioctl);
  EXPECT_EQ(ioctl->positions[0].kind, ArgKind::Ignored);
  EXPECT_EQ(ioctl->positions[1].kind, ArgKind::Value);
  EXPECT_EQ(ioctl->positions[2].kind, ArgKind::Pointer);
  // i386's old mmap takes a pointer to its arguments; mmap2 has prot at arg 2.
  EXPECT_TRUE(conditioned_positions(*arg_layout("mmap", "x86"), {}).empty());
  EXPECT_EQ(conditioned_positions(*arg_layout("mmap2", "x86"), {}).at(0)->index, 2u);
  EXPECT_EQ(conditioned_positions(*arg_layout("mmap", "x86_64"), {}).at(0)->index, 2u);
  // prctl's arg2 counts only for options where it is a number.
  auto prctl = arg_layout("prctl", "x86_64");
  ASSERT_TRUE(prctl);
  EXPECT_EQ(conditioned_positions(*prctl, {23 /*PR_CAPBSET_READ*/, 21}).size(), 2u);
  EXPECT_EQ(conditioned_positions(*prctl, {15 /*PR_SET_NAME*/, 0x7ffd0000}).size(), 1u);
  EXPECT_FALSE(arg_layout("read", "x86_64"));
  EXPECT_FALSE(arg_layout("personality", "aarch64"));
}

TEST(ArgDisplay, TuplesAndRecords) {
  EXPECT_EQ(tuple_text("syslog", "x86_64", {3, 0x7ffd1000, 0x2000, 0, 0, 0}),
            "type=0x3 (SYSLOG_ACTION_READ_ALL), buf=0x7ffd1000, len=0x2000");
  EXPECT_EQ(tuple_text("read", "x86_64", {1, 2, 3, 4, 5, 6}), "0x1, 0x2, 0x3, 0x4, 0x5, 0x6");
  audit::ArgRecord r{{{{0x40000, 0, 0, 0, 0, 0}, 1}, {{0, 0, 0, 0, 0, 0}, 7}}, 3};
  auto lines = record_lines("personality", "x86_64", r);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "persona=0x0 (PER_LINUX) x7");
  EXPECT_EQ(lines[1], "persona=0x40000 (ADDR_NO_RANDOMIZE) x1");
  EXPECT_EQ(lines[2], "+3 call(s) not kept (over the bound of 16 distinct tuples)");
}

}  // namespace
}  // namespace arg_table_tests
}  // namespace sc::refine
