// Building a ResolveContext from command-line text (--arch, --caps, --kernel), shared by the
// check/compile/explain subcommands and the launcher.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

#include "isolator/profile/resolver.h"

namespace sc::profile {

class UsageError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// arch: "" = this host, else a libseccomp name, SCMP_ARCH_* token or short name.
// caps: nullopt = this process's bounding set; "" = none; else comma-separated names
//       ("CAP_SYS_ADMIN" or "SYS_ADMIN").
// kernel: "" = the running kernel, else "X.Y".
// Throws UsageError naming the flag and the bad value.
ResolveContext make_context(const std::string& arch, const std::optional<std::string>& caps,
                            const std::string& kernel, bool audit);

// --new_syscalls: "enosys" (runc, the default) or "default" (Mesos: the profile's default
// action for every syscall it does not name). Throws UsageError.
NewSyscalls parse_new_syscalls(const std::string& value);
// The flag's help text, the same for every command that takes it.
inline constexpr const char* kNewSyscallsHelp =
    "What a syscall numbered above every syscall the profile names gets under a deny-by-default "
    "profile: 'enosys' (ERRNO(ENOSYS), runc's rule, so programs fall back as on an older kernel) "
    "or 'default' (the profile's default action, as Mesos's isolator does)";

}  // namespace sc::profile
