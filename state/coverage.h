// What the recorded state cannot show: verdict classes no live source saw, and calls that
// could not be attributed to a container. `suggest`, `report` and the demo read it so that a
// patch or a readiness verdict built from a blind source says so instead of looking complete.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "state/aggregate.h"

namespace sc::audit {

struct CoverageGap {
  std::string verdict_class;  // "log", "errno", "trap", "kill_process", "kill_thread"
  bool partial = false;       // seen only for filters loaded with SECCOMP_FILTER_FLAG_LOG
  std::string why;            // which source is off and what would have seen it
};

struct Coverage {
  std::vector<CoverageGap> gaps;
  uint64_t unattributed_calls = 0;  // counted under "unattributed" or a bare "cgroup:<id>"
  uint64_t lost = 0;                // events the sources report as lost
  // True when no source was blind: no verdict class wholly unseen, nothing lost. Unattributed
  // calls are shown beside it (they may belong to any container, or to none of ours).
  bool complete() const;
  // One line for an operator: "complete" or what is missing.
  std::string summary() const;
};

Coverage coverage_of(const State& state);

}  // namespace sc::audit
