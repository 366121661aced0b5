// The log-only variant of a Docker-format profile, for `docker run` / `podman run
// --security-opt seccomp=FILE`: the same document (includes, excludes, comments and rule
// order kept, so the runtime resolves it for each container as it would the original), with
// every action other than SCMP_ACT_ALLOW replaced by SCMP_ACT_LOG, the errno numbers of the
// replaced actions removed, and SECCOMP_FILTER_FLAG_LOG in `flags`.
#pragma once

#include <nlohmann/json.hpp>

namespace sc::runtimes {

// `profile` must already be a valid profile (the engine parsed it); fields are changed only
// where they hold an action.
nlohmann::json docker_audit_variant(const nlohmann::json& profile);

}  // namespace sc::runtimes
