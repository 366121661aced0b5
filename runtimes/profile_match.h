// Which known profile file a container runs: the runtime hands runc only the resolved OCI
// form (no file name, includes/excludes already applied for the container's capabilities),
// so the file is found by resolving each candidate the same way and comparing what the two
// filters do. A match in audit mode (the container's rules say SCMP_ACT_LOG) is a candidate
// whose log-only variant (`compile --audit`) is what runs: the candidate is the ENFORCING
// profile, the one the daemon computes would-be verdicts with and `suggest` patches.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "isolator/profile/profile.h"

namespace sc::runtimes {

struct KnownProfile {
  std::string path;     // absolute
  std::string name;     // "docker-default", or the file name without ".json"
  std::string sha256;   // of the file's bytes, hex
};

// Every *.json file directly in `dir` (sorted by name); files that cannot be read are skipped.
std::vector<KnownProfile> profiles_in(const std::string& dir);
// One file; nullopt when it cannot be read.
std::optional<KnownProfile> known_profile_file(const std::string& path, const std::string& name = "");

struct ProfileMatch {
  KnownProfile profile;
  bool audit = false;   // the container runs its log-only variant
};

// The first candidate that, resolved for `capabilities` on this host (in audit mode when
// `audit`), filters exactly as `running` resolved for them. Candidates that do not parse or
// resolve are skipped (`errors` says why). Rule order does not matter; rules whose action is
// the default action do not count (the resolver may drop them as redundant).
std::optional<ProfileMatch> match_profile(const profile::Profile& running, const std::set<std::string>& capabilities,
                                          bool audit, const std::vector<KnownProfile>& candidates,
                                          std::vector<std::string>* errors = nullptr);

}  // namespace sc::runtimes
