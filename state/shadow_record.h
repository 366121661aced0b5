// What the daemon records of one shadow evaluation (state.json "shadows"; see shadow.h).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "state/verdict_key.h"

namespace sc::audit {

// One result row. `current` is what the container's own filter gave the call, `candidate`
// what the candidate profile gives the same call (Action::Unknown when that depends on
// arguments that were not seen). state.json writes words (arch_name, action_text).
struct ShadowRow {
  std::string container;
  uint32_t arch = 0;         // common/arch.h value
  int32_t nr = 0;
  std::string syscall;       // name in that arch's table, or "#<nr>"
  common::Action current = common::Action::Allow;
  int32_t current_errno = -1;
  common::Action candidate = common::Action::Unknown;
  int32_t candidate_errno = -1;
  uint64_t count = 0;
  bool operator==(const ShadowRow&) const = default;
};

// The actions under which a call runs (allow, log, trace): it reaches the syscall-entry hook,
// where the kernel counts it for the candidate; a call any other action stops is counted from
// the recorded verdicts.
inline bool call_runs(common::Action a) {
  return a == common::Action::Allow || a == common::Action::Log || a == common::Action::Trace;
}

// Per shadowed container: since when, and its verdict counts at that moment (calls its own
// filter denies never reach the syscall-entry hook: they are counted from the recorded
// verdicts, from this baseline on).
struct ShadowTarget {
  int64_t since_ns = 0;
  uint64_t cgroup_id = 0;    // the cgroup its calls are counted under in the kernel
  uint32_t slot = 0;         // the kernel's table for (this candidate, this container's filter)
  std::map<VerdictKey, uint64_t> baseline;
  bool operator==(const ShadowTarget&) const = default;
};

struct ShadowRecord {
  std::string name;
  std::string profile_path;
  std::string profile_sha256;
  std::vector<std::string> containers;  // as requested (empty with all)
  bool all = false;
  // "active", "stopped" (request removed; rows are final), "refused" (detail says why:
  // no tracer, a candidate that does not compile, ...).
  std::string status;
  std::string detail;
  int64_t requested_ns = 0;  // the request's, to tell a new request of the same name
  int64_t started_ns = 0;
  int64_t stopped_ns = 0;
  uint64_t lost = 0;         // calls NOT counted since it started (the kernel's shadow map was full)
  uint64_t lost_base = 0;    // the kernel's lost counter when it started
  std::map<std::string, ShadowTarget> targets;  // container id -> target
  std::vector<ShadowRow> rows;
  bool operator==(const ShadowRecord&) const = default;
};

}  // namespace sc::audit
