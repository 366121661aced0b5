// The one SECCOMP_RET_* -> name table (common/seccomp_ret.h): every kernel action by its
// literal value (include/uapi/linux/seccomp.h), data bits ignored, anything else "unknown".
#include <gtest/gtest.h>

#include <string>
#include <utility>

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

// The typed action (VerdictKey.action): its text is what state.json, the journal and the
// reports write, and reads back as the same action for every value, named or not.
TEST(SeccompAction, EveryValueReadsBackFromItsText) {
  using sc::common::Action;
  const std::pair<Action, const char*> named[] = {
      {Action::KillProcess, "kill_process"}, {Action::KillThread, "kill_thread"}, {Action::Trap, "trap"},
      {Action::Errno, "errno"}, {Action::UserNotif, "user_notif"}, {Action::Trace, "trace"},
      {Action::Log, "log"}, {Action::Allow, "allow"}, {Action::Unknown, "unknown"}};
  for (const auto& [action, word] : named) {
    SCOPED_TRACE(word);
    EXPECT_EQ(sc::common::action_text(action), word);
    EXPECT_EQ(sc::common::action_from_text(word), action);
  }
  // Values no enumerator names: written in hex, read back exactly.
  for (uint32_t value : {0x12340000u, 0xffff0000u, 0x7ffd0000u}) {
    SCOPED_TRACE(value);
    Action action = static_cast<Action>(value);
    std::string text = sc::common::action_text(action);
    EXPECT_EQ(text.substr(0, 2), "0x");
    EXPECT_EQ(sc::common::action_from_text(text), action);
  }
  EXPECT_EQ(sc::common::action_text(static_cast<Action>(0x12340000u)), "0x12340000");
  EXPECT_EQ(sc::common::action_of(0x00050026u), Action::Errno);  // data bits cleared
  EXPECT_EQ(sc::common::action_of(0x80000000u), Action::KillProcess);
  EXPECT_TRUE(sc::common::is_denial(Action::Errno));
  EXPECT_TRUE(sc::common::is_denial(Action::KillThread));
  EXPECT_FALSE(sc::common::is_denial(Action::Log));
  EXPECT_FALSE(sc::common::is_denial(Action::Allow));
}

TEST(SeccompAction, TextThatIsNoActionIsRefused) {
  for (const char* text : {"", "LOG", "Errno", "errno ", "0x", "0x0005000", "0x000500001", "0x00050001" /* data bits */,
                           "0x0005000g", "5177344", "hex:6c6f67"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(sc::common::action_from_text(text).has_value());
  }
}

TEST(Paths, TheDefaultsAndTheStateFileName) {
  EXPECT_STREQ(sc::common::kDefaultStateDir, "/var/lib/seccomp-companion");
  EXPECT_STREQ(sc::common::kDefaultRuntimeDir, "/run/seccomp-companion");
  EXPECT_STREQ(sc::common::kDefaultPinDir, "/sys/fs/bpf/seccomp-companion");
  EXPECT_EQ(sc::common::state_file_path("/x/y"), "/x/y/state.json");
}

}  // namespace common_seccomp_ret_test
