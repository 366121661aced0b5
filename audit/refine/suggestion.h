// `suggest` end to end as a library: what a group of containers recorded, re-assessed
// against the profile file as it is now (the engine's own verdicts), the loosening or
// tightening patch, and the validation of the patched profile.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "audit/refine/enforcing_verdict.h"
#include "audit/refine/loosen.h"
#include "audit/refine/observations.h"
#include "audit/refine/profile_document.h"
#include "audit/refine/tighten.h"
#include "state/aggregate.h"

namespace sc::refine {

struct SuggestOptions {
  std::string runtime_dir;    // the isolator's registry, for each container's capabilities; "" = none
  std::string profile_file;   // use this file instead of the recorded profile path; "" = recorded
};

// One recorded verdict key, judged against the current profile file.
struct Assessment {
  RecordedVerdict verdict;
  // What the enforcing profile does with it now: an action, or argument-dependent (denied
  // for the recorded call, arguments unknown).
  EnforcingVerdict would_be;
  bool denial = false;        // enforcing would deny it: it needs loosening (or it breaks)
  std::string note;           // why it is not a denial, when it is not
};

struct GroupContext {
  ContainerGroup group;
  ProfileDocument document;
  // The capability set each container's rules resolve against (registry entry, else this
  // process's bounding set, as `launch` does), and the distinct sets among them.
  std::map<std::string, std::set<std::string>> capabilities;
  std::vector<std::set<std::string>> capability_sets;
  std::vector<std::string> notes;                      // warnings for the operator
};

// Loads the profile file, the containers' capabilities from the registry. Throws with a
// clear message when the profile cannot be read or does not pass `check`.
GroupContext prepare(const ContainerGroup& group, const SuggestOptions& options);

std::vector<Assessment> assess(const GroupContext& context);

struct Suggestion {
  std::vector<Assessment> assessments;
  std::vector<DeniedCall> denied;
  LoosenResult loosen;
  std::vector<std::string> notes;       // context notes + what was not loosened and why
  std::vector<std::string> unresolved;  // still denied under the patched profile (a bug if any)
};

// Throws when the patched profile fails `check` (never prints a patch that cannot apply).
Suggestion suggest_loosen(const GroupContext& context, const LoosenOptions& options = {});

struct Tightening {
  TightenResult result;
  std::vector<std::string> notes;
};

struct TightenOptions {
  // Also remove argument-checked ALLOW rules that no recorded call matched (narrow_args.h);
  // without it they are only named in the notes.
  bool narrow_args = false;
};

// Throws when a container has no learning data (tightening would be a guess).
Tightening suggest_tighten(const GroupContext& context, const TightenOptions& options = {});

}  // namespace sc::refine
