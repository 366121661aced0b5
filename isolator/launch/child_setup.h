// What the forked child does, in Mesos's order, between "go" from the parent and exec:
//   [rootfs: new mount ns, pivot_root, /proc] -> rlimits -> working dir -> load the filter
//   -> setgroups/setgid/setuid -> capabilities -> no_new_privs (only for a non-root user)
//   -> exec.
// Every failure is written to the report pipe (O_CLOEXEC, so a successful exec closes it
// with nothing written) and the child exits; the parent turns it into 125 (setup) or
// 126/127 (exec). The report is one write() of a fixed-size record, so it arrives whole.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <optional>
#include <vector>

#include "isolator/compiler/filter.h"
#include "isolator/launch/capability_plan.h"
#include "isolator/launch/rlimits.h"
#include "isolator/launch/user_spec.h"

namespace sc::launch {

enum class ChildStage : int { Setup = 1, Exec = 2 };

struct ChildReport {
  ChildStage stage = ChildStage::Setup;
  int error = 0;        // errno, 0 when the message says it all
  char message[480] = {};
};

struct ChildSetup {
  const char* rootfs = nullptr;          // nullptr: stay in the host's mount namespace
  std::vector<Rlimit> rlimits;
  const char* working_dir = nullptr;
  const compiler::Program* filter = nullptr;  // built in the parent; nullptr: unconfined
  std::optional<UserSpec> user;
  CapabilityPlan capabilities;
  std::vector<char*> argv;               // null-terminated
  sigset_t signal_mask;                  // restored before exec
};

// Never returns. `go_fd`: the parent writes one byte when the child may proceed (after the
// child is in its cgroup and registered); EOF means abort.
// `parent` is launch's pid (the child dies with it).
[[noreturn]] void run_child(const ChildSetup& setup, int go_fd, int report_fd, pid_t parent);

}  // namespace sc::launch
