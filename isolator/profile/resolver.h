// Resolution of a profile for one container: which architectures the filter covers and
// exactly which rules apply, given the host arch, the container's capability set (Mesos
// uses the bounding set) and the kernel version.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "isolator/profile/profile.h"

namespace sc::profile {

struct ResolveContext {
  uint32_t native_arch = 0;            // SCMP_ARCH_* (libseccomp token); 0 = this host
  std::set<std::string> capabilities;  // "CAP_CHOWN", ...; the container's bounding set
  KernelVersion kernel;                // {0,0} = the running kernel
  bool audit = false;                  // audit mode: every non-ALLOW action becomes LOG
};

struct ResolvedRule {
  std::string name;                    // syscall name
  Action action;                       // after audit-mode rewriting
  Action original_action;              // what the profile says
  std::vector<ArgCondition> args;
  std::string json_path;               // "syscalls[3]" for messages and `explain`
};

struct ResolvedProfile {
  Action default_action;               // after audit-mode rewriting
  Action original_default_action;
  std::vector<uint32_t> arches;        // SCMP_ARCH_* tokens, native first
  std::vector<ResolvedRule> rules;     // in profile order, only the rules that apply
  std::vector<std::string> warnings;   // e.g. unknown name skipped, pivot_root not allowed
  bool log_flag = true;                // SECCOMP_FILTER_FLAG_LOG
  bool audit = false;
  // Additions (engine): what else the compiler and `check` need.
  uint32_t native_arch = 0;            // the arch resolved for (SCMP_ARCH_*)
  KernelVersion kernel;                // the kernel version includes/excludes were checked against
  bool tsync = false;                  // flags: SECCOMP_FILTER_FLAG_TSYNC
  bool spec_allow = false;             // flags: SECCOMP_FILTER_FLAG_SPEC_ALLOW
  size_t rules_skipped = 0;            // profile rules dropped by includes/excludes
  size_t rules_redundant = 0;          // rules dropped because their action equals the default
};

// The running kernel's version (uname), {0,0} if unreadable.
KernelVersion running_kernel();

// Throws ParseError (with the rule's JSON path) when the profile cannot be resolved safely,
// e.g. an unknown syscall name in a deny rule under an ALLOW default.
ResolvedProfile resolve(const Profile& profile, const ResolveContext& context);

}  // namespace sc::profile
