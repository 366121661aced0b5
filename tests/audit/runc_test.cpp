// A foreign container: busybox-static in an OCI bundle run by runc, with a seccomp profile
// using SCMP_ACT_LOG and SCMP_ACT_ERRNO: its verdicts are attributed to runc's container id
// (cgroupsPath "/<id>": the runc-default cgroup rule). runc 1.1 refuses seccomp "flags", so
// its ERRNO denials carry no LOG flag: the kernel emits no audit record for them and only the
// tracer's syscall hooks can count them; LOG verdicts always reach the audit stream. The
// container waits on barriers (FIFOs), the test on the daemon's state: no sleep.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/audit/daemon_harness.h"
#include "tests/support/privileges.h"
#include "common/arch.h"
#include "common/seccomp_ret.h"

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
  // uname -> LOG (runs), sethostname -> ERRNO (hostname fails). Two barriers, FIFOs in the
  // rootfs: the calls start once the daemon's cgroup scan watches the new group (the test
  // writes "go"), and the shell stays alive, so /proc still names its cgroup, until the test
  // has seen the counts (it writes "done").
  for (const char* fifo : {"/go", "/done"}) ASSERT_EQ(mkfifo((bundle + "/rootfs" + fifo).c_str(), 0600), 0) << fifo;
  config["process"]["args"] = {"/bin/busybox", "sh", "-c",
                               "read x < /go; /bin/busybox uname; /bin/busybox uname; /bin/busybox hostname x 2>&1; read y < /done"};
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
  int st = -1;
  std::atomic<bool> runc_done{false};
  std::thread container([&] {
    st = run_program({runc, "--root", h.dir() + "/runc-root", "run", "--bundle", bundle, id}, &out);
    runc_done = true;
  });
  // Opens a barrier FIFO for writing once the container reads it, then writes one line; false
  // when runc ended first (then nobody will ever read it).
  auto open_barrier = [&](const std::string& fifo) {
    for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
         std::chrono::steady_clock::now() < deadline;) {
      int fd = open((bundle + "/rootfs" + fifo).c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (fd >= 0) {
        bool ok = write(fd, "x\n", 2) == 2;
        close(fd);
        return ok;
      }
      if (errno != ENXIO || runc_done) return false;
      // No reader yet (ENXIO): a FIFO offers no event for "opened", so poll it.
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ADD_FAILURE() << "nobody opened the barrier " << fifo << " within 20 s";
    return false;
  };
  bool watched = h.wait_until_watched(id);
  bool went = watched && open_barrier("/go");
  uint64_t logs = 0, errnos = 0;
  auto count = [&](const sc::audit::State& state, const std::string& syscall, const std::string& action) {
    uint64_t n = 0;
    auto c = state.containers.find(id);
    if (c != state.containers.end())
      for (const auto& [k, v] : c->second.verdicts)
        if (v.syscall == syscall && sc::common::action_text(k.action) == action) n += v.count;
    return n;
  };
  if (went)
    h.wait_state([&](const sc::audit::State& s) { return count(s, "uname", "log") >= 2 && count(s, "sethostname", "errno") >= 1; },
                 "runc's container " + id + ": 2 uname/log and 1 sethostname/errno");
  bool marked = went && h.mark();  // a second count of the ERRNO would be in by now
  if (!went || !open_barrier("/done")) run_program({runc, "--root", h.dir() + "/runc-root", "kill", id, "KILL"});
  container.join();
  run_program({runc, "--root", h.dir() + "/runc-root", "delete", "--force", id});
  ASSERT_TRUE(watched && went) << out;
  ASSERT_TRUE(marked);
  ASSERT_TRUE(WIFEXITED(st)) << st << out;
  auto state = h.read_state();
  bool bpf_live = state.sources["bpf"].live;
  std::string runtime = state.containers.count(id) ? state.containers.at(id).runtime : "";
  logs = count(state, "uname", "log");
  errnos = count(state, "sethostname", "errno");
  h.stop_daemon();
  fs::remove(h.cgroup_mount + "/" + id);
  EXPECT_EQ(runtime, "runc");
  EXPECT_GE(logs, 2u) << h.log();   // runc's own init may also call uname after the load
  ASSERT_TRUE(bpf_live) << h.log();
  EXPECT_EQ(errnos, 1u) << "the tracer counts ERRNO skips (runc loads no LOG flag: no audit record)";
  EXPECT_NE(out.find("hostname: sethostname"), std::string::npos) << out;  // the ERRNO really happened
}
