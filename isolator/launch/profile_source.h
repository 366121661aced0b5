// A profile file read once: its bytes, their SHA-256 (recorded in the registry so the
// companion and `inspect` know exactly what a container runs under) and the parsed model.
// Parsing the very bytes that were hashed leaves no window for the file to change between.
#pragma once

#include <string>

#include "isolator/profile/profile.h"

namespace sc::launch {

struct ProfileSource {
  std::string path;
  std::string sha256;  // lower-case hex
  profile::Profile profile;
};

// Throws LaunchError with Mesos's shapes:
//   "Failed to read Seccomp profile file '<path>': <strerror>"
//   "Failed to parse Seccomp profile '<path>': <reason naming the JSON path>"
ProfileSource load_profile_source(const std::string& path);

// Hex SHA-256 of bytes.
std::string sha256_hex(const std::string& bytes);

// The whole file, or throws LaunchError("Failed to read Seccomp profile file ...").
std::string read_profile_bytes(const std::string& path);

}  // namespace sc::launch
