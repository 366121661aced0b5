// Syscalls newer than libseccomp, and newer than the profile, in a real container on the
// running kernel (issue 11):
//  - Docker's profile allows mseal and statmount; Debian 12's libseccomp 2.5.4 does not know
//    them, so the filter adds them by number from the kernel table: the call reaches the
//    kernel, which answers for itself (EINVAL for mseal's bad flags, EFAULT for statmount's
//    NULL request), not EPERM;
//  - a syscall numbered above every one the profile names gets ENOSYS (runc's rule), also one
//    the kernel has (open_tree_attr, 467, is in 6.15+: unconfined it answers EFAULT), and
//    with --new_syscalls=default the profile's EPERM, as Mesos's isolator does.
#include <sys/utsname.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "isolator/registry/registry.h"
#include "tests/launch/launch_fixture.h"

namespace sc::testing {
namespace {

constexpr int kMseal = 462, kStatmount = 457, kOpenTreeAttr = 467;

class NewSyscalls : public LaunchTest {
 protected:
  // The probe's answer to the raw syscall in a container under Docker's profile.
  std::string probe(const std::vector<std::string>& flags, const std::vector<std::string>& syscall,
                    std::string* err = nullptr) {
    std::vector<std::string> argv = agent(flags);
    std::vector<std::string> command = {kProbe, "syscall"};
    command.insert(command.end(), syscall.begin(), syscall.end());
    Result r = run(argv, command);
    if (err) *err = r.err;
    EXPECT_TRUE(r.code == 0 || r.code == 1) << "launch failed (" << r.code << "): " << r.err;
    return r.out;
  }
  std::vector<std::string> docker() { return {"--seccomp_profile_name=docker-default.json"}; }
};

bool kernel_at_least(int major, int minor) {
  struct utsname u {};
  uname(&u);
  int a = 0, b = 0;
  std::sscanf(u.release, "%d.%d", &a, &b);
  return a > major || (a == major && b >= minor);
}

TEST_F(NewSyscalls, WhatOnlyTheKernelTableKnowsReachesTheKernel) {
  SC_REQUIRE_ROOT();
  SC_REQUIRE(kernel_at_least(6, 10), "mseal needs Linux 6.10");
  std::string err;
  // mseal(0, 0, flags=1): the kernel rejects the flags.
  EXPECT_EQ(probe(docker(), {std::to_string(kMseal), "0", "0", "1"}, &err), "errno=22\n");
  // statmount(NULL, NULL, 0, 0): the kernel cannot read the request.
  EXPECT_EQ(probe(docker(), {std::to_string(kStatmount), "0", "0", "0", "0"}), "errno=14\n");
  // Not one of the twelve names Docker's profile has and this libseccomp lacks is reported
  // unknown any more.
  for (const char* name : {"mseal", "statmount", "listmount", "getxattrat", "setxattrat", "listxattrat",
                           "removexattrat", "lsm_get_self_attr", "lsm_set_self_attr", "lsm_list_modules",
                           "uretprobe", "riscv_hwprobe"})
    EXPECT_EQ(err.find(std::string("unknown syscall '") + name + "'"), std::string::npos) << name << ":\n" << err;
}

TEST_F(NewSyscalls, AboveTheProfileIsEnosysOrWithTheMesosOptionTheProfilesErrno) {
  SC_REQUIRE_ROOT();
  SC_REQUIRE(kernel_at_least(6, 15), "open_tree_attr needs Linux 6.15");
  // The kernel has it: unconfined, a NULL path is EFAULT.
  EXPECT_EQ(probe({"--seccomp_profile_name=docker-default.json", "--container_info={\"linux_info\":{\"seccomp\":"
                   "{\"unconfined\":true}}}"},
                  {std::to_string(kOpenTreeAttr), "0", "0", "0", "0", "0"}),
            "errno=14\n");
  EXPECT_EQ(probe(docker(), {std::to_string(kOpenTreeAttr), "0", "0", "0", "0", "0"}), "errno=38\n");
  EXPECT_EQ(probe(docker(), {"1000"}), "errno=38\n");
  auto mesos = docker();
  mesos.push_back("--new_syscalls=default");
  EXPECT_EQ(probe(mesos, {std::to_string(kOpenTreeAttr), "0", "0", "0", "0", "0"}), "errno=1\n");
  EXPECT_EQ(probe(mesos, {"1000"}), "errno=1\n");
}

TEST_F(NewSyscalls, TheChoiceIsRegisteredAndATrulyUnknownNameStillWarns) {
  SC_REQUIRE_ROOT();
  // Docker's profile with one name no table has added to its big ALLOW rule.
  nlohmann::json docker_profile = nlohmann::json::parse(read_file(config_dir_ + "/docker-default.json"));
  docker_profile["syscalls"][0]["names"].push_back("no_such_syscall_xyz");
  write_profile("unknown-name.json", docker_profile.dump());
  std::string id = unique_id("mesos");
  std::vector<std::string> argv = agent({"--seccomp_profile_name=unknown-name.json", "--new_syscalls=default",
                                         "--container_id=" + id});
  Result r = run(argv, {kProbe, "syscall", std::to_string(kMseal), "0", "0", "1"});
  EXPECT_EQ(r.out, "errno=22\n") << r.err;
  // launch counts the warnings and points at `check`, which names them: the unknown name is
  // one; mseal is a note (resolved from the kernel table), not a warning.
  EXPECT_NE(r.err.find("warning(s) about profile"), std::string::npos) << r.err;
  Process check({kIsolator, "check", config_dir_ + "/unknown-name.json"}, dir_ + "/check-stderr");
  std::string out;
  EXPECT_EQ(check.wait(&out), 0);
  const std::string warnings = read_file(dir_ + "/check-stderr");
  EXPECT_NE(warnings.find("warning: syscalls[0].names[361]: unknown syscall 'no_such_syscall_xyz' skipped"),
            std::string::npos) << warnings;
  EXPECT_EQ(warnings.find("warning: syscalls[0].names[178]"), std::string::npos) << warnings;  // mseal
  EXPECT_NE(warnings.find("note: syscalls[0].names[178]: 'mseal' is unknown to this libseccomp; added by number"),
            std::string::npos) << warnings;
  size_t unknown = 0;
  for (size_t at = warnings.find("unknown syscall '"); at != std::string::npos; at = warnings.find("unknown syscall '", at + 1))
    ++unknown;
  EXPECT_EQ(unknown, 1u) << warnings;
  auto entry = registry::read(runtime_dir_, id);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->new_syscalls, "default");
}

}  // namespace
}  // namespace sc::testing
