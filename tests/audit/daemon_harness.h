// Test harness for the daemon end to end: a private state/runtime dir, a parent cgroup under
// the real cgroup2 mount, the real `seccomp-audit` binary, children under real filters.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "state/aggregate.h"

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

  // The daemon's observable progress, from state.json's "daemon" object (docs/daemon.md,
  // "Durable state"): read by this harness's own JSON reader, not the product's.
  struct Watched {
    std::string container_id, cgroup_path;
    uint64_t cgroup_id = 0;
    int64_t since_ns = 0;
  };
  struct Status {
    bool readable = false;   // state.json exists and parses
    uint64_t flush_seq = 0;
    std::vector<Watched> watched{};
    std::string error{};     // why not readable
  };
  Status status() const;
  std::string log_tail(size_t bytes = 6000) const;
  // Every verdict in the state, one line each (for failure messages).
  static std::string describe(const audit::State& state);

  // Each wait below fails the test (ADD_FAILURE, with what it saw: the last state or status
  // and the daemon's log) when its deadline passes, and returns false; true when it held.
  // Waits until state.json has been written after the call (flush_seq greater than then).
  bool wait_flush(double seconds = 10);
  // Waits until the flushed state satisfies `done`.
  bool wait_state(const std::function<bool(const audit::State&)>& done, const std::string& what, double seconds = 10);
  // Waits until state.json lists `container_id` among the watched cgroups, and then until
  // the kernel's coarse clock, in ms, has reached the tracer's `since_ns` for it: a call made
  // after this returns is stamped on the tracer's side of the hand-over (none is counted by
  // both sources, none by neither).
  bool wait_until_watched(const std::string& container_id, double seconds = 10);
  // A positive marker event for "nothing (more) happened" checks: a child in the harness's
  // own marker container makes one LOG'd getpgrp and one EPERM-denied getsid (LOG flag), and
  // this returns once state.json counts the n-th marker (both verdicts at n, n = markers run
  // so far). Audit records arrive in the order the kernel wrote them and the tracer's maps
  // are read whole, so what any container did before mark() is in that state as well.
  bool mark(double seconds = 10);
  std::string marker_id() const { return "marker-" + std::to_string(getpid()); }
  int markers() const { return markers_; }

  // Creates <parent>/<id> and returns its path relative to the cgroup2 mount.
  std::string make_cgroup(const std::string& id);
  // Forks a child: joins cgroup `rel`, runs body(), _exits with its result. The child waits
  // for release() so the registry entry can name its pid first (as `launch` does). A held
  // child (hold = true) stays alive after body() until finish() or wait_child(): its records
  // are attributed by /proc while the test waits for them in the state.
  struct Child {
    pid_t pid = -1;
    int gate = -1;
    int hold = -1;
  };
  Child fork_child(const std::string& cgroup_rel, const std::function<int()>& body, bool hold = false);
  static void release(Child& child);
  static void finish(Child& child);            // lets a held child exit
  static int wait_child(Child& child);         // raw wait status (finishes a held child first)
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
  int markers_ = 0;
  std::string marker_cgroup_;
};

std::string binary(const std::string& name);   // <build>/bin/<name>
// The count of one container's verdicts of `syscall` with `action` (any arch, any errno).
uint64_t verdict_count(const audit::State& st, const std::string& container, const std::string& syscall,
                       const std::string& action);
// fork/exec without a shell; returns the wait status; stdout captured when out != nullptr
// (and stderr with it, after it in time order, when with_stderr).
int run_program(const std::vector<std::string>& argv, std::string* out = nullptr, bool with_stderr = false);

// Loads a filter (with the LOG flag, as `launch` does) that gives `action` (SCMP_ACT_*) to
// `syscall_nr` and allows everything else: the container filters of these tests.
bool load_single_rule_filter(uint32_t action, int syscall_nr);

}  // namespace sc::testing
