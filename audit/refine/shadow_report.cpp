#include "audit/refine/shadow_report.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "audit/refine/html_escape.h"
#include "audit/refine/markdown_escape.h"
#include "audit/refine/time_text.h"

namespace sc::refine {
namespace {

bool runs(const std::string& action) { return action == "allow" || action == "log" || action == "trace"; }
bool kills(const std::string& action) {
  return action == "kill_process" || action == "kill_thread" || action == "trap";
}

std::string action_text(const std::string& action, int32_t error) {
  return error >= 0 ? action + " (" + std::to_string(error) + ")" : action;
}

uint64_t total(const std::vector<audit::ShadowRow>& rows) {
  uint64_t n = 0;
  for (const auto& r : rows) n += r.count;
  return n;
}

// Largest counts first: what matters most is read first.
void order(std::vector<audit::ShadowRow>& rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    if (a.count != b.count) return a.count > b.count;
    return std::tie(a.container, a.syscall, a.arch) < std::tie(b.container, b.syscall, b.arch);
  });
}

struct Section {
  const char* title;
  const char* meaning;
  const std::vector<audit::ShadowRow>* rows;
};

std::vector<Section> sections(const ShadowReport& r) {
  return {{"Calls it would break", "the call ran under the container's filter; the candidate denies it (or kills where the container survived an errno)", &r.breaks},
          {"Calls it would newly allow", "the container's filter denied them; the candidate lets them run: review each", &r.newly_allowed},
          {"Calls denied otherwise", "both deny, with another action or errno", &r.denied_otherwise},
          {"Unknown", "denied by the container's filter, and the candidate's verdict depends on arguments a denied call does not show", &r.unknown}};
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
  if (row.candidate == "unknown") return ShadowClass::Unknown;
  const bool ran = runs(row.current), would_run = runs(row.candidate);
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

std::string render_shadow_markdown(const ShadowReport& r) {
  std::ostringstream o;
  const auto& rec = r.record;
  o << "# Shadow " << markdown_text(rec.name) << ": " << markdown_text(r.readiness) << "\n\n";
  o << "**Readiness: " << markdown_text(r.readiness) << "**: " << markdown_text(r.readiness_text) << ".\n\n";
  o << "| | |\n|---|---|\n";
  o << "| candidate | " << markdown_text(rec.profile_path) << " (sha256 " << markdown_text(rec.profile_sha256.substr(0, 12))
    << ") |\n";
  o << "| status | " << markdown_text(rec.status) << (rec.detail.empty() ? "" : ": " + markdown_text(rec.detail)) << " |\n";
  std::string containers;
  for (const auto& [id, t] : rec.targets) containers += (containers.empty() ? "" : ", ") + markdown_text(id);
  o << "| containers | " << (containers.empty() ? "none yet" : containers) << (rec.all ? " (all)" : "") << " |\n";
  o << "| observed | " << utc_time(rec.started_ns) << " for " << duration_text(r.observed_ns) << " |\n";
  o << "| calls | " << r.calls << " (" << r.unchanged_calls << " unchanged) |\n";
  o << "| lost | " << rec.lost << " |\n\n";
  for (const auto& s : sections(r)) {
    o << "## " << s.title << " (" << s.rows->size() << ")\n\n" << markdown_text(s.meaning) << ".\n\n";
    if (s.rows->empty()) {
      o << "None.\n\n";
      continue;
    }
    o << "| container | syscall | arch | current | candidate | calls |\n|---|---|---|---|---|---:|\n";
    for (const auto& row : *s.rows)
      o << "| " << markdown_text(row.container) << " | " << markdown_text(row.syscall) << " | " << markdown_text(row.arch)
        << " | " << markdown_text(action_text(row.current, row.current_errno)) << " | "
        << markdown_text(action_text(row.candidate, row.candidate_errno)) << " | " << row.count << " |\n";
    o << "\n";
  }
  o << "Generated " << utc_time(r.generated_ns) << " by seccomp-audit report --shadow.\n";
  return o.str();
}

std::string render_shadow_html(const ShadowReport& r) {
  std::ostringstream h;
  const auto& rec = r.record;
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
       "<title>seccomp-audit shadow "
    << html_text(rec.name)
    << "</title><style>body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin:.5em 0 1.5em}"
       "td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}td.n{text-align:right}"
       ".ready{color:#176f2c}.not-ready{color:#a31515}.not-proven{color:#8a5a00}</style></head><body>\n";
  std::string cls = r.readiness == "ready" ? "ready" : r.readiness == "not ready" ? "not-ready" : "not-proven";
  h << "<h1>Shadow " << html_text(rec.name) << ": <span class=\"" << cls << "\">" << html_text(r.readiness)
    << "</span></h1>\n<p>" << html_text(r.readiness_text) << ".</p>\n<table>";
  h << "<tr><th>candidate</th><td>" << html_text(rec.profile_path) << " (sha256 " << html_text(rec.profile_sha256.substr(0, 12))
    << ")</td></tr>";
  h << "<tr><th>status</th><td>" << html_text(rec.status) << (rec.detail.empty() ? "" : ": " + html_text(rec.detail))
    << "</td></tr>";
  std::string containers;
  for (const auto& [id, t] : rec.targets) containers += (containers.empty() ? "" : ", ") + html_text(id);
  h << "<tr><th>containers</th><td>" << (containers.empty() ? "none yet" : containers) << (rec.all ? " (all)" : "")
    << "</td></tr>";
  h << "<tr><th>observed</th><td>" << utc_time(rec.started_ns) << " for " << duration_text(r.observed_ns) << "</td></tr>";
  h << "<tr><th>calls</th><td>" << r.calls << " (" << r.unchanged_calls << " unchanged)</td></tr>";
  h << "<tr><th>lost</th><td>" << rec.lost << "</td></tr></table>\n";
  for (const auto& s : sections(r)) {
    h << "<h2>" << s.title << " (" << s.rows->size() << ")</h2>\n<p>" << html_text(s.meaning) << ".</p>\n";
    if (s.rows->empty()) {
      h << "<p>None.</p>\n";
      continue;
    }
    h << "<table><tr><th>container</th><th>syscall</th><th>arch</th><th>current</th><th>candidate</th><th>calls</th></tr>\n";
    for (const auto& row : *s.rows)
      h << "<tr><td>" << html_text(row.container) << "</td><td>" << html_text(row.syscall) << "</td><td>"
        << html_text(row.arch) << "</td><td>" << html_text(action_text(row.current, row.current_errno)) << "</td><td>"
        << html_text(action_text(row.candidate, row.candidate_errno)) << "</td><td class=\"n\">" << row.count
        << "</td></tr>\n";
    h << "</table>\n";
  }
  h << "<p>Generated " << utc_time(r.generated_ns) << " by seccomp-audit report --shadow.</p>\n</body></html>\n";
  return h.str();
}

}  // namespace sc::refine
