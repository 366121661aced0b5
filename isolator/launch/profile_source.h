// A profile file read once: its bytes, their SHA-256 (recorded in the registry so the
// companion and `inspect` know exactly what a container runs under) and the parsed model.
// Parsing the very bytes that were hashed leaves no window for the file to change between.
#pragma once

#include <optional>
#include <string>

#include "common/sha256.h"
#include "isolator/profile/profile.h"

namespace sc::launch {

class ProfileSource {
 public:
  std::string path;
  std::string sha256;  // lower-case hex
  std::string bytes;

  // The parsed model, parsed on first use (once). A launch whose program comes from the
  // program cache never needs it: an entry exists only because these very bytes parsed,
  // resolved and compiled with this very executable. Throws LaunchError("Failed to parse
  // Seccomp profile '<path>': <reason naming the JSON path>").
  const profile::Profile& profile() const;

 private:
  mutable std::optional<profile::Profile> parsed_;
};

// Throws LaunchError with Mesos's shapes:
//   "Failed to read Seccomp profile file '<path>': <strerror>"
//   "Failed to parse Seccomp profile '<path>': <reason naming the JSON path>" (with
//   parse_now; else from profile() when first needed)
ProfileSource load_profile_source(const std::string& path, bool parse_now = true);

// Hex SHA-256 of bytes (the one implementation, common/sha256.h).
using common::sha256_hex;

// The whole file, or throws LaunchError("Failed to read Seccomp profile file ...").
std::string read_profile_bytes(const std::string& path);

}  // namespace sc::launch
