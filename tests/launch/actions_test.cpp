// What each seccomp action does to the launched command, and the exit codes launch reports
// (docker run's: 125 isolator failure, 126 cannot invoke, 127 not found, 128+N signal N).
#include <sys/syscall.h>

#include "tests/launch/launch_fixture.h"

namespace sc::testing {
namespace {

class Actions : public LaunchTest {};

TEST_F(Actions, ErrnoReturnsTheProfilesErrnoRet) {
  SC_REQUIRE_ROOT();
  write_profile("enosys.json", R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["uname"],"action":"SCMP_ACT_ERRNO","errnoRet":38}]})");
  auto r = run(agent({"--seccomp_profile_name=enosys.json"}), {kProbe, "uname"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "errno=38\n");
}

TEST_F(Actions, KillProcessEndsTheCommandWithSigsys) {
  SC_REQUIRE_ROOT();
  write_profile("kill.json", allow_all_but("uname", "SCMP_ACT_KILL_PROCESS"));
  auto r = run(agent({"--seccomp_profile_name=kill.json"}), {kProbe, "uname"});
  EXPECT_EQ(r.code, 128 + SIGSYS);  // 159
  EXPECT_EQ(r.out, "");
}

TEST_F(Actions, KillThreadKillsOnlyTheThread) {
  SC_REQUIRE_ROOT();
  write_profile("kill-thread.json", allow_all_but("uname", "SCMP_ACT_KILL_THREAD"));
  // The only thread: the kernel kills the whole process with SIGSYS.
  auto r = run(agent({"--seccomp_profile_name=kill-thread.json"}), {kProbe, "uname"});
  EXPECT_EQ(r.code, 128 + SIGSYS);
  // Another thread remains: only the offending thread exits, silently.
  r = run(agent({"--seccomp_profile_name=kill-thread.json"}), {kProbe, "uname-in-thread"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "survived\n");
}

TEST_F(Actions, TrapSendsSigsysWithTheSyscall) {
  SC_REQUIRE_ROOT();
  write_profile("trap.json", allow_all_but("uname", "SCMP_ACT_TRAP"));
  auto r = run(agent({"--seccomp_profile_name=trap.json"}), {kProbe, "trap"});
  EXPECT_EQ(r.code, 0) << r.err;
  // si_code SYS_SECCOMP (1), si_syscall the denied call; the call itself did not run
  // (a real uname returns 0).
  EXPECT_EQ(r.out.rfind("sigsys code=1 syscall=" + std::to_string(SYS_uname) + " ret=", 0), 0u) << r.out;
  EXPECT_EQ(r.out.find("ret=0\n"), std::string::npos) << r.out;
  // Without a handler SIGSYS is fatal.
  r = run(agent({"--seccomp_profile_name=trap.json"}), {kProbe, "uname"});
  EXPECT_EQ(r.code, 128 + SIGSYS);
}

TEST_F(Actions, BrokenOrMissingProfileRunsNothing) {
  SC_REQUIRE_ROOT();
  write_profile("broken.json", R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["uname"],"action":"SCMP_ACT_NOPE"}]})");
  write_profile("truncated.json", R"({"defaultAction":"SCMP_ACT_ALLOW","sysc)");
  struct Case {
    std::string name, message;
  };
  for (const Case& c : {Case{"broken.json", "Failed to parse Seccomp profile '" + config_dir_ + "/broken.json': syscalls[0].action"},
                        Case{"truncated.json", "Failed to parse Seccomp profile '" + config_dir_ + "/truncated.json'"},
                        Case{"missing.json", "Failed to read Seccomp profile file '" + config_dir_ + "/missing.json'"}}) {
    for (bool as_task : {false, true}) {
      std::string marker = dir_ + "/marker";
      auto flags = as_task ? agent({R"(--container_info={"linux_info":{"seccomp":{"profile_name":")" + c.name + R"("}}})"})
                           : agent({"--seccomp_profile_name=" + c.name});
      auto r = run(flags, {kProbe, "touch", marker});
      EXPECT_EQ(r.code, 125) << c.name;
      EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
      EXPECT_FALSE(std::filesystem::exists(marker)) << c.name;
    }
  }
}

TEST_F(Actions, ExecFailuresAreExactUnderTheFilter) {
  SC_REQUIRE_ROOT();
  auto r = run(agent({"--seccomp_profile_name=default.json"}), {dir_ + "/no-such-program"});
  EXPECT_EQ(r.code, 127);
  EXPECT_NE(r.err.find("Failed to execute " + dir_ + "/no-such-program: No such file or directory"), std::string::npos) << r.err;
  r = run(agent({"--seccomp_profile_name=default.json"}), {"no-such-program-on-path"});
  EXPECT_EQ(r.code, 127);
  write_file(dir_ + "/not-executable", "#!/bin/sh\nexit 0\n");
  r = run(agent({"--seccomp_profile_name=default.json"}), {dir_ + "/not-executable"});
  EXPECT_EQ(r.code, 126);
  EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
  // A profile that denies execve: the filter is in, the exec fails, launch says so.
  write_profile("no-exec.json", allow_all_but("execve", "SCMP_ACT_ERRNO"));
  r = run(agent({"--seccomp_profile_name=no-exec.json"}), {kProbe, "uname"});
  EXPECT_EQ(r.code, 126);
  EXPECT_NE(r.err.find("Failed to execute " + kProbe + ": Operation not permitted"), std::string::npos) << r.err;
}

TEST_F(Actions, CommandStatusIsPassedThrough) {
  SC_REQUIRE_ROOT();
  auto r = run(agent({"--seccomp_profile_name=default.json"}), {"/bin/sh", "-c", "exit 42"});
  EXPECT_EQ(r.code, 42);
  r = run(agent({"--seccomp_profile_name=default.json"}), {"/bin/sh", "-c", "kill -TERM $$"});
  EXPECT_EQ(r.code, 128 + SIGTERM);
}

}  // namespace
}  // namespace sc::testing
