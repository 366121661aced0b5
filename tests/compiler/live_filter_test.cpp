// Verdicts confirmed live: a forked child loads the compiled filter and makes the call.
#include <linux/audit.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>

#include "isolator/compiler/filter.h"
#include "isolator/profile/parser.h"
#include "isolator/profile/resolver.h"
#include "tests/support/privileges.h"

using namespace sc;
using namespace sc::profile;

namespace {
// Runs `body` in a child that first loads the filter; returns the wait status.
template <typename Body>
int in_filtered_child(const compiler::Filter& filter, Body body) {
  pid_t pid = fork();
  if (pid == 0) {
    try {
      filter.load();
    } catch (...) {
      _exit(120);
    }
    _exit(body());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

compiler::Filter compile(const std::string& json, bool audit = false) {
  ResolveContext c;
  c.audit = audit;
  c.capabilities = {};
  return compiler::Filter(resolve(parse_profile(json), c), {});
}

const char* kProfile = R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
  {"names":["uname"],"action":"SCMP_ACT_ERRNO","errnoRet":13},
  {"names":["getppid"],"action":"SCMP_ACT_KILL_PROCESS"},
  {"names":["getpgid"],"action":"SCMP_ACT_LOG"},
  {"names":["personality"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":12345,"op":"SCMP_CMP_EQ"}]}]})";
}  // namespace

TEST(LiveFilter, ErrnoIsReturnedWithTheProfilesErrno) {
  SC_REQUIRE_ROOT();
  int status = in_filtered_child(compile(kProfile), [] {
    struct utsname u;
    long rc = syscall(SYS_uname, &u);
    return (rc == -1 && errno == 13) ? 0 : 1;
  });
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(LiveFilter, ArgumentConditionDecidesLive) {
  SC_REQUIRE_ROOT();
  int status = in_filtered_child(compile(kProfile), [] {
    long denied = syscall(SYS_personality, 12345);
    int denied_errno = errno;
    long allowed = syscall(SYS_personality, 0xffffffff);  // query only
    return (denied == -1 && denied_errno == EPERM && allowed != -1) ? 0 : 1;
  });
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(LiveFilter, KillProcessDeliversSigsys) {
  SC_REQUIRE_ROOT();
  int status = in_filtered_child(compile(kProfile), [] {
    syscall(SYS_getppid);
    return 0;  // not reached
  });
  ASSERT_TRUE(WIFSIGNALED(status)) << "status " << status;
  EXPECT_EQ(WTERMSIG(status), SIGSYS);
}

TEST(LiveFilter, LogLetsTheCallSucceed) {
  SC_REQUIRE_ROOT();
  int status = in_filtered_child(compile(kProfile), [] { return syscall(SYS_getpgid, 0) > 0 ? 0 : 1; });
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(LiveFilter, AuditModeNothingBreaks) {
  SC_REQUIRE_ROOT();
  int status = in_filtered_child(compile(kProfile, true), [] {
    struct utsname u;
    bool ok = syscall(SYS_uname, &u) == 0 && syscall(SYS_getppid) > 0;
    return ok ? 0 : 1;
  });
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(LiveFilter, DockerDefaultProfileInARealProcess) {
  SC_REQUIRE_ROOT();
  ResolveContext c;
  c.capabilities = {};  // an unprivileged container
  compiler::Filter filter(resolve(load_profile(std::string(SC_SHARED_DIR) + "/profiles/docker-default.json"), c), {});
  int status = in_filtered_child(filter, [] {
    long clone3 = syscall(SYS_clone3, nullptr, 0);
    int clone3_errno = errno;
    long pivot = syscall(SYS_pivot_root, "/", "/");
    int pivot_errno = errno;
    bool ok = clone3 == -1 && clone3_errno == ENOSYS &&  // errnoRet 38
              pivot == -1 && pivot_errno == EPERM &&     // defaultErrnoRet 1
              getpid() > 0;
    return ok ? 0 : 1;
  });
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}
