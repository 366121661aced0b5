// The loosening patch: allow exactly what was observed being denied (or what would have been
// denied, in audit mode), touching nothing else in the profile and never the default action.
#pragma once

#include <string>
#include <vector>

#include "audit/refine/json_patch.h"
#include "audit/refine/observations.h"

namespace sc::refine {

// A rule of the profile that applies to (at least one of) the containers and names the call.
struct ApplicableRule {
  int index = -1;                 // syscalls[index] in the profile file
  bool allow = false;             // its action is SCMP_ACT_ALLOW
  std::vector<unsigned> arg_indexes;  // argument indexes it compares; empty: unconditional
};

// A syscall the profile denies (or would deny) and the workload made.
struct DeniedCall {
  MergedCall call;
  std::vector<ApplicableRule> rules;  // rules naming it, in profile order
};

struct LoosenDecision {
  std::string name;
  std::string how;                // "added to syscalls[0].names", "new rule syscalls[33]", ...
};

struct LoosenResult {
  std::vector<PatchOp> ops;
  ordered_json patched;           // the profile with ops applied
  std::vector<LoosenDecision> decisions;
};

struct LoosenOptions {
  // Allow only the recorded argument values where the record and the argument table allow
  // it (arg_conditions.h); false (`--no_args`): allow each denied syscall whatever its arguments.
  bool use_args = true;
  size_t max_values = 8;  // distinct conditioned values per syscall beyond which it is allowed outright
  // A fleet merge (suggest --prometheus / several --state_file): the number of hosts, so each
  // op's comment says on how many of them the call was seen; 0 for one host's recording.
  size_t total_hosts = 0;
};

// `total_containers`: how many containers the observation covers (for the comments).
LoosenResult loosen(const ordered_json& profile, const std::vector<DeniedCall>& denied, size_t total_containers,
                    const LoosenOptions& options = {});

// "uname: errno x3 in 2 of 3 containers" — the text each op's comment starts with; with
// total_hosts > 0 (a fleet merge) followed by " on 2 of 2 hosts".
std::string observation_summary(const MergedCall& call, size_t total_containers, size_t total_hosts = 0);

}  // namespace sc::refine
