// Helpers for the tracer tests: a cgroup of the test's own (removed with its processes, also
// when the test fails), the workload launcher (fork + execv, no shell), and a fixture that
// pins under its own bpffs directory and removes every pin and link in TearDown.
#pragma once

#include <dirent.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "bpf/tracer.h"
#include "host/cgroup2.h"
#include "tests/support/privileges.h"

namespace sc::tracer_test {

inline constexpr uint32_t kArchX86_64 = 0xc000003e;
// The syscall the workloads' filters deny, and the SECCOMP_RET_* actions as the tracer keys them.
inline constexpr int32_t kDenied = SYS_acct;
inline const std::string kDeniedArg = "--syscall=" + std::to_string(kDenied);
inline constexpr uint32_t kKillProcess = 0x80000000u, kKillThread = 0, kTrap = 0x30000u, kErrno = 0x50000u;

class TestCgroup {
 public:
  explicit TestCgroup(const std::string& name)
      : path_(sc::host::cgroup2_mount() + "/sc-test-" + std::to_string(getpid()) + "-" + name) {
    if (mkdir(path_.c_str(), 0755) != 0 && errno != EEXIST)
      throw std::runtime_error("mkdir " + path_ + ": " + std::strerror(errno));
    id_ = sc::host::cgroup_id(path_);
  }
  ~TestCgroup() {
    for (int attempt = 0; attempt < 200; ++attempt) {
      std::ifstream procs(path_ + "/cgroup.procs");
      pid_t pid;
      bool any = false;
      while (procs >> pid) {
        kill(pid, SIGKILL);
        any = true;
      }
      if (!any && rmdir(path_.c_str()) == 0) return;
      if (!any && errno == ENOENT) return;
      // Killed processes leave the cgroup asynchronously (rmdir fails with EBUSY until then).
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  const std::string& path() const { return path_; }
  uint64_t id() const { return id_; }

 private:
  std::string path_;
  uint64_t id_ = 0;
};

// Starts the workload helper with `args`; the child never dumps core (kills are expected).
inline pid_t spawn(const std::string& binary, const std::vector<std::string>& args) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    struct rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);  // kills are expected: no core files
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

inline pid_t spawn_workload(const std::vector<std::string>& args) { return spawn(SC_WORKLOAD, args); }

inline int wait_status(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  return status;
}

inline int run_workload(const std::vector<std::string>& args, pid_t* pid_out = nullptr) {
  pid_t pid = spawn_workload(args);
  if (pid_out) *pid_out = pid;
  return wait_status(pid);
}

inline bool exited_ok(int status) { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }
inline bool killed_by_sigsys(int status) { return WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS; }

inline uint64_t count_of(const std::vector<sc::bpf::VerdictCount>& counts, uint64_t cgroup, int32_t nr,
                         uint32_t action, int32_t error = -1) {
  uint64_t n = 0;
  for (const auto& c : counts)
    if (c.cgroup_id == cgroup && c.nr == nr && c.action == action && c.error == error) n += c.count;
  return n;
}

inline size_t keys_of_cgroup(const std::vector<sc::bpf::VerdictCount>& counts, uint64_t cgroup) {
  size_t n = 0;
  for (const auto& c : counts) n += c.cgroup_id == cgroup;
  return n;
}

// Removes whatever is left in a test pin dir (pinned links detach when their pin goes).
inline void remove_pin_dir(const std::string& dir) {
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name != "." && name != "..") unlink((dir + "/" + name).c_str());
    }
    closedir(d);
  }
  rmdir(dir.c_str());
}

// Pins and cgroups left by an earlier test process that crashed (its pid is gone): a pinned
// link keeps its program attached, so remove them before anything else.
inline void remove_leftovers_of_dead_runs() {
  auto dead_owner = [](const std::string& name) {
    const std::string prefix = "sc-test-";
    if (name.rfind(prefix, 0) != 0) return false;
    pid_t pid = std::atoi(name.c_str() + prefix.size());
    return pid > 0 && kill(pid, 0) != 0 && errno == ESRCH;
  };
  for (const std::string& root : {std::string("/sys/fs/bpf"), sc::host::cgroup2_mount()}) {
    DIR* d = opendir(root.c_str());
    if (!d) continue;
    std::vector<std::string> stale;
    while (dirent* e = readdir(d))
      if (dead_owner(e->d_name)) stale.push_back(root + "/" + e->d_name);
    closedir(d);
    for (const auto& dir : stale) {
      if (root == "/sys/fs/bpf") remove_pin_dir(dir);
      else rmdir(dir.c_str());
    }
  }
}

class TracerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static bool swept = (remove_leftovers_of_dead_runs(), true);
    (void)swept;
    static int serial = 0;
    pin_dir_ = "/sys/fs/bpf/sc-test-" + std::to_string(getpid()) + "-" + std::to_string(++serial);
  }
  void TearDown() override {
    if (tracer_) tracer_->unpin();
    tracer_.reset();
    remove_pin_dir(pin_dir_);
    struct stat st{};
    EXPECT_NE(stat(pin_dir_.c_str(), &st), 0) << "pin dir left behind: " << pin_dir_;
  }
  sc::bpf::Tracer& start(sc::bpf::SyscallHooks hooks = sc::bpf::SyscallHooks::Auto,
                         const std::string& force = "", const std::string& disable = "") {
    sc::bpf::TracerOptions options;
    options.pin_dir = pin_dir_;
    options.syscall_hooks = hooks;
    options.force_hooks = force;
    options.disable = disable;
    options.sample_rate_per_sec = 1000;
    tracer_ = std::make_unique<sc::bpf::Tracer>(options);
    return *tracer_;
  }

  std::string pin_dir_;
  std::unique_ptr<sc::bpf::Tracer> tracer_;
};

}  // namespace sc::tracer_test
