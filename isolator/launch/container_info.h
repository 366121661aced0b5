// The parts of Mesos's ContainerInfo (protobuf JSON) that the launcher honours:
//   {"linux_info": {"seccomp": {"profile_name": "x.json", "unconfined": false,
//                               "audit": true},            <- our extension
//                   "effective_capabilities": {"capabilities": ["CHOWN", ...]},
//                   "bounding_capabilities":  {"capabilities": ["CHOWN", ...]}},
//    "rlimit_info": {"rlimits": [{"type": "RLMT_NOFILE", "soft": 1024, "hard": 4096}]}}
// Unknown fields are ignored (as protobuf JSON parsing does). Errors name the JSON path.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "isolator/launch/rlimits.h"

namespace sc::launch {

struct SeccompInfo {
  std::optional<std::string> profile_name;
  std::optional<bool> unconfined;
  std::optional<bool> audit;  // extension: log-only for this container
};

struct ContainerInfo {
  std::optional<SeccompInfo> seccomp;
  // Canonical "CAP_X" names. Mesos names ("CHOWN") and "CAP_CHOWN" are both accepted.
  std::optional<std::set<std::string>> effective_capabilities;
  std::optional<std::set<std::string>> bounding_capabilities;
  std::vector<Rlimit> rlimits;
};

// `text` is the JSON itself. Throws LaunchError:
//   "Invalid ContainerInfo: linux_info.seccomp.unconfined: expected a boolean"
ContainerInfo parse_container_info(const std::string& text);

// The --container_info flag value: JSON, or @FILE to read it from a file.
ContainerInfo load_container_info_flag(const std::string& value);

}  // namespace sc::launch
