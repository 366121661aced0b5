// `seccomp-audit report --shadow=NAME`, the judgement: what a shadowed candidate profile would
// do to the real traffic of the containers it was shadowed on (state/shadow_record.h), and
// whether it may be enforced. audit/report/shadow_report.h renders it.
//
// Every result row falls in one class, by what the container's own filter did (current) and
// what the candidate would do:
//   breaks           the call ran (allow, log, trace) and the candidate denies it, or the
//                    container survived a denial (errno) that the candidate turns into a kill
//                    or a trap;
//   newly allowed    the container's filter denied it and the candidate lets it run (allow,
//                    log or trace);
//   denied otherwise both deny, differently (another errno, a kill instead of a trap, ...);
//   unknown          the container's filter denied it and the candidate's verdict depends on
//                    arguments a denied call does not show (never guessed);
//   unchanged        the same outcome.
// Readiness of the candidate, with W = --ready_after:
//   "not ready"   when a call breaks;
//   "not proven"  when the shadow was refused, counted nothing, has unknown rows, lost calls
//                 (the kernel's shadow map was full), or was observed for less than W;
//   "ready"       otherwise (it may newly allow calls: the report lists them for review).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "state/aggregate.h"

namespace sc::refine {

enum class ShadowClass { Breaks, NewlyAllowed, DeniedOtherwise, Unknown, Unchanged };
const char* shadow_class_word(ShadowClass c);  // "breaks", "newly allowed", ...
ShadowClass shadow_class_of(const audit::ShadowRow& row);

struct ShadowReport {
  audit::ShadowRecord record;
  int64_t generated_ns = 0;
  int64_t observed_ns = 0;      // since the shadow started, to its stop or the last flush
  int64_t ready_after_ns = 0;
  std::string readiness;        // "ready", "not ready", "not proven"
  std::string readiness_text;   // one sentence saying why
  uint64_t calls = 0;
  std::vector<audit::ShadowRow> breaks, newly_allowed, denied_otherwise, unknown;
  uint64_t unchanged_calls = 0;
};

// Throws std::runtime_error when `name` is not in state.shadows (naming those that are).
ShadowReport build_shadow_report(const audit::State& state, const std::string& name, int64_t ready_after_ns,
                                 int64_t now_ns);

}  // namespace sc::refine
