// Containers started by `seccomp-isolator launch` (its own cgroup, its own libseccomp filter
// from a profile): the tracer's count for (the container's cgroup, syscall, action) is exact.
#include <sys/syscall.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/bpf/tracer_test_support.h"

namespace sc::tracer_test {
namespace {

using sc::bpf::SyscallHooks;

struct Launched {
  int status = -1;
  uint64_t cgroup_id = 0;
};

// Launches the workload under a profile giving acct `profile_action`; watches the container's
// cgroup (when `watch`) before the workload makes its calls.
Launched launch(sc::bpf::Tracer& tracer, const std::string& tag, const std::string& profile_action,
                const std::vector<std::string>& workload_args, bool watch, bool exact) {
  static int serial = 0;
  const std::string base = "/tmp/sc-tracer-launch-" + std::to_string(getpid()) + "-" + std::to_string(++serial);
  const std::string id = "sc-tracer-test-" + std::to_string(getpid()) + "-" + tag;
  mkdir(base.c_str(), 0700);
  mkdir((base + "/profiles").c_str(), 0700);
  {
    std::ofstream profile(base + "/profiles/deny-acct.json");
    profile << R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["acct"], )" << profile_action << "}]}\n";
  }
  const std::string go = base + "/go";
  std::vector<std::string> args = {"launch", "--seccomp_config_dir=" + base + "/profiles",
                                   "--seccomp_profile_name=deny-acct.json", "--container_id=" + id,
                                   "--runtime_dir=" + base + "/run", "--", SC_WORKLOAD, "--external-filter",
                                   "--wait-file=" + go};
  args.insert(args.end(), workload_args.begin(), workload_args.end());
  pid_t pid = spawn(SC_ISOLATOR, args);
  Launched out;
  const std::string cgroup = sc::host::cgroup2_mount() + "/seccomp-companion/" + id;
  for (int i = 0; i < 1000 && out.cgroup_id == 0; ++i) {
    struct stat st{};
    if (stat(cgroup.c_str(), &st) == 0) out.cgroup_id = st.st_ino;
    else std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling for the launcher's cgroup dir
  }
  if (out.cgroup_id && watch) tracer.watch(out.cgroup_id, exact);
  std::ofstream(go) << "go\n";
  out.status = wait_status(pid);
  if (out.cgroup_id && watch) tracer.unwatch(out.cgroup_id);
  std::error_code ignored;
  std::filesystem::remove_all(base, ignored);
  return out;
}

TEST_F(TracerTest, LaunchedContainerTrapsAreCountedExactly) {
  SC_REQUIRE_ROOT();
  auto& tracer = start(SyscallHooks::Off);
  const int n = 6;
  auto c = launch(tracer, "trap", R"("action": "SCMP_ACT_TRAP")",
                  {"--action=trap", "--syscall=" + std::to_string(SYS_acct), "--count=" + std::to_string(n)}, true, false);
  ASSERT_NE(c.cgroup_id, 0u) << "the container's cgroup never appeared";
  ASSERT_TRUE(exited_ok(c.status)) << "launch status " << c.status;
  EXPECT_EQ(count_of(tracer.counts(), c.cgroup_id, SYS_acct, 0x30000u), uint64_t(n));
}

TEST_F(TracerTest, LaunchedContainerKillIsCounted) {
  SC_REQUIRE_ROOT();
  auto& tracer = start(SyscallHooks::Off);
  auto c = launch(tracer, "kill", R"("action": "SCMP_ACT_KILL_PROCESS")",
                  {"--action=kill_process", "--syscall=" + std::to_string(SYS_acct), "--count=1"}, true, false);
  ASSERT_NE(c.cgroup_id, 0u);
  ASSERT_TRUE(WIFEXITED(c.status) && WEXITSTATUS(c.status) == 128 + SIGSYS) << "launch status " << c.status;
  EXPECT_EQ(count_of(tracer.counts(), c.cgroup_id, SYS_acct, 0x80000000u), 1u);
}

TEST_F(TracerTest, LaunchedContainerErrnosAreCountedExactlyAndUnwatchedOnesNot) {
  SC_REQUIRE_ROOT();
  auto& tracer = start(SyscallHooks::Auto);
  const int n = 2500;
  const std::vector<std::string> workload = {"--action=errno", "--errno=13", "--syscall=" + std::to_string(SYS_acct),
                                             "--count=" + std::to_string(n)};
  auto watched = launch(tracer, "errno", R"("action": "SCMP_ACT_ERRNO", "errnoRet": 13)", workload, true, true);
  auto unwatched = launch(tracer, "errno-unwatched", R"("action": "SCMP_ACT_ERRNO", "errnoRet": 13)", workload, false, false);
  ASSERT_NE(watched.cgroup_id, 0u);
  ASSERT_NE(unwatched.cgroup_id, 0u);
  ASSERT_TRUE(exited_ok(watched.status)) << "launch status " << watched.status;
  ASSERT_TRUE(exited_ok(unwatched.status)) << "launch status " << unwatched.status;
  auto counts = tracer.counts();
  EXPECT_EQ(count_of(counts, watched.cgroup_id, SYS_acct, 0x50000u, 13), uint64_t(n));
  EXPECT_EQ(keys_of_cgroup(counts, watched.cgroup_id), 1u);
  EXPECT_EQ(keys_of_cgroup(counts, unwatched.cgroup_id), 0u);
}

}  // namespace
}  // namespace sc::tracer_test
