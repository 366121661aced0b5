// The OCI runtime-spec `linux.seccomp` object (what Docker, Podman and CRI-O hand runc in a
// bundle's config.json) and the Docker profile format the engine, `suggest` and `report` read.
// The two are close, not the same: OCI rules carry only `names` (Docker also `name`), no
// includes/excludes/comment (the runtime resolved them for this container's capabilities and
// arch), `architectures` instead of `archMap`, and `flags`, `defaultErrnoRet`, per-rule
// `errnoRet` as optional fields.
#pragma once

#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "isolator/profile/resolver.h"

namespace sc::profile {

// A bad field of config.json; the message names its JSON path
// ("linux.seccomp.syscalls[2].names[0]: must be a string").
class OciError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The Docker-format profile that says exactly what `seccomp` (the value of linux.seccomp)
// says, with the fields in the order Docker's own profiles use. Validates every field the
// conversion reads; throws OciError naming `where` + the JSON path of the first bad one.
nlohmann::json docker_profile_from_oci(const nlohmann::json& seccomp, const std::string& where = "linux.seccomp");

// Audit mode as the runtimes see it: the default action or a rule's action is SCMP_ACT_LOG.
bool uses_log_action(const nlohmann::json& seccomp);

// A resolved profile (includes/excludes applied for one container) as an OCI linux.seccomp
// object: one entry per syscall rule, in the resolved order, with errnoRet where it matters,
// and `flags` only for TSYNC / SPEC_ALLOW (never LOG: runc 1.1 rejects every flag).
nlohmann::json oci_seccomp_from_resolved(const profile::ResolvedProfile& resolved);

}  // namespace sc::profile
