// The runtimes' built-in default profiles, known by digest. A container started without
// --security-opt seccomp=... runs its runtime's built-in default; the runtime hands runc only
// the OCI form resolved for the container, so the default is recognised by the SHA-256 of
// that form (compact JSON, keys sorted) for the runtime's default capability set, and for
// any other capability set by resolving the profile file it came from (profile_match.h).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sc::runtimes {

struct RuntimeDefault {
  std::string oci_sha256;   // linux.seccomp as the runtime writes it, default capabilities, x86_64
  std::string name;         // the registry's profile_name: "docker-20.10-default"
  std::string shipped_by;   // "Docker 20.10.24 (Debian 12 docker.io 20.10.24+dfsg1)"
  std::string file;         // the Docker-format source, relative to the bundled profiles dir
};

const std::vector<RuntimeDefault>& runtime_defaults();

// SHA-256 (hex) of `seccomp` dumped compact with sorted keys: the digest runtime_defaults() lists.
std::string oci_seccomp_digest(const nlohmann::json& seccomp);

}  // namespace sc::runtimes
