// The one SECCOMP_RET_* -> name table (common/seccomp_ret.h): every kernel action by its
// literal value (include/uapi/linux/seccomp.h), data bits ignored, anything else "unknown".
#include <gtest/gtest.h>

#include <string>

#include "common/paths.h"
#include "common/seccomp_ret.h"

namespace common_seccomp_ret_test {

using sc::common::seccomp_ret_known;
using sc::common::seccomp_ret_name;

TEST(SeccompRet, EveryKernelActionHasItsName) {
  EXPECT_STREQ(seccomp_ret_name(0x80000000u), "kill_process");
  EXPECT_STREQ(seccomp_ret_name(0x00000000u), "kill_thread");
  EXPECT_STREQ(seccomp_ret_name(0x00030000u), "trap");
  EXPECT_STREQ(seccomp_ret_name(0x00050000u), "errno");
  EXPECT_STREQ(seccomp_ret_name(0x7fc00000u), "user_notif");
  EXPECT_STREQ(seccomp_ret_name(0x7ff00000u), "trace");
  EXPECT_STREQ(seccomp_ret_name(0x7ffc0000u), "log");
  EXPECT_STREQ(seccomp_ret_name(0x7fff0000u), "allow");
}

TEST(SeccompRet, DataBitsDoNotChangeTheName) {
  EXPECT_STREQ(seccomp_ret_name(0x00050001u), "errno");   // ERRNO(EPERM)
  EXPECT_STREQ(seccomp_ret_name(0x00050fffu), "errno");
  EXPECT_STREQ(seccomp_ret_name(0x7ff0ffffu), "trace");
  EXPECT_STREQ(seccomp_ret_name(0x0003002au), "trap");
  EXPECT_STREQ(seccomp_ret_name(0x0000ffffu), "kill_thread");
  EXPECT_TRUE(seccomp_ret_known(0x00050026u));
}

TEST(SeccompRet, AnyOtherActionIsUnknown) {
  for (uint32_t action : {0x12340000u, 0x00010000u, 0x7ff80000u, 0xffff0000u, 0x7ffd0000u}) {
    SCOPED_TRACE(action);
    EXPECT_STREQ(seccomp_ret_name(action), "unknown");
    EXPECT_FALSE(seccomp_ret_known(action));
  }
}

TEST(Paths, TheDefaultsAndTheStateFileName) {
  EXPECT_STREQ(sc::common::kDefaultStateDir, "/var/lib/seccomp-companion");
  EXPECT_STREQ(sc::common::kDefaultRuntimeDir, "/run/seccomp-companion");
  EXPECT_STREQ(sc::common::kDefaultPinDir, "/sys/fs/bpf/seccomp-companion");
  EXPECT_EQ(sc::common::state_file_path("/x/y"), "/x/y/state.json");
}

}  // namespace common_seccomp_ret_test
