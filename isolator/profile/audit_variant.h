// The log-only variant of a Docker-format profile, for `docker run` / `podman run
// --security-opt seccomp=FILE`: the same document (includes, excludes, comments and rule
// order kept, so the runtime resolves it for each container as it would the original), with
// every action other than SCMP_ACT_ALLOW replaced by SCMP_ACT_LOG and the errno numbers of the
// replaced actions removed. No SECCOMP_FILTER_FLAG_LOG is added to `flags`: the kernel audits
// every LOG verdict without it (the flag only adds ERRNO/TRAP/TRACE, which a log-only
// profile no longer has), and runc 1.1 (Debian 12) refuses any seccomp flag ("seccomp flags
// are not yet supported by runc"), which Podman passes on from the file.
#pragma once

#include <nlohmann/json.hpp>

namespace sc::profile {

// `profile` must already be a valid profile (the engine parsed it); fields are changed only
// where they hold an action.
nlohmann::json docker_audit_variant(const nlohmann::json& profile);

}  // namespace sc::profile
