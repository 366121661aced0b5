#include "audit/report/shadow_report.h"

#include <sstream>

#include "audit/refine/time_text.h"
#include "audit/report/html_escape.h"
#include "audit/report/markdown_escape.h"
#include "common/arch.h"

namespace sc::report {

using refine::duration_text;
using refine::ShadowReport;
using refine::utc_time;

namespace {

// "errno (13)": the report's tables put a space before the errno (the CLI's don't).
std::string shown_action(common::Action action, int32_t error) {
  return common::action_text(action) + (error >= 0 ? " (" + std::to_string(error) + ")" : "");
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
      o << "| " << markdown_text(row.container) << " | " << markdown_text(row.syscall) << " | " << markdown_text(common::arch_name(row.arch))
        << " | " << markdown_text(shown_action(row.current, row.current_errno)) << " | "
        << markdown_text(shown_action(row.candidate, row.candidate_errno)) << " | " << row.count << " |\n";
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
        << html_text(common::arch_name(row.arch)) << "</td><td>" << html_text(shown_action(row.current, row.current_errno)) << "</td><td>"
        << html_text(shown_action(row.candidate, row.candidate_errno)) << "</td><td class=\"n\">" << row.count
        << "</td></tr>\n";
    h << "</table>\n";
  }
  h << "<p>Generated " << utc_time(r.generated_ns) << " by seccomp-audit report --shadow.</p>\n</body></html>\n";
  return h.str();
}

}  // namespace sc::report
