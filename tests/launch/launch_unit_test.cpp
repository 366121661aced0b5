// The launcher's pure parts: path confinement, flag and ContainerInfo parsing, Mesos's
// start-up checks and precedence, exit-code mapping.
#include <sys/wait.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "isolator/launch/agent_flags.h"
#include "isolator/launch/container_info.h"
#include "isolator/launch/exit_codes.h"
#include "isolator/launch/launch_error.h"
#include "isolator/launch/profile_location.h"
#include "isolator/launch/rlimits.h"
#include "isolator/launch/seccomp_plan.h"
#include "tests/launch/launch_fixture.h"

namespace sc::launch {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const LaunchError& e) {
    return e.what();
  }
  return "";
}

TEST(ProfileLocation, MesosJoinAndConfinement) {
  EXPECT_EQ(profile_path("/etc/mesos/seccomp/", "default.json"), "/etc/mesos/seccomp/default.json");
  EXPECT_EQ(profile_path("/etc/mesos/seccomp", "sub/x.json"), "/etc/mesos/seccomp/sub/x.json");
  EXPECT_EQ(profile_path("/etc/mesos/seccomp", "/etc/mesos/seccomp/x.json"), "/etc/mesos/seccomp/x.json");
  for (const char* bad : {"../x", "a/../../x", "..", "/etc/passwd", "/etc/mesos/seccomp", "/etc/mesos/seccompx/y"})
    EXPECT_NE(error_of([&] { profile_path("/etc/mesos/seccomp", bad); }).find("escapes --seccomp_config_dir"),
              std::string::npos) << bad;
  EXPECT_EQ(error_of([&] { profile_path("/d", ""); }), "Seccomp profile name is empty");
  EXPECT_EQ(normalize_path("a//b/./c/../d"), "a/b/d");
  EXPECT_EQ(normalize_path("/../x"), "/x");
  EXPECT_EQ(normalize_path("../x"), "../x");
}

TEST(Rlimits, FlagParsing) {
  Rlimit r = parse_rlimit_flag("nofile=64:128");
  EXPECT_EQ(r.resource, RLIMIT_NOFILE);
  EXPECT_EQ(r.soft, 64u);
  EXPECT_EQ(r.hard, 128u);
  r = parse_rlimit_flag("RLMT_CORE=0");
  EXPECT_EQ(r.resource, RLIMIT_CORE);
  EXPECT_EQ(r.soft, 0u);
  EXPECT_EQ(r.hard, 0u);
  EXPECT_EQ(parse_rlimit_flag("stack=unlimited").hard, RLIM_INFINITY);
  EXPECT_NE(error_of([] { parse_rlimit_flag("bogus=1"); }).find("unknown resource 'bogus'"), std::string::npos);
  EXPECT_NE(error_of([] { parse_rlimit_flag("nofile=9:8"); }).find("soft limit above hard"), std::string::npos);
  EXPECT_NE(error_of([] { parse_rlimit_flag("nofile"); }).find("expected NAME=SOFT:HARD"), std::string::npos);
}

TEST(ContainerInfoJson, FieldsAndErrorsWithJsonPaths) {
  auto info = parse_container_info(R"({"type":"MESOS","linux_info":{"seccomp":{"profile_name":"p.json","audit":true},
    "effective_capabilities":{"capabilities":["CHOWN","CAP_KILL"]},"bounding_capabilities":{}},
    "rlimit_info":{"rlimits":[{"type":"RLMT_NOFILE","soft":10,"hard":20}]}})");
  ASSERT_TRUE(info.seccomp);
  EXPECT_EQ(info.seccomp->profile_name, "p.json");
  EXPECT_FALSE(info.seccomp->unconfined);
  EXPECT_EQ(info.seccomp->audit, true);
  EXPECT_EQ(*info.effective_capabilities, (std::set<std::string>{"CAP_CHOWN", "CAP_KILL"}));
  EXPECT_TRUE(info.bounding_capabilities && info.bounding_capabilities->empty());
  ASSERT_EQ(info.rlimits.size(), 1u);
  EXPECT_EQ(info.rlimits[0].hard, 20u);
  EXPECT_EQ(error_of([] { parse_container_info(R"({"linux_info":{"seccomp":{"unconfined":"yes"}}})"); }),
            "Invalid ContainerInfo: linux_info.seccomp.unconfined: expected a boolean");
  EXPECT_EQ(error_of([] { parse_container_info(R"({"linux_info":{"bounding_capabilities":{"capabilities":["CHOWN",7]}}})"); }),
            "Invalid ContainerInfo: linux_info.bounding_capabilities.capabilities[1]: expected a capability name such as \"CHOWN\"");
  EXPECT_EQ(error_of([] { parse_container_info(R"({"rlimit_info":{"rlimits":[{"type":"RLMT_FOO"}]}})"); }),
            "Invalid ContainerInfo: rlimit_info.rlimits[0].type: unknown rlimit type 'RLMT_FOO'");
  EXPECT_NE(error_of([] { parse_container_info("{"); }).find("Invalid ContainerInfo: invalid JSON"), std::string::npos);
}

