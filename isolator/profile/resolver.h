// Resolution of a profile for one container: which architectures the filter covers and
// exactly which rules apply, given the host arch, the container's capability set (Mesos
// uses the bounding set) and the kernel version.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "isolator/profile/profile.h"

namespace sc::profile {

// What a syscall numbered above every syscall the profile names gets, on a deny-by-default
// profile. Enosys is runc's "-ENOSYS stub" (libcontainer/seccomp/patchbpf): programs probe a
// syscall newer than their kernel and fall back on ENOSYS, but treat EPERM as a hard failure
// (runc issue #2151, clone3). ProfileDefault is Mesos's isolator: the default action for all.
enum class NewSyscalls { Enosys, ProfileDefault };
// "enosys" / "default", as the --new_syscalls flag and the registry spell them.
const char* new_syscalls_name(NewSyscalls value);

struct ResolveContext {
  uint32_t native_arch = 0;            // SCMP_ARCH_* (libseccomp token); 0 = this host
  std::set<std::string> capabilities;  // "CAP_CHOWN", ...; the container's bounding set
  KernelVersion kernel;                // {0,0} = the running kernel
  bool audit = false;                  // audit mode: every non-ALLOW action becomes LOG
  NewSyscalls new_syscalls = NewSyscalls::Enosys;
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
  // runc's ENOSYS rule: per arch (SCMP_ARCH_*), the highest syscall number any applying rule
  // names (x32's with its bit); a call numbered above it gets ERRNO(ENOSYS) before the rules.
  // Empty when it does not apply: NewSyscalls::ProfileDefault, or a default action of ALLOW,
  // LOG or TRACE (what runc calls permissive), or ERRNO(ENOSYS) already. Exactly runc's
  // conditions, except that names only the kernel table knows count too.
  std::map<uint32_t, int> enosys_above;
  NewSyscalls new_syscalls = NewSyscalls::Enosys;
  // Names this libseccomp does not know, added by number from the kernel table (check shows them).
  std::vector<std::string> notes;
};

// The running kernel's version (uname), {0,0} if unreadable.
KernelVersion running_kernel();

// Throws ParseError (with the rule's JSON path) when the profile cannot be resolved safely,
// e.g. an unknown syscall name in a deny rule under an ALLOW default.
ResolvedProfile resolve(const Profile& profile, const ResolveContext& context);

}  // namespace sc::profile
