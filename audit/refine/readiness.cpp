#include "audit/refine/readiness.h"

#include <algorithm>

#include "audit/refine/time_text.h"
#include "state/coverage.h"

namespace sc::refine {

const char* readiness_word(ReadinessVerdict v) {
  switch (v) {
    case ReadinessVerdict::Ready: return "ready";
    case ReadinessVerdict::ReadyWithPatch: return "ready with patch";
    case ReadinessVerdict::NotReady: return "not ready";
    case ReadinessVerdict::NotApplicable: return "n/a";
  }
  return "n/a";
}

Readiness container_readiness(const audit::ContainerRecord& c, const std::vector<Assessment>& rows,
                              const audit::State& state, int64_t ready_after_ns, int64_t reference_ns) {
  uint64_t denials = 0, calls = 0;
  std::set<std::string> denied_names;
  int64_t newest_first = 0;
  std::string newest_name;
  for (const auto& a : rows) {
    calls += a.verdict.stats->count;
    if (!a.denial) continue;
    denials += a.verdict.stats->count;
    denied_names.insert(a.verdict.name);
    if (a.verdict.stats->first_seen_ns >= newest_first) {
      newest_first = a.verdict.stats->first_seen_ns;
      newest_name = a.verdict.name;
    }
  }
  Readiness r;
  if (c.mode == "enforce") {
    r.text = denials ? "enforcing: " + std::to_string(denials) + " denied call" + (denials == 1 ? "" : "s") + " of " +
                           std::to_string(denied_names.size()) + " syscall" + (denied_names.size() == 1 ? "" : "s") +
                           " recorded (they fail now)"
                     : "enforcing: no denial recorded";
    return r;
  }
  if (c.mode != "audit") {
    r.text = c.mode == "unconfined" ? "unconfined: no seccomp filter" : "mode unknown (not launched by seccomp-isolator)";
    return r;
  }
  int64_t reference = reference_ns > 0 ? reference_ns : now_ns();
  if (c.exited_at_ns && *c.exited_at_ns < reference) reference = *c.exited_at_ns;
  int64_t observed = reference - c.first_seen_ns;
  int64_t quiet = reference - (newest_first > 0 ? newest_first : c.first_seen_ns);
  uint64_t lost = 0;
  for (const auto& [name, s] : state.sources) lost += s.lost;
  std::string window = duration_text(ready_after_ns);
  std::string over = " over " + std::to_string(calls) + " recorded call" + (calls == 1 ? "" : "s");
  r.verdict = ReadinessVerdict::NotReady;
  if (observed < ready_after_ns) {
    r.text = "observed for only " + duration_text(observed) + " (the rule needs " + window +
             " without a new would-be denial): not ready";
  } else if (quiet < ready_after_ns) {
    r.text = "new would-be denial " + duration_text(quiet) + " before the last observation (" + newest_name +
             ", first seen " + utc_time(newest_first) + "); the rule needs " + window + " without one: not ready";
  } else if (lost > 0) {
    r.text = "the event sources lost " + std::to_string(lost) +
             " events: a would-be denial may be missing, so readiness cannot be vouched for: not ready";
  } else if (audit::Coverage cov = audit::coverage_of(state); !cov.complete()) {
    r.text = "the recording is incomplete (" + cov.summary() +
             "): a would-be denial may be missing, so readiness cannot be vouched for: not ready";
  } else if (denied_names.empty()) {
    r.verdict = ReadinessVerdict::Ready;
    r.text = "no would-be denial for " + duration_text(quiet) + over + ": ready to enforce";
  } else {
    r.verdict = ReadinessVerdict::ReadyWithPatch;
    r.text = "no new would-be denial for " + duration_text(quiet) + over + ": ready to enforce with the suggested patch (" +
             std::to_string(denied_names.size()) + " syscall" + (denied_names.size() == 1 ? "" : "s") +
             " would break without it)";
  }
  return r;
}

Readiness profile_readiness(const std::vector<Readiness>& containers) {
  Readiness worst;
  bool any = false;
  auto rank = [](ReadinessVerdict v) {
    switch (v) {
      case ReadinessVerdict::NotReady: return 3;
      case ReadinessVerdict::ReadyWithPatch: return 2;
      case ReadinessVerdict::Ready: return 1;
      default: return 0;
    }
  };
  size_t audited = 0, ready = 0;
  for (const auto& r : containers) {
    if (r.verdict == ReadinessVerdict::NotApplicable) continue;
    ++audited;
    if (r.verdict != ReadinessVerdict::NotReady) ++ready;
    if (!any || rank(r.verdict) > rank(worst.verdict)) worst = r;
    any = true;
  }
  if (!any) return {ReadinessVerdict::NotApplicable, "no container runs this profile in audit mode"};
  Readiness out{worst.verdict, std::to_string(ready) + " of " + std::to_string(audited) +
                                   " audit-mode container" + (audited == 1 ? "" : "s") + " ready; least ready: " + worst.text};
  return out;
}

}  // namespace sc::refine
