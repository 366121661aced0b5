// Differential test against runc (issue 11): the same profile, resolved for the same
// capabilities, installed by Debian's runc in a busybox container and by `seccomp-isolator
// launch` in ours. Both filters are read back from the running processes
// (PTRACE_SECCOMP_GET_FILTER) and evaluated over every syscall number 0-1023 of x86_64, x86
// and x32, with arguments at zero, all ones and around every value the profile compares.
//
// The only differences allowed are the deliberate ones, listed by name below: syscalls the
// profile allows that Debian 12's libseccomp (2.5.4, runc's too) does not know. We add them
// by number from the kernel table so they run; runc cannot, and answers ENOSYS (above its
// stub's maximum) or EPERM (the profile's default).
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <seccomp.h>

#include "isolator/launch/filter_comparison.h"
#include "isolator/launch/filter_readback.h"
#include "isolator/profile/arch.h"
#include "isolator/profile/parser.h"
#include "isolator/profile/resolver.h"
#include "isolator/registry/registry.h"
#include "tests/launch/launch_fixture.h"

namespace fs = std::filesystem;

namespace sc::testing {
namespace {

// Docker's default capability set (moby oci/caps/defaults.go).
const std::vector<std::string> kDockerCaps = {
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
    "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
    "CAP_AUDIT_WRITE"};

// The deliberate improvements: per profile and arch, the syscalls where we answer ALLOW and
// runc cannot. Anything else that differs fails the test.
// (lsm_get_self_attr, lsm_set_self_attr and lsm_list_modules are in Docker's CAP_SYS_ADMIN
// rule, which Docker's default capabilities do not reach.)
const std::set<std::string> kDockerNewer = {"statmount",  "listmount",   "mseal",        "setxattrat",
                                            "getxattrat", "listxattrat", "removexattrat"};
// And a consequence of knowing those numbers: the ENOSYS rule's maximum on x86_64 and x86 is
// 466 (removexattrat), not 456 as in runc. So lsm_get_self_attr, lsm_set_self_attr and
// lsm_list_modules (459-461), which Docker's profile allows only with CAP_SYS_ADMIN, get the
// profile's own EPERM for a container without it, as for mount or unshare; runc answers
// ENOSYS only because its libseccomp cannot name them (with a libseccomp that can, runc
// answers EPERM too). x32's maximum is 547 in both, so x32 does not differ there.
const std::set<std::string> kDockerDeniedByProfile = {"lsm_get_self_attr", "lsm_set_self_attr", "lsm_list_modules"};
std::map<std::string, std::set<std::string>> expected_denials(const std::string& profile) {
  if (profile == "mesos-default.json") return {};
  return {{"x86_64", kDockerDeniedByProfile}, {"x86", kDockerDeniedByProfile}};
}

std::map<std::string, std::set<std::string>> expected_improvements(const std::string& profile) {
  if (profile == "mesos-default.json") return {};  // names none of them
  std::set<std::string> with_uretprobe = kDockerNewer;
  with_uretprobe.insert("uretprobe");  // x86_64 and x32 only ("common" in syscall_64.tbl)
  return {{"x86_64", with_uretprobe}, {"x86", kDockerNewer}, {"x32", with_uretprobe}};
}

// Runs argv with stdin from /dev/null and stdout+stderr into `out_file`; the exit code.
int run_to_file(const std::vector<std::string>& argv, const std::string& out_file) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int in = ::open("/dev/null", O_RDONLY);
    int out = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0) ::_exit(98);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(99);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The OCI runtime spec's linux.seccomp for the resolved rules (what Docker hands runc: the
// profile's rules that apply to this arch and capability set).
nlohmann::json oci_seccomp(const profile::ResolvedProfile& r) {
  auto action = [](const profile::Action& a) { return profile::action_name(a.kind); };
  nlohmann::json out = {{"defaultAction", action(r.original_default_action)}};
  if (r.original_default_action.kind == profile::ActionKind::Errno)
    out["defaultErrnoRet"] = r.original_default_action.data.value_or(EPERM);
  nlohmann::json arches = nlohmann::json::array();
  for (uint32_t a : r.arches) arches.push_back(profile::arch_token(a));
  out["architectures"] = arches;
  nlohmann::json syscalls = nlohmann::json::array();
  for (const auto& rule : r.rules) {
    nlohmann::json s = {{"names", {rule.name}}, {"action", action(rule.original_action)}};
    if (rule.original_action.kind == profile::ActionKind::Errno) s["errnoRet"] = rule.original_action.data.value_or(EPERM);
    nlohmann::json args = nlohmann::json::array();
    for (const auto& c : rule.args)
      args.push_back({{"index", c.index}, {"value", c.value}, {"valueTwo", c.value_two}, {"op", profile::op_name(c.op)}});
    if (!args.empty()) s["args"] = args;
    syscalls.push_back(s);
  }
  out["syscalls"] = syscalls;
  return out;
}

class RuncDifferential : public LaunchTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(RuncDifferential, SameVerdictsAsRuncExceptTheListedImprovements) {
  SC_REQUIRE_ROOT();
  const std::string runc = fs::exists("/usr/sbin/runc") ? "/usr/sbin/runc" : "/usr/bin/runc";
  SC_REQUIRE(fs::exists(runc), "runc (Debian package runc)");
  SC_REQUIRE(fs::exists("/bin/busybox"), "busybox-static");
  const std::string name = GetParam();
  fs::copy_file(std::string(SC_SHARED_DIR) + "/profiles/" + name, config_dir_ + "/under-test.json",
                fs::copy_options::overwrite_existing);