TEST(AgentFlagsChecks, MesosStartUpOrderAndMessages) {
  EXPECT_TRUE(seccomp_isolation_enabled("filesystem/linux,linux/seccomp"));
  EXPECT_FALSE(seccomp_isolation_enabled("linux/seccompx,posix/cpu"));
  AgentFlags flags;
  EXPECT_EQ(error_of([&] { check_startup(flags, {false, true}); }), "Linux Seccomp isolator requires root permissions");
  EXPECT_EQ(error_of([&] { check_startup(flags, {true, false}); }), "Seccomp is not supported by the kernel");
  EXPECT_EQ(error_of([&] { check_startup(flags, {true, true}); }), "Missing required `--seccomp_config_dir` flag");
  flags.seccomp_config_dir = "/x";
  EXPECT_EQ(error_of([&] { check_startup(flags, {true, true}); }), "");
  EXPECT_TRUE(probe_host().seccomp_filters);
}

class Precedence : public sc::testing::LaunchTest {
 protected:
  SeccompPlan plan(std::optional<std::string> default_name, std::optional<SeccompInfo> task, bool audit = false) {
    PlanInput in;
    in.flags.seccomp_config_dir = config_dir_;
    in.flags.seccomp_profile_name = default_name;
    in.task = task;
    in.audit_flag = audit;
    in.container_id = "c1";
    return plan_seccomp(in, {true, true});
  }
};

TEST_F(Precedence, AgentDefaultTaskOverrideAndAudit) {
  auto p = plan("default.json", std::nullopt);
  EXPECT_EQ(p.mode, Mode::Enforce);
  EXPECT_EQ(p.profile_name, "default.json");
  EXPECT_EQ(p.profile->path, config_dir_ + "/default.json");
  EXPECT_EQ(p.profile->sha256.size(), 64u);
  p = plan(std::nullopt, std::nullopt);
  EXPECT_EQ(p.mode, Mode::Unconfined);
  EXPECT_EQ(p.notices.back(), "Seccomp is not applied to container c1");
  p = plan("default.json", SeccompInfo{"uname-errno.json", std::nullopt, std::nullopt});
  EXPECT_EQ(p.profile_name, "uname-errno.json");
  p = plan("default.json", SeccompInfo{std::nullopt, true, std::nullopt});
  EXPECT_EQ(p.mode, Mode::Unconfined);
  EXPECT_EQ(plan("default.json", std::nullopt, true).mode, Mode::Audit);
  EXPECT_EQ(plan(std::nullopt, SeccompInfo{"default.json", std::nullopt, true}).mode, Mode::Audit);
  EXPECT_EQ(plan(std::nullopt, SeccompInfo{"default.json", std::nullopt, false}, true).mode, Mode::Enforce);
  EXPECT_EQ(error_of([&] { plan(std::nullopt, SeccompInfo{}); }), "Missing Seccomp profile name");
  EXPECT_EQ(error_of([&] { plan(std::nullopt, SeccompInfo{std::nullopt, false, std::nullopt}); }), "Missing Seccomp profile name");
  EXPECT_EQ(error_of([&] { plan(std::nullopt, SeccompInfo{"x", true, std::nullopt}); }),
            "Invalid Seccomp configuration: 'profile_name' given even though 'unconfined' Seccomp setting is enabled");
  EXPECT_NE(error_of([&] { plan(std::nullopt, SeccompInfo{std::nullopt, true, true}); }).find("'audit' given even though"),
            std::string::npos);
  EXPECT_NE(error_of([&] { plan(std::nullopt, std::nullopt, true); }).find("--audit given but no Seccomp profile"),
            std::string::npos);
  // The agent default is parsed even when the task overrides it: a broken default stops start-up.
  write_profile("broken.json", "{}");
  EXPECT_NE(error_of([&] { plan("broken.json", SeccompInfo{"default.json", std::nullopt, std::nullopt}); })
                .find("Failed to parse Seccomp profile '" + config_dir_ + "/broken.json'"),
            std::string::npos);
}

TEST(ExitCodes, DockerRunConvention) {
  EXPECT_EQ(exit_code_for_exec_error(ENOENT), 127);
  EXPECT_EQ(exit_code_for_exec_error(EACCES), 126);
  EXPECT_EQ(exit_code_for_exec_error(EPERM), 126);
  EXPECT_EQ(exit_code_from_wait_status(7 << 8), 7);
  EXPECT_EQ(exit_code_from_wait_status(SIGSYS), 159);
}

}  // namespace
}  // namespace sc::launch
