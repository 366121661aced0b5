// Test harness for the daemon end to end: a private state/runtime dir, a parent cgroup under
// the real cgroup2 mount, the real `seccomp-audit` binary, children under real filters.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "audit/state/aggregate.h"

namespace sc::testing {

// A per-test pin dir on bpffs, removed (with the kernel's counts and pinned links) at the end,
// also when the test fails: stale sys_enter/sys_exit links would slow every syscall on the host.
struct PinDir {
  std::string path = "/sys/fs/bpf/sc-test-" + std::to_string(getpid());
  ~PinDir();
};

class DaemonHarness {
 public:
  DaemonHarness();   // temp dirs + cgroup parent /sc-daemon-test-<pid>/ (nested: no rule matches it)
  ~DaemonHarness();  // stops the daemon, removes cgroups and temp dirs

  const std::string& dir() const { return dir_; }
  std::string state_dir() const { return dir_ + "/state"; }
  std::string runtime_dir() const { return dir_ + "/run"; }
  std::string log_path() const { return dir_ + "/daemon.log"; }
  std::string log() const;

  void start_daemon(const std::vector<std::string>& extra = {});
  void stop_daemon(int sig = 15);   // SIGTERM: flush; SIGKILL: crash
  // Waits until state.json was (re)written after now.
  void wait_flush();
  // Waits (up to 2 s) until the daemon logs that it watches `container_id`, then 50 ms more:
  // calls made after that are the tracer's alone (none falls in the hand-over window).
  void wait_until_watched(const std::string& container_id);

  // Creates <parent>/<id> and returns its path relative to the cgroup2 mount.
  std::string make_cgroup(const std::string& id);
  // Forks a child: joins cgroup `rel`, runs body(), _exits with its result. The child waits
  // for release() so the registry entry can name its pid first (as `launch` does).
  struct Child {
    pid_t pid = -1;
    int gate = -1;
  };
  Child fork_child(const std::string& cgroup_rel, const std::function<int()>& body);
  static void release(Child& child);
  static int wait_child(const Child& child);   // raw wait status
  // profile_path: the enforcing profile (its sha256 is left empty; the daemon keys by path).
  void write_registry(const std::string& id, pid_t pid, const std::string& cgroup_rel, const std::string& mode,
                      const std::string& profile_path = "", const std::vector<std::string>& capabilities = {});
  void mark_exited(const std::string& id, pid_t pid, const std::string& cgroup_rel, const std::string& mode);

  audit::State read_state() const;
  // `seccomp-audit events --format=json` output and exit status
  std::string events_json(int* status = nullptr, const std::string& container = "") const;

  std::string cgroup_mount;
  std::string parent_rel;

 private:
  std::string dir_;
  pid_t daemon_ = -1;
  std::vector<std::string> cgroups_;
};

std::string binary(const std::string& name);   // <build>/bin/<name>
// fork/exec without a shell; returns the wait status; stdout captured when out != nullptr.
int run_program(const std::vector<std::string>& argv, std::string* out = nullptr);

}  // namespace sc::testing
