// The options the OCI hook and the runc wrapper share, parsed by hand from `--NAME=VALUE`
// arguments (the wrapper must pass every other argument to runc untouched, so a general
// parser that knows all options is no use there).
#pragma once

#include <string>
#include <vector>

#include "runtimes/registration.h"

namespace sc::runtimes {

// Podman's built-in default profile (Debian's golang-github-containers-common), a candidate
// named "podman-default" when present.
inline constexpr const char* kPodmanDefaultProfile = "/usr/share/containers/seccomp.json";

struct RegistrationFlags {
  RegistrationOptions options;
  unsigned budget_ms = 2000;
  std::string error;  // the first bad option, "" when all were good
};

// Defaults: the bundled profiles dir this build installs, Podman's default profile file when
// present, /etc/seccomp-companion/profiles when present.
RegistrationFlags default_registration_flags();

// Consumes `arg` if it is `prefix + NAME=VALUE` for one of: runtime_dir, runtime, profiles
// (a directory, repeatable), profile_file (repeatable), bundled_profiles, budget_ms.
// Returns false when `arg` is not one of them.
bool take_registration_flag(const std::string& arg, const std::string& prefix, RegistrationFlags& flags);

// The help lines for those options, each under `prefix`.
std::string registration_flags_help(const std::string& prefix);

}  // namespace sc::runtimes