  // Ours: a launch container with Docker's capabilities, waiting.
  nlohmann::json info = {{"linux_info", {{"bounding_capabilities", {{"capabilities", nlohmann::json::array()}}}}}};
  for (const auto& cap : kDockerCaps) info["linux_info"]["bounding_capabilities"]["capabilities"].push_back(cap.substr(4));
  const std::string id = unique_id("rdiff");
  auto argv = agent({"--seccomp_profile_name=under-test.json", "--container_info=" + info.dump(), "--container_id=" + id,
                     "--", kProbe, "wait"});
  Process ours(argv, dir_ + "/launch-stderr");
  ASSERT_NE(ours.read_until("ready\n", 10000).find("ready"), std::string::npos) << read_file(dir_ + "/launch-stderr");
  auto entry = registry::read(runtime_dir_, id);
  ASSERT_TRUE(entry);
  std::set<std::string> caps(entry->capabilities.begin(), entry->capabilities.end());
  ASSERT_EQ(caps, std::set<std::string>(kDockerCaps.begin(), kDockerCaps.end()));

  // runc's: the same rules, resolved for the same capabilities, in a busybox bundle.
  profile::ResolveContext context;
  context.capabilities = caps;
  profile::ResolvedProfile resolved = profile::resolve(profile::load_profile(config_dir_ + "/under-test.json"), context);
  const std::string bundle = dir_ + "/bundle", root = dir_ + "/runc-root", rid = "sc-rdiff-" + std::to_string(::getpid());
  fs::create_directories(bundle + "/rootfs/bin");
  fs::copy_file("/bin/busybox", bundle + "/rootfs/bin/busybox");
  ASSERT_EQ(run_to_file({runc, "spec", "--bundle", bundle}, dir_ + "/runc-spec.out"), 0) << read_file(dir_ + "/runc-spec.out");
  nlohmann::json config = nlohmann::json::parse(read_file(bundle + "/config.json"));
  config["process"]["terminal"] = false;
  config["process"]["args"] = {"/bin/busybox", "sleep", "600"};
  for (const char* set : {"bounding", "effective", "permitted"}) config["process"]["capabilities"][set] = kDockerCaps;
  config["linux"]["cgroupsPath"] = "/" + rid;
  config["linux"]["seccomp"] = oci_seccomp(resolved);
  write_file(bundle + "/config.json", config.dump(1));
  struct RuncContainer {
    std::string runc, root, id, log;
    ~RuncContainer() { run_to_file({runc, "--root", root, "delete", "--force", id}, log); }
  } cleanup{runc, root, rid, dir_ + "/runc-delete.out"};
  ASSERT_EQ(run_to_file({runc, "--root", root, "run", "--detach", "--bundle", bundle, rid}, dir_ + "/runc-run.out"), 0)
      << read_file(dir_ + "/runc-run.out");
  ASSERT_EQ(run_to_file({runc, "--root", root, "state", rid}, dir_ + "/runc-state.out"), 0);
  const pid_t runc_pid = nlohmann::json::parse(read_file(dir_ + "/runc-state.out"))["pid"].get<pid_t>();

  const launch::FilterStack mine = launch::read_installed_filters(entry->pid);
  const launch::FilterStack theirs = launch::read_installed_filters(runc_pid);
  ASSERT_EQ(mine.size(), 1u);
  ASSERT_EQ(theirs.size(), 1u);
  const auto arches = launch::probe_arches();
  ASSERT_EQ(arches.size(), 3u);  // x86_64, x86, x32
  launch::Comparison comparison = launch::compare_stacks(mine, theirs, arches, &resolved);
  EXPECT_GT(comparison.probes, 3u * 1024u);

  std::map<std::string, std::set<std::string>> improvements, denials;
  std::string unexpected;
  const auto wanted = expected_improvements(name), denied = expected_denials(name);
  auto listed = [](const std::map<std::string, std::set<std::string>>& m, const launch::Difference& d) {
    auto arch = m.find(d.arch);
    return arch != m.end() && arch->second.count(d.syscall) > 0;
  };
  for (const auto& d : comparison.differences) {
    if (listed(wanted, d) && d.installed == "ALLOW" && (d.expected == "ERRNO(1)" || d.expected == "ERRNO(38)")) {
      improvements[d.arch].insert(d.syscall);
      continue;
    }
    if (listed(denied, d) && d.installed == "ERRNO(1)" && d.expected == "ERRNO(38)") {
      denials[d.arch].insert(d.syscall);
      continue;
    }
    unexpected += d.arch + " " + d.syscall + " (nr " + std::to_string(d.nr) + "): ours " + d.installed + ", runc " +
                  d.expected + "\n";
  }
  EXPECT_EQ(unexpected, "") << "differences from runc that are not listed improvements";
  EXPECT_EQ(improvements, wanted);
  EXPECT_EQ(denials, denied);

  // The two agree on the ENOSYS rule itself: far above the profile, both answer ENOSYS.
  const uint64_t zeros[6] = {0, 0, 0, 0, 0, 0};
  for (const auto& arch : arches) {  // stack_verdict adds x32's bit itself
    EXPECT_EQ(launch::stack_verdict(theirs, arch.scmp_arch, 1000, zeros), SECCOMP_RET_ERRNO | ENOSYS) << arch.name;
    EXPECT_EQ(launch::stack_verdict(mine, arch.scmp_arch, 1000, zeros), SECCOMP_RET_ERRNO | ENOSYS) << arch.name;
  }
}

INSTANTIATE_TEST_SUITE_P(Profiles, RuncDifferential,
                         ::testing::Values("docker-default.json", "docker-default-2023.json", "mesos-default.json"),
                         [](const auto& info) {
                           std::string n = info.param.substr(0, info.param.find('.'));
                           for (auto& ch : n)
                             if (ch == '-') ch = '_';
                           return n;
                         });

}  // namespace
}  // namespace sc::testing
