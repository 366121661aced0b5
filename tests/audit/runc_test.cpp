// A foreign container: busybox-static in an OCI bundle run by runc, with a seccomp profile
// using SCMP_ACT_LOG and SCMP_ACT_ERRNO: its verdicts are attributed to runc's container id
// (cgroupsPath "/<id>": the runc-default cgroup rule). runc 1.1 refuses seccomp "flags", so
// its ERRNO denials carry no LOG flag: the kernel emits no audit record for them and only the
// tracer's syscall hooks can count them; LOG verdicts always reach the audit stream.
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/audit/daemon_harness.h"
#include "tests/support/privileges.h"

namespace fs = std::filesystem;
using sc::testing::DaemonHarness;
using sc::testing::PinDir;
using sc::testing::run_program;

TEST(DaemonForeignContainer, RuncVerdictsAreAttributedToRuncsContainerId) {
  SC_REQUIRE_ROOT();
  SC_REQUIRE(fs::exists("/usr/sbin/runc") || fs::exists("/usr/bin/runc"), "runc (Debian package runc)");
  SC_REQUIRE(fs::exists("/bin/busybox"), "busybox-static");
  std::string runc = fs::exists("/usr/sbin/runc") ? "/usr/sbin/runc" : "/usr/bin/runc";
  SC_REQUIRE(fs::is_directory("/sys/fs/bpf"), "bpffs is not mounted at /sys/fs/bpf");
  // The tracer live: its tgid->cgroup map attributes the short-lived `uname` processes,
  // which are gone before their audit records are read.
  PinDir pins;
  DaemonHarness h;
  h.start_daemon({"--pin_dir=" + pins.path, "--syscall_hooks=on"});
  // The exact ERRNO count below needs the tracer: it fails (under CI=true) rather than check a
  // weaker result when the tracer is down.
  SC_REQUIRE(h.log().find("bpf tracer LIVE") != std::string::npos, "the BPF tracer is not live: " + h.log());
  std::string id = "sc-runc-" + std::to_string(getpid());
  std::string bundle = h.dir() + "/bundle";
  fs::create_directories(bundle + "/rootfs/bin");
  fs::copy_file("/bin/busybox", bundle + "/rootfs/bin/busybox");
  ASSERT_EQ(run_program({runc, "spec", "--bundle", bundle}), 0);
  nlohmann::json config;
  {
    std::ifstream in(bundle + "/config.json");
    in >> config;
  }
  config["process"]["terminal"] = false;
  // uname -> LOG (runs), sethostname -> ERRNO (hostname fails). The first sleep lets the
  // daemon's cgroup scan watch the new group first; the last lingers so /proc still names it.
  config["process"]["args"] = {"/bin/busybox", "sh", "-c",
                               "/bin/busybox sleep 1; /bin/busybox uname; /bin/busybox uname; /bin/busybox hostname x 2>&1; /bin/busybox sleep 1"};
  config["linux"]["cgroupsPath"] = "/" + id;
  config["linux"]["seccomp"] = {
      {"defaultAction", "SCMP_ACT_ALLOW"},
      {"architectures", {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}},
      {"syscalls",
       {{{"names", {"uname"}}, {"action", "SCMP_ACT_LOG"}},
        {{"names", {"sethostname"}}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", 1}}}}};
  {
    std::ofstream out(bundle + "/config.json");
    out << config.dump(1);
  }
  std::string out;
  int st = run_program({runc, "--root", h.dir() + "/runc-root", "run", "--bundle", bundle, id}, &out);
  run_program({runc, "--root", h.dir() + "/runc-root", "delete", "--force", id});
  ASSERT_TRUE(WIFEXITED(st)) << st;
  uint64_t logs = 0, errnos = 0;
  std::string runtime;
  bool bpf_live = false;
  for (int i = 0; i < 40 && (logs < 2 || errnos < 1); ++i) {
    h.wait_flush();
    auto state = h.read_state();
    bpf_live = state.sources["bpf"].live;
    auto c = state.containers.find(id);
    if (c == state.containers.end()) continue;
    runtime = c->second.runtime;
    logs = errnos = 0;
    for (const auto& [k, v] : c->second.verdicts) {
      if (v.syscall == "uname" && k.action == "log") logs += v.count;
      if (v.syscall == "sethostname" && k.action == "errno") errnos += v.count;
    }
  }
  h.stop_daemon();
  fs::remove(h.cgroup_mount + "/" + id);
  EXPECT_EQ(runtime, "runc");
  EXPECT_GE(logs, 2u) << h.log();   // runc's own init may also call uname after the load
  ASSERT_TRUE(bpf_live) << h.log();
  EXPECT_EQ(errnos, 1u) << "the tracer counts ERRNO skips (runc loads no LOG flag: no audit record)";
  EXPECT_NE(out.find("hostname: sethostname"), std::string::npos) << out;  // the ERRNO really happened
}
