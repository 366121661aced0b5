// The container around the command: Docker's default profile running real programs with and
// without --rootfs, capabilities really as configured, the cgroup's life, the registry
// entry, signal forwarding, user switch and rlimits.
#include <sys/mount.h>

#include <nlohmann/json.hpp>

#include "isolator/registry/registry.h"
#include "tests/launch/launch_fixture.h"

namespace sc::testing {
namespace {

class Container : public LaunchTest {
 protected:
  // A busybox-static rootfs: /bin/busybox and the applets the tests use.
  std::string make_rootfs() {
    std::string root = dir_ + "/rootfs";
    std::filesystem::create_directories(root + "/bin");
    std::filesystem::create_directories(root + "/proc");
    std::filesystem::create_directories(root + "/etc");
    std::filesystem::copy_file("/bin/busybox", root + "/bin/busybox");
    for (const char* applet : {"sh", "id", "uname", "hostname", "ls", "cat", "env", "echo"})
      std::filesystem::create_symlink("busybox", root + "/bin/" + applet);
    std::filesystem::copy_file(kProbe, root + "/bin/probe");  // statically linked
    write_file(root + "/etc/rootfs-marker", "inside\n");
    return root;
  }
  std::string status_line(const std::string& out, const std::string& key) {
    auto at = out.find(key + ":\t");
    if (at == std::string::npos) return "";
    auto end = out.find('\n', at);
    return out.substr(at + key.size() + 2, end - at - key.size() - 2);
  }
};

TEST_F(Container, DockerDefaultProfileRunsBusyboxInARootfs) {
  SC_REQUIRE_ROOT();
  SC_REQUIRE(std::filesystem::exists("/bin/busybox"), "busybox-static is not installed");
  std::string root = make_rootfs();
  auto r = run(agent({"--seccomp_profile_name=docker-default.json", "--rootfs=" + root, "--working_dir=/etc"}),
               {"/bin/sh", "-c", "id && uname && hostname && ls / && cat rootfs-marker && cat /proc/self/cgroup"});
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("uid=0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Linux"), std::string::npos);
  EXPECT_NE(r.out.find("inside"), std::string::npos) << "working dir inside the rootfs: " << r.out;
  // Only the rootfs is visible: no /usr, /home, ... of the host.
  EXPECT_EQ(r.out.find("usr"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("0::/seccomp-companion/"), std::string::npos) << "/proc is mounted: " << r.out;
  // Nothing propagated back to the host's mount table.
  EXPECT_EQ(read_file("/proc/self/mountinfo").find(root), std::string::npos);
  // The profile really applies inside: Docker's default denies keyctl with EPERM.
  r = run(agent({"--seccomp_profile_name=docker-default.json", "--rootfs=" + root}), {"/bin/probe", "keyctl"});
  EXPECT_EQ(r.out, "errno=1\n") << r.err;
  r = run(agent({"--rootfs=" + root}), {"/bin/probe", "keyctl"});
  EXPECT_EQ(r.out, "ok\n") << r.err;
}

TEST_F(Container, NestedRootfsLaunchUnderAProfileWithoutPivotRootFailsClearly) {
  SC_REQUIRE_ROOT();
  SC_REQUIRE(std::filesystem::exists("/bin/busybox"), "busybox-static is not installed");
  std::string root = make_rootfs();
  // Docker's default profile does not allow pivot_root: a launch inside it cannot enter a rootfs.
  auto r = run(agent({"--seccomp_profile_name=docker-default.json"}),
               {kIsolator, "launch", "--seccomp_config_dir=" + config_dir_, "--runtime_dir=" + runtime_dir_,
                "--rootfs=" + root, "--", "/bin/probe", "touch", "/marker"});
  EXPECT_EQ(r.code, 125) << r.err;
  EXPECT_NE(r.err.find("Failed to enter the rootfs: pivot_root (does the inherited seccomp profile allow pivot_root?)"),
            std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(root + "/marker"));
  // With pivot_root allowed (Mesos's documented requirement), the nested launch works.
  r = run(agent({"--seccomp_profile_name=uname-errno.json"}),
          {kIsolator, "launch", "--seccomp_config_dir=" + config_dir_, "--runtime_dir=" + runtime_dir_,
           "--rootfs=" + root, "--", "/bin/probe", "touch", "/marker"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(root + "/marker"));
}

TEST_F(Container, DockerDefaultProfileRunsCoreutilsOnTheHostRoot) {
  SC_REQUIRE_ROOT();
  auto r = run(agent({"--seccomp_profile_name=docker-default.json"}), {"/bin/sh", "-c", "ls / >/dev/null && date +%Y && uname -s"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Linux"), std::string::npos);
  // ... and denies what it denies: keyctl is ERRNO(EPERM) in Docker's profile.
  r = run(agent({"--seccomp_profile_name=docker-default.json"}), {kProbe, "keyctl"});
  EXPECT_EQ(r.out, "errno=1\n") << r.err;
  r = run(agent(), {kProbe, "keyctl"});
  EXPECT_EQ(r.out, "ok\n") << r.err;
}

TEST_F(Container, CapabilitiesAreReallySet) {
  SC_REQUIRE_ROOT();
  // bounding {CHOWN, SYS_ADMIN}, effective {CHOWN}
  auto r = run(agent({"--seccomp_profile_name=docker-default.json",
                      R"(--container_info={"linux_info":{"bounding_capabilities":{"capabilities":["CHOWN","SYS_ADMIN"]},)"
                      R"("effective_capabilities":{"capabilities":["CHOWN"]}}})"}),
               {kProbe, "status"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(status_line(r.out, "CapBnd"), "0000000000200001") << r.out;
  EXPECT_EQ(status_line(r.out, "CapEff"), "0000000000000001") << r.out;
  EXPECT_EQ(status_line(r.out, "CapPrm"), "0000000000000001") << r.out;
  EXPECT_EQ(status_line(r.out, "CapInh"), "0000000000000001") << r.out;
  // Only a bounding set: root keeps exactly that set.
  r = run(agent({R"(--container_info={"linux_info":{"bounding_capabilities":{"capabilities":["KILL","NET_RAW"]}}})"}),
          {kProbe, "status"});
  ASSERT_EQ(r.code, 0) << r.err;
  uint64_t kill_net_raw = (1ull << 5) | (1ull << 13);
  char expected[17];
  std::snprintf(expected, sizeof expected, "%016llx", static_cast<unsigned long long>(kill_net_raw));
  EXPECT_EQ(status_line(r.out, "CapBnd"), expected);
  EXPECT_EQ(status_line(r.out, "CapEff"), expected);
  // Nothing configured: the launcher's own sets are kept.
  r = run(agent(), {kProbe, "status"});
  std::string own = read_file("/proc/self/status");
  EXPECT_EQ(status_line(r.out, "CapBnd"), status_line(own, "CapBnd"));
  EXPECT_EQ(status_line(r.out, "CapEff"), status_line(own, "CapEff"));
  // effective outside bounding: refused, nothing runs.
  r = run(agent({R"(--container_info={"linux_info":{"bounding_capabilities":{"capabilities":["CHOWN"]},)"
                 R"("effective_capabilities":{"capabilities":["SYS_ADMIN"]}}})"}),
          {kProbe, "touch", dir_ + "/marker"});
  EXPECT_EQ(r.code, 125);
  EXPECT_NE(r.err.find("CAP_SYS_ADMIN not in the bounding capabilities"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/marker"));
}

TEST_F(Container, CgroupLivesExactlyAsLongAsTheContainerAndTheRegistryKnowsIt) {
  SC_REQUIRE_ROOT();
  std::string id = unique_id("cgroup");
  std::string mount = host::cgroup2_mount();
  std::string cgroup_dir = mount + "/seccomp-companion/" + id;
  auto argv = agent({"--seccomp_profile_name=uname-errno.json", "--container_id=" + id});
  argv.insert(argv.end(), {"--", kProbe, "wait"});
  Process launcher(argv, dir_ + "/stderr");
  ASSERT_NE(launcher.read_until("ready\n", 10000).find("ready"), std::string::npos) << read_file(dir_ + "/stderr");

  auto entry = registry::read(runtime_dir_, id);
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->container_id, id);
  EXPECT_EQ(entry->mode, "enforce");
  EXPECT_EQ(entry->profile_name, "uname-errno.json");
  EXPECT_EQ(entry->profile_path, config_dir_ + "/uname-errno.json");
  EXPECT_EQ(entry->profile_sha256.size(), 64u);
  EXPECT_EQ(entry->cgroup_path, "/seccomp-companion/" + id);
  EXPECT_EQ(entry->cgroup_id, host::cgroup_id(cgroup_dir));
  EXPECT_EQ(entry->command, (std::vector<std::string>{kProbe, "wait"}));
  EXPECT_FALSE(entry->exit_status.has_value());
  EXPECT_GT(entry->started_at_ns, 0);
  // The registered pid is the command itself, in the container's cgroup.
  EXPECT_EQ(host::cgroup2_path_of(entry->pid), "/seccomp-companion/" + id);
  EXPECT_NE(read_file("/proc/" + std::to_string(entry->pid) + "/cmdline").find("wait"), std::string::npos);
  EXPECT_NE(read_file(cgroup_dir + "/cgroup.procs").find(std::to_string(entry->pid)), std::string::npos);

  // SIGTERM to launch is forwarded to the container.
  ::kill(launcher.pid(), SIGTERM);
  EXPECT_EQ(launcher.wait(), 128 + SIGTERM);
  EXPECT_FALSE(std::filesystem::exists(cgroup_dir));
  entry = registry::read(runtime_dir_, id);
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->exit_status, 128 + SIGTERM);
  ASSERT_TRUE(entry->exited_at_ns.has_value());
  EXPECT_GE(*entry->exited_at_ns, entry->started_at_ns);
}

TEST_F(Container, LeftoverProcessesAreKilledWithTheCgroup) {
  SC_REQUIRE_ROOT();
  std::string id = unique_id("leftover");
  // The command backgrounds a sleeper and exits; the sleeper must not outlive the container.
  // `sleep 60`: by design a child that would outlive its parent (the test checks it does not).
  auto r = run(agent({"--container_id=" + id}), {"/bin/sh", "-c", "sleep 60 & echo $!"});
  EXPECT_EQ(r.code, 0) << r.err;
  pid_t sleeper = std::atoi(r.out.c_str());
  ASSERT_GT(sleeper, 0);
  EXPECT_NE(::kill(sleeper, 0), 0) << "the background sleeper survived";
  EXPECT_FALSE(std::filesystem::exists(host::cgroup2_mount() + "/seccomp-companion/" + id));
}

TEST_F(Container, KillingLaunchKillsTheContainerAndTheIdCanBeReused) {
  SC_REQUIRE_ROOT();
  std::string id = unique_id("sigkill");
  auto argv = agent({"--container_id=" + id});
  argv.insert(argv.end(), {"--", kProbe, "wait"});
  auto launcher = std::make_unique<Process>(argv, dir_ + "/stderr");
  ASSERT_NE(launcher->read_until("ready\n", 10000).find("ready"), std::string::npos);
  auto entry = registry::read(runtime_dir_, id);
  ASSERT_TRUE(entry.has_value());
  ::kill(launcher->pid(), SIGKILL);
  launcher->wait();
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    gone = ::kill(entry->pid, 0) != 0 || read_file("/proc/" + std::to_string(entry->pid) + "/stat").find(") Z") != std::string::npos;
    if (!gone) ::usleep(10000);  // polling a pid we cannot wait for (not our child)
  }
  EXPECT_TRUE(gone) << "the container outlived its SIGKILLed launcher";
  // The group it left behind is empty: a new launch with that id reuses it, and removes it.
  auto r = run(agent({"--container_id=" + id}), {kProbe, "uname"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(std::filesystem::exists(host::cgroup2_mount() + "/seccomp-companion/" + id));
}

TEST_F(Container, UnconfinedAndAuditModesAreRegistered) {
  SC_REQUIRE_ROOT();
  std::string id = unique_id("modes");
  auto r = run(agent({"--container_id=" + id}), {kProbe, "uname"});
  EXPECT_EQ(r.code, 0);
  auto entry = registry::read(runtime_dir_, id);
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->mode, "unconfined");
  EXPECT_EQ(entry->profile_name, "");
  EXPECT_EQ(entry->exit_status, 0);

  id = unique_id("modes");
  r = run(agent({"--container_id=" + id, "--seccomp_profile_name=uname-errno.json", "--audit"}), {kProbe, "uname"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "ok\n");  // audit mode: logged, not denied
  entry = registry::read(runtime_dir_, id);
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->mode, "audit");
  // The task's own "audit": false overrides --audit.
  r = run(agent({"--audit", R"(--container_info={"linux_info":{"seccomp":{"profile_name":"uname-errno.json","audit":false}}})"}),
          {kProbe, "uname"});
  EXPECT_EQ(r.out, "errno=1\n");
  // A container id in use is refused.
  std::string busy = unique_id("busy");
  auto argv = agent({"--container_id=" + busy});
  argv.insert(argv.end(), {"--", kProbe, "wait"});
  Process first(argv, dir_ + "/stderr-first");
  ASSERT_NE(first.read_until("ready\n", 10000).find("ready"), std::string::npos);
  r = run(agent({"--container_id=" + busy}), {kProbe, "touch", dir_ + "/marker"});
  EXPECT_EQ(r.code, 125);
  EXPECT_NE(r.err.find("already running"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/marker"));
}

TEST_F(Container, UserSwitchSetsNoNewPrivsAndRlimitsApply) {
  SC_REQUIRE_ROOT();
  auto r = run(agent({"--seccomp_profile_name=docker-default.json", "--user=65534:65534", "--rlimit=nofile=64:128"}),
               {"/bin/sh", "-c", "id -u; id -g; ulimit -n; ulimit -Hn; grep NoNewPrivs /proc/self/status"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "65534\n65534\n64\n128\nNoNewPrivs:\t1\n");
  // Root keeps Mesos's behaviour: no no_new_privs.
  r = run(agent({"--seccomp_profile_name=docker-default.json"}), {"/bin/sh", "-c", "grep NoNewPrivs /proc/self/status"});
  EXPECT_EQ(r.out, "NoNewPrivs:\t0\n");
}

}  // namespace
}  // namespace sc::testing
