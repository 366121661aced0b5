// Docker's default capability set for containers (moby oci/caps/defaults.go): the set the
// benchmarks resolve the profile against and give the runc/crun container. (The OCI
// linux.seccomp object the runc/crun bundles get is profile::oci_seccomp_from_resolved, the
// one the runtimes use.)
#pragma once

#include <set>
#include <string>

namespace sc::bench {

const std::set<std::string>& docker_default_capabilities();

}  // namespace sc::bench
