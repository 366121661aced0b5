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

}  // namespace sc::profile
