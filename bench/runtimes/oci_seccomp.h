// The OCI runtime spec's `linux.seccomp` object for a profile already resolved for one
// container (arch, capabilities, kernel), i.e. what dockerd hands runc after resolving the
// Docker profile's includes/excludes. Built from the same sc::profile::ResolvedProfile our
// compiler gets, so runc/crun and we enforce exactly the same rules.
#pragma once

#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "isolator/profile/resolver.h"

namespace sc::bench {

// Throws std::invalid_argument for what OCI cannot express (an architecture without an
// OCI name, SCMP_ACT_NOTIFY without a listener).
nlohmann::json oci_seccomp(const profile::ResolvedProfile& resolved);

// Docker's default capability set for containers (moby oci/caps/defaults.go), the set the
// benchmarks resolve the profile against and give the runc/crun container.
const std::set<std::string>& docker_default_capabilities();

}  // namespace sc::bench
