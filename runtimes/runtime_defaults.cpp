#include "runtimes/runtime_defaults.h"

#include "isolator/launch/profile_source.h"

namespace sc::runtimes {

const std::vector<RuntimeDefault>& runtime_defaults() {
  // Measured: `docker run` (dockerd 20.10.24+dfsg1 from Debian 12, no --security-opt, no
  // --cap-add) on x86_64; tests/runtimes checks it against a live dockerd. The file is the
  // Docker-format profile that resolves to exactly what dockerd 20.10.24 writes for its
  // default capabilities, with CAP_SYS_ADMIN, and with eleven more (tests/runtimes/data):
  // moby's later default.json (the bundled default.json) without the syscalls added since,
  // io_uring allowed, socket unrestricted, name_to_handle_at under CAP_DAC_READ_SEARCH and
  // CAP_SYS_ADMIN.
  static const std::vector<RuntimeDefault> table = {
      {"cbb1aa0ba148bada3c64fee01a0874080af6edf914b8373069766aa5a520b0c9", "docker-20.10-default",
       "Docker 20.10.24 (Debian 12 docker.io 20.10.24+dfsg1)", "docker-20.10-default.json"},
  };
  return table;
}

std::string oci_seccomp_digest(const nlohmann::json& seccomp) { return launch::sha256_hex(seccomp.dump()); }

}  // namespace sc::runtimes
