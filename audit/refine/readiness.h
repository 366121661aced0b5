// The readiness verdict: may this audit-mode container (or profile) be switched to enforce?
//
// The rule (documented in docs/refine.md, "Readiness rule"): with W = --ready_after (default 24 h) and the
// reference time R = the daemon's last flush (or the container's exit, if earlier, since
// nothing is observed after it):
//   1. the container was observed for at least W (R - first seen >= W);
//   2. no would-be denial was seen for the first time in the last W (R - the newest
//      would-be denial's first sighting >= W);
//   3. no event source reports lost events (a lost record could be a would-be denial).
// When all hold: "ready to enforce" if nothing would be denied at all, else "ready to enforce
// with the suggested patch" (the would-be denials are known and stable: the patch allows them).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "audit/refine/suggestion.h"
#include "state/aggregate.h"

namespace sc::refine {

enum class ReadinessVerdict { Ready, ReadyWithPatch, NotReady, NotApplicable };
const char* readiness_word(ReadinessVerdict v);  // "ready", "ready with patch", "not ready", "n/a"

struct Readiness {
  ReadinessVerdict verdict = ReadinessVerdict::NotApplicable;
  std::string text;   // one sentence, e.g. "no new would-be denial for 26.0 h over 1234 recorded calls: ready to enforce"
};

// `assessments`: this container's rows. `reference_ns`: the state's last flush (0 = now).
Readiness container_readiness(const audit::ContainerRecord& container, const std::vector<Assessment>& assessments,
                              const audit::State& state, int64_t ready_after_ns, int64_t reference_ns);
// The profile is as ready as its least ready audit-mode container.
Readiness profile_readiness(const std::vector<Readiness>& containers);

}  // namespace sc::refine
