// The tightening patch: remove from the ALLOW rules the syscalls that no container running
// the profile made during the recorded period (the tracer's learning bitmaps). Always a
// separate patch from loosening, every op marked for review, and never the launch essentials.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "audit/refine/json_patch.h"

namespace sc::refine {

struct TightenInput {
  // Rules (syscalls[i]) with action ALLOW that apply to at least one of the containers.
  std::set<int> applicable_allow_rules;
  // Union of the learned syscall numbers, per arch (common/arch.h value -> {0, 1, ...}).
  std::map<uint32_t, std::set<int32_t>> used;
  size_t containers = 0;
  std::string period;             // "2026-11-28 05:00:00Z .. 05:10:00Z", for the comments
  // Argument-checked ALLOW rules to remove whole (--narrow_args: no recorded call matched
  // them), index -> the reason for the op's comment.
  std::map<int, std::string> narrow_rules;
};

struct TightenResult {
  std::vector<PatchOp> ops;
  ordered_json patched;
  std::vector<std::string> removed;            // names removed (sorted)
  std::vector<std::string> kept_essential;     // unused but launch-essential (kept)
  std::vector<std::string> kept_other_arches;  // not a syscall on any learned arch (kept)
  std::vector<int> narrowed;                   // argument-checked rules removed (their original index)
};

TightenResult tighten(const ordered_json& profile, const TightenInput& input);

}  // namespace sc::refine
