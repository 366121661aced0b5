#include "audit/refine/shadow_readiness.h"

#include <algorithm>
#include <stdexcept>

#include "audit/refine/time_text.h"
#include "common/arch.h"

namespace sc::refine {
namespace {

using common::Action;

bool kills(Action a) { return a == Action::KillProcess || a == Action::KillThread || a == Action::Trap; }

uint64_t total(const std::vector<audit::ShadowRow>& rows) {
  uint64_t n = 0;
  for (const auto& r : rows) n += r.count;
  return n;
}

// Largest counts first: what matters most is read first.
void order(std::vector<audit::ShadowRow>& rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    if (a.count != b.count) return a.count > b.count;
    return std::tuple(a.container, a.syscall, common::arch_name(a.arch)) <
           std::tuple(b.container, b.syscall, common::arch_name(b.arch));
  });
}

}  // namespace

const char* shadow_class_word(ShadowClass c) {
  switch (c) {
    case ShadowClass::Breaks: return "breaks";
    case ShadowClass::NewlyAllowed: return "newly allowed";
    case ShadowClass::DeniedOtherwise: return "denied otherwise";
    case ShadowClass::Unknown: return "unknown";
    case ShadowClass::Unchanged: return "unchanged";
  }
  return "?";
}

ShadowClass shadow_class_of(const audit::ShadowRow& row) {
  if (row.candidate == Action::Unknown) return ShadowClass::Unknown;
  const bool ran = audit::call_runs(row.current), would_run = audit::call_runs(row.candidate);
  if (ran && !would_run) return ShadowClass::Breaks;
  if (!ran && would_run) return ShadowClass::NewlyAllowed;
  if (ran) return ShadowClass::Unchanged;  // allow vs log: the call runs either way
  if (row.candidate == row.current && row.candidate_errno == row.current_errno) return ShadowClass::Unchanged;
  if (kills(row.candidate) && !kills(row.current)) return ShadowClass::Breaks;
  return ShadowClass::DeniedOtherwise;
}

ShadowReport build_shadow_report(const audit::State& state, const std::string& name, int64_t ready_after_ns,
                                 int64_t now_ns) {
  auto it = state.shadows.find(name);
  if (it == state.shadows.end()) {
    std::string known;
    for (const auto& [n, r] : state.shadows) known += (known.empty() ? "" : ", ") + n;
    throw std::runtime_error("--shadow: no shadow named '" + name + "'" +
                             (known.empty() ? std::string(" (none recorded)") : " (recorded: " + known + ")"));
  }
  ShadowReport r;
  r.record = it->second;
  r.generated_ns = now_ns;
  r.ready_after_ns = ready_after_ns;
  const int64_t end = r.record.stopped_ns ? r.record.stopped_ns : (state.last_flush_ns ? state.last_flush_ns : now_ns);
  r.observed_ns = r.record.started_ns && end > r.record.started_ns ? end - r.record.started_ns : 0;
  for (const auto& row : r.record.rows) {
    r.calls += row.count;
    switch (shadow_class_of(row)) {
      case ShadowClass::Breaks: r.breaks.push_back(row); break;
      case ShadowClass::NewlyAllowed: r.newly_allowed.push_back(row); break;
      case ShadowClass::DeniedOtherwise: r.denied_otherwise.push_back(row); break;
      case ShadowClass::Unknown: r.unknown.push_back(row); break;
      case ShadowClass::Unchanged: r.unchanged_calls += row.count; break;
    }
  }
  for (auto* v : {&r.breaks, &r.newly_allowed, &r.denied_otherwise, &r.unknown}) order(*v);
  const std::string window = duration_text(r.observed_ns);
  if (r.record.status == "refused") {
    r.readiness = "not proven";
    r.readiness_text = "the daemon refused this shadow: " + r.record.detail;
  } else if (!r.breaks.empty()) {
    r.readiness = "not ready";
    r.readiness_text = "it would break " + std::to_string(total(r.breaks)) + " of " + std::to_string(r.calls) +
                       " calls observed over " + window + " (" + std::to_string(r.breaks.size()) + " distinct)";
  } else if (r.calls == 0) {
    r.readiness = "not proven";
    r.readiness_text = "no call was counted yet";
  } else if (!r.unknown.empty()) {
    r.readiness = "not proven";
    r.readiness_text = std::to_string(total(r.unknown)) +
                       " denied call(s) have a candidate verdict that depends on arguments not seen";
  } else if (r.record.lost > 0) {
    r.readiness = "not proven";
    r.readiness_text = std::to_string(r.record.lost) + " call(s) were not counted (the kernel's shadow map was full)";
  } else if (r.observed_ns < ready_after_ns) {
    r.readiness = "not proven";
    r.readiness_text = "nothing would break in " + std::to_string(r.calls) + " calls, but observed for " + window +
                       ", less than --ready_after " + duration_text(ready_after_ns);
  } else {
    r.readiness = "ready";
    r.readiness_text = "nothing would break in " + std::to_string(r.calls) + " calls over " + window;
    if (!r.newly_allowed.empty())
      r.readiness_text += "; it newly allows " + std::to_string(r.newly_allowed.size()) + " call(s): review them";
  }
  return r;
}

}  // namespace sc::refine
