// The one arch table (common/arch.h): names, tokens and short names round trip, x32 is told
// apart by its syscall bit, and the native arch is one of the table's.
#include <linux/audit.h>

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "common/arch.h"

namespace sc::common {
namespace {

TEST(Arch, NamesTokensAndShortNamesRoundTrip) {
  std::set<uint32_t> values;
  std::set<std::string> names;
  for (const auto& a : known_arches()) {
    EXPECT_TRUE(values.insert(a.value).second) << a.name;
    EXPECT_TRUE(names.insert(a.name).second) << a.name;
    EXPECT_EQ(arch_from_name(a.name), std::optional<uint32_t>(a.value)) << a.name;
    EXPECT_EQ(arch_from_token(a.token), std::optional<uint32_t>(a.value)) << a.name;
    EXPECT_EQ(arch_from_name(a.token), std::optional<uint32_t>(a.value)) << a.name;
    EXPECT_EQ(arch_name(a.value), a.name);
    EXPECT_EQ(arch_token(a.value), a.token);
    EXPECT_EQ(arch_short_name(a.value), a.short_name);
    if (a.short_name[0]) {
      EXPECT_EQ(arch_from_short(a.short_name), std::optional<uint32_t>(a.value)) << a.name;
    }
  }
  EXPECT_EQ(known_arches().size(), 20u);
  EXPECT_EQ(arch_name(AUDIT_ARCH_X86_64), "x86_64");
  EXPECT_EQ(arch_name(AUDIT_ARCH_I386), "x86");
  EXPECT_EQ(arch_name(kArchX32), "x32");
  EXPECT_EQ(arch_name(AUDIT_ARCH_AARCH64), "aarch64");
  EXPECT_EQ(arch_short_name(AUDIT_ARCH_X86_64), "amd64");
  EXPECT_EQ(arch_short_name(AUDIT_ARCH_PARISC), "");
  EXPECT_EQ(arch_from_short("arm64"), std::optional<uint32_t>(AUDIT_ARCH_AARCH64));
  EXPECT_EQ(arch_from_name("amd64"), std::optional<uint32_t>(AUDIT_ARCH_X86_64));
  EXPECT_FALSE(arch_from_short(""));
  EXPECT_FALSE(arch_from_name("vax"));
  EXPECT_EQ(arch_name(0x1234), "0x1234");
  EXPECT_EQ(arch_token(0x1234), "");
  EXPECT_EQ(find_arch(0x1234), nullptr);
}

// The recorded arch (VerdictKey.arch) as state.json and the journal write it: every value,
// named or not, reads back from its text; nothing else is an arch.
TEST(Arch, EveryValueReadsBackFromItsText) {
  for (const auto& a : sc::common::known_arches()) {
    SCOPED_TRACE(a.name);
    EXPECT_EQ(sc::common::arch_from_text(arch_name(a.value)), a.value);
  }
  for (uint32_t value : {0u, 1u, 0x1234u, 0xffffffffu, 0x4000003eu}) {
    SCOPED_TRACE(value);
    EXPECT_EQ(sc::common::arch_from_text(arch_name(value)), value);
  }
  for (const char* text : {"", "0x", "0x123456789", "0xG", "X86_64", "amd64", "SCMP_ARCH_X86_64", "x86_64 ", "1234"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(sc::common::arch_from_text(text).has_value());
  }
}

TEST(Arch, X32IsToldApartByItsSyscallBit) {
  EXPECT_EQ(arch_of(AUDIT_ARCH_X86_64, 0), AUDIT_ARCH_X86_64);
  EXPECT_EQ(arch_of(AUDIT_ARCH_X86_64, static_cast<int>(kX32SyscallBit)), kArchX32);
  EXPECT_EQ(arch_of(AUDIT_ARCH_I386, static_cast<int>(kX32SyscallBit)), AUDIT_ARCH_I386);
  EXPECT_EQ(audit_arch_of(kArchX32), AUDIT_ARCH_X86_64);
  EXPECT_EQ(audit_arch_of(AUDIT_ARCH_AARCH64), AUDIT_ARCH_AARCH64);
  EXPECT_TRUE(arch_is_32bit(kArchX32));
  EXPECT_TRUE(arch_is_32bit(AUDIT_ARCH_I386));
  EXPECT_FALSE(arch_is_32bit(AUDIT_ARCH_X86_64));
}

TEST(Arch, TheNativeArchIsInTheTable) {
  ASSERT_NE(find_arch(native_arch()), nullptr);
  EXPECT_EQ(native_arch_name(), arch_name(native_arch()));
#if defined(__x86_64__) && !defined(__ILP32__)
  EXPECT_EQ(native_arch_name(), "x86_64");
#endif
}

}  // namespace
}  // namespace sc::common
