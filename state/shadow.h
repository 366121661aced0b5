// Shadow evaluation (`seccomp-audit shadow`): a candidate profile judged against the live
// traffic of running containers, while they keep running under their own filters.
//
// The operator's side is a durable request file, <state_dir>/shadow/<name>.json (ShadowRequest),
// written by `shadow start` and removed by `shadow stop`. The daemon's side is State::shadows
// (state.json "shadows"): per request, its status and, per (container, arch, syscall,
// current action, candidate action), how many calls since the shadow began.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "state/aggregate.h"

namespace sc::audit {

// What `shadow start` writes (the candidate's text is copied: editing or removing the file
// afterwards changes nothing).
struct ShadowRequest {
  std::string name;                     // [A-Za-z0-9._-]{1,64}: also the file name
  std::string profile_path;             // as given, for display
  std::string profile_text;             // the candidate profile (Docker or Mesos JSON)
  std::string profile_sha256;           // of profile_text
  std::vector<std::string> containers;  // the shadowed container ids ...
  bool all = false;                     // ... or every watched container, now and later
  int64_t requested_ns = 0;             // CLOCK_REALTIME
};

// A valid shadow name, or a message saying what is wrong with it.
std::optional<std::string> shadow_name_error(const std::string& name);

std::string shadow_request_dir(const std::string& state_dir);  // <state_dir>/shadow
std::string shadow_request_path(const std::string& state_dir, const std::string& name);

std::string request_to_json_text(const ShadowRequest& request);
// Throws std::runtime_error naming the JSON path of what is wrong.
ShadowRequest request_from_json_text(const std::string& text);

}  // namespace sc::audit
