// The child is born in its cgroup with clone3(CLONE_INTO_CGROUP); where clone3 is not to be
// had (older kernels, or a seccomp profile answering ENOSYS, as Docker's does), launch forks
// and moves it, still before the command runs.
#include <string>

#include "tests/launch/launch_fixture.h"

namespace sc::testing {
namespace {

class CgroupSpawn : public LaunchTest {};

TEST_F(CgroupSpawn, CommandRunsInItsCgroupWithClone3) {
  SC_REQUIRE_ROOT();
  std::string id = unique_id("clone3");
  auto r = run(agent({"--isolation=", "--container_id=" + id}), {"/bin/cat", "/proc/self/cgroup"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("0::/seccomp-companion/" + id + "\n"), std::string::npos) << r.out;
}

TEST_F(CgroupSpawn, CommandRunsInItsCgroupWhenClone3IsUnavailable) {
  SC_REQUIRE_ROOT();
  // An outer container whose profile answers clone3 with ENOSYS runs an inner launch.
  write_profile("no-clone3.json", allow_all_but("clone3", "SCMP_ACT_ERRNO", R"("errnoRet": 38)"));
  std::string inner = unique_id("inner");
  auto r = run(agent({"--seccomp_profile_name=no-clone3.json"}),
               {kIsolator, "launch", "--isolation=", "--container_id=" + inner, "--runtime_dir=" + runtime_dir_,
                "--", "/bin/cat", "/proc/self/cgroup"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("0::/seccomp-companion/" + inner + "\n"), std::string::npos) << r.out;
  // Gone after the inner container exited.
  EXPECT_FALSE(std::filesystem::exists(host::cgroup2_mount() + "/seccomp-companion/" + inner));
}

}  // namespace
}  // namespace sc::testing
