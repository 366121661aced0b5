// Mesos's own isolator tests, as behaviours, through the real binary
// (mesos-semantics.md "Behaviours Mesos's own tests check", 1-11), plus its precedence errors.
#include "tests/launch/launch_fixture.h"

namespace sc::testing {
namespace {

class MesosBehaviour : public LaunchTest {};

TEST_F(MesosBehaviour, 1_NoConfigDirFailsStartUp) {
  SC_REQUIRE_ROOT();
  auto r = run({kIsolator, "launch", "--runtime_dir=" + runtime_dir_, "--seccomp_profile_name=default.json"},
               {kProbe, "touch", dir_ + "/marker"});
  EXPECT_EQ(r.code, 125);
  EXPECT_NE(r.err.find("Missing required `--seccomp_config_dir` flag"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/marker"));
}

TEST_F(MesosBehaviour, 2_EmptyDefaultProfileFailsStartUp) {
  SC_REQUIRE_ROOT();
  write_profile("empty.json", "{}");
  auto r = run(agent({"--seccomp_profile_name=empty.json"}), {kProbe, "touch", dir_ + "/marker"});
  EXPECT_EQ(r.code, 125);
  EXPECT_NE(r.err.find("Failed to parse Seccomp profile '" + config_dir_ + "/empty.json'"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/marker"));
}

TEST_F(MesosBehaviour, 3_StandardDefaultProfileRunsAShell) {
  SC_REQUIRE_ROOT();
  auto r = run(agent({"--seccomp_profile_name=default.json"}), {"/bin/sh", "-c", "id && env && uname && hostname"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("uid=0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Linux"), std::string::npos) << r.out;
}

TEST_F(MesosBehaviour, 4_DefaultProfileDeniesUname) {
  SC_REQUIRE_ROOT();
  auto r = run(agent({"--seccomp_profile_name=uname-errno.json"}), {kProbe, "uname"});
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(r.out, "errno=1\n");  // Mesos-era ERRNO without errnoRet is EPERM
}

TEST_F(MesosBehaviour, 5_TaskUnconfinedOverridesTheDefault) {
  SC_REQUIRE_ROOT();
  auto r = run(agent({"--seccomp_profile_name=uname-errno.json", R"(--container_info={"linux_info":{"seccomp":{"unconfined":true}}})"}),
               {kProbe, "uname"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "ok\n");
  EXPECT_NE(r.err.find("Seccomp is not applied to container"), std::string::npos) << r.err;
}

TEST_F(MesosBehaviour, 6_TaskProfileOverridesTheDefault) {
  SC_REQUIRE_ROOT();
  auto r = run(agent({"--seccomp_profile_name=default.json",
                      R"(--container_info={"linux_info":{"seccomp":{"profile_name":"uname-errno.json"}}})"}),
               {kProbe, "uname"});
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(r.out, "errno=1\n");
}

TEST_F(MesosBehaviour, 7_AbsentTaskProfileFailsTheLaunch) {
  SC_REQUIRE_ROOT();
  auto r = run(agent({R"(--container_info={"linux_info":{"seccomp":{"profile_name":"absent"}}})"}),
               {kProbe, "touch", dir_ + "/marker"});
  EXPECT_EQ(r.code, 125);
  EXPECT_NE(r.err.find("Failed to read Seccomp profile file '" + config_dir_ + "/absent': No such file or directory"),
            std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/marker"));
}

// 8-11: a uname -> ERRNO rule gated by caps, against the container's bounding set.
struct CapsCase {
  const char* condition;  // includes / excludes
  const char* bounding;   // the container's bounding set
  bool applied;
};
class MesosCapsBehaviour : public LaunchTest, public ::testing::WithParamInterface<CapsCase> {};

TEST_P(MesosCapsBehaviour, RuleFollowsTheBoundingSet) {
  SC_REQUIRE_ROOT();
  const CapsCase& c = GetParam();
  std::string includes = std::string(c.condition) == "includes" ? R"({"caps":["CAP_SYS_ADMIN"]})" : "{}";
  std::string excludes = std::string(c.condition) == "excludes" ? R"({"caps":["CAP_SYS_ADMIN"]})" : "{}";
  write_profile("gated.json", allow_all_but("uname", "SCMP_ACT_ERRNO", R"("includes":)" + includes + R"(,"excludes":)" + excludes));
  std::string info = std::string(R"({"linux_info":{"seccomp":{"profile_name":"gated.json"},"bounding_capabilities":{"capabilities":[")") +
                     c.bounding + R"("]}}})";
  auto r = run(agent({"--container_info=" + info}), {kProbe, "uname"});
  if (c.applied) {
    EXPECT_NE(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "errno=1\n");
  } else {
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "ok\n");
  }
}

INSTANTIATE_TEST_SUITE_P(Mesos8to11, MesosCapsBehaviour,
                         ::testing::Values(CapsCase{"includes", "SYS_ADMIN", true},   // 8
                                           CapsCase{"excludes", "SYS_ADMIN", false},  // 9
                                           CapsCase{"includes", "CHOWN", false},      // 10
                                           CapsCase{"excludes", "CHOWN", true}),      // 11
                         [](const ::testing::TestParamInfo<CapsCase>& info) {
                           return "Behaviour" + std::to_string(8 + info.index) + "_" + info.param.condition +
                                  "_SYS_ADMIN_bounding_" + info.param.bounding;
                         });

TEST_F(MesosBehaviour, UnconfinedWithProfileNameIsInvalid) {
  SC_REQUIRE_ROOT();
  auto r = run(agent({R"(--container_info={"linux_info":{"seccomp":{"unconfined":true,"profile_name":"uname-errno.json"}}})"}),
               {kProbe, "touch", dir_ + "/marker"});
  EXPECT_EQ(r.code, 125);
  EXPECT_NE(r.err.find("Invalid Seccomp configuration: 'profile_name' given even though 'unconfined' Seccomp setting is enabled"),
            std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/marker"));
}

TEST_F(MesosBehaviour, SeccompInfoWithoutNameIsMissingProfileName) {
  SC_REQUIRE_ROOT();
  for (const char* info : {R"({"linux_info":{"seccomp":{}}})", R"({"linux_info":{"seccomp":{"unconfined":false}}})"}) {
    auto r = run(agent({"--seccomp_profile_name=default.json", std::string("--container_info=") + info}), {kProbe, "uname"});
    EXPECT_EQ(r.code, 125) << info;
    EXPECT_NE(r.err.find("Missing Seccomp profile name"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
  }
}

TEST_F(MesosBehaviour, NoDefaultAndNoTaskProfileRunsUnconfined) {
  SC_REQUIRE_ROOT();
  auto r = run(agent(), {kProbe, "uname"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "ok\n");
  EXPECT_NE(r.err.find("Seccomp is not applied to container"), std::string::npos) << r.err;
}

TEST_F(MesosBehaviour, ProfileNamesMayNotEscapeTheConfigDir) {
  SC_REQUIRE_ROOT();
  // A real profile just outside the config dir: reachable by "..", never read.
  write_file(dir_ + "/outside.json", allow_all_but("uname", "SCMP_ACT_ERRNO"));
  for (const std::string& name : std::vector<std::string>{"../outside.json", "a/../../outside.json", dir_ + "/outside.json", "/etc/passwd"}) {
    auto r = run(agent({"--seccomp_profile_name=" + name}), {kProbe, "touch", dir_ + "/marker"});
    EXPECT_EQ(r.code, 125) << name;
    EXPECT_NE(r.err.find("escapes --seccomp_config_dir"), std::string::npos) << name << ": " << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir_ + "/marker")) << name;
  }
  // Inside the dir, by a relative path with ".." that stays inside, or by its absolute path.
  std::filesystem::create_directories(config_dir_ + "/sub");
  for (const std::string& name : std::vector<std::string>{"sub/../uname-errno.json", config_dir_ + "/uname-errno.json"}) {
    auto r = run(agent({"--seccomp_profile_name=" + name}), {kProbe, "uname"});
    EXPECT_EQ(r.out, "errno=1\n") << name << ": " << r.err;
  }
  // An absolute name outside the dir is refused rather than silently re-rooted into it.
  auto r = run(agent({"--seccomp_profile_name=/uname-errno.json"}), {kProbe, "uname"});
  EXPECT_EQ(r.code, 125);
}

TEST_F(MesosBehaviour, WithoutTheIsolatorNoFilterAndNoSilentDowngrade) {
  SC_REQUIRE_ROOT();
  // Agent flags are inert without linux/seccomp (as in Mesos), and said so.
  auto r = run(agent({"--isolation=posix/cpu,posix/mem", "--seccomp_profile_name=uname-errno.json"}), {kProbe, "uname"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "ok\n");
  EXPECT_NE(r.err.find("the --seccomp_* flags are ignored"), std::string::npos) << r.err;
  // A task that asks for a profile cannot be honoured: the container does not run.
  r = run(agent({"--isolation=posix/cpu", R"(--container_info={"linux_info":{"seccomp":{"profile_name":"uname-errno.json"}}})"}),
          {kProbe, "touch", dir_ + "/marker"});
  EXPECT_EQ(r.code, 125);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/marker"));
}

TEST_F(MesosBehaviour, ContainerInfoFromAFileAndBadInputRunNothing) {
  SC_REQUIRE_ROOT();
  write_file(dir_ + "/container_info.json", R"({"linux_info":{"seccomp":{"profile_name":"uname-errno.json"}}})");
  auto r = run(agent({"--container_info=@" + dir_ + "/container_info.json"}), {kProbe, "uname"});
  EXPECT_EQ(r.out, "errno=1\n") << r.err;
  struct Case {
    std::string flag, message;
  };
  for (const Case& c : {Case{R"(--container_info={"linux_info":{"seccomp":{"unconfined":"yes"}}})",
                             "Invalid ContainerInfo: linux_info.seccomp.unconfined: expected a boolean"},
                        Case{"--container_info=@" + dir_ + "/absent.json", "Failed to read --container_info file"},
                        Case{"--container_id=../evil", "Invalid --container_id '../evil'"},
                        Case{"--rlimit=nofile=9:8", "Invalid --rlimit 'nofile=9:8': soft limit above hard limit"},
                        Case{"--user=no-such-user-here", "Unknown user 'no-such-user-here'"},
                        Case{"--rootfs=" + dir_ + "/absent", "Invalid --rootfs"}}) {
    r = run(agent({c.flag}), {kProbe, "touch", dir_ + "/marker"});
    EXPECT_EQ(r.code, 125) << c.flag;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.flag << ": " << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir_ + "/marker")) << c.flag;
  }
  // Options after the command without "--" are a usage error, not a guess.
  Process p({kIsolator, "launch", "--seccomp_config_dir=" + config_dir_, "--runtime_dir=" + runtime_dir_,
             kProbe, "touch", "-x"}, dir_ + "/stderr");
  EXPECT_EQ(p.wait(), 2);
  EXPECT_NE(read_file(dir_ + "/stderr").find("put -- before the command"), std::string::npos);
}

}  // namespace
}  // namespace sc::testing
