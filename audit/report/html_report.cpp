// `seccomp-audit report --format=html`: one self-contained file. Inline CSS, inline SVG, no
// script, no external resource; a Content-Security-Policy that forbids scripts and remote
// loads as a second line of defence. Every recorded string goes through html_text().
#include <sstream>

#include "audit/report/html_escape.h"
#include "audit/report/report_model.h"
#include "audit/report/svg_charts.h"
#include "audit/refine/time_text.h"
#include "common/arch.h"
#include "common/seccomp_ret.h"

namespace sc::report {

using refine::ReadinessVerdict;
using refine::readiness_word;
using refine::utc_time;
using refine::duration_text;

namespace {

const char* kStyle = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{font-size:1.6em;border-bottom:2px solid #2471a3;padding-bottom:.2em}
h2{font-size:1.3em;margin-top:2em;background:#eef3f8;padding:.3em .5em}
h3{font-size:1.1em;margin-top:1.5em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0;width:100%}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f4f4f4}
td.n{text-align:right;font-variant-numeric:tabular-nums}
code,pre{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.85em}
pre{background:#f7f7f7;border:1px solid #ddd;padding:.6em;overflow-x:auto;white-space:pre-wrap}
.badge{display:inline-block;padding:.15em .6em;border-radius:1em;color:#fff;font-weight:600;font-size:.85em}
.ready{background:#1e8449}.ready-with-patch{background:#b7950b}.not-ready{background:#c0392b}.n-a{background:#7f8c8d}
.denied{color:#c0392b;font-weight:600}
.chart .label,.chart .value,.chart .axis{font-size:11px;font-family:ui-monospace,"DejaVu Sans Mono",monospace;fill:#333}
.legend span{display:inline-block;margin-right:1em;font-size:.8em}
.legend i{display:inline-block;width:.8em;height:.8em;margin-right:.3em;vertical-align:middle}
.note{color:#555;font-size:.85em}
)";

std::string badge(ReadinessVerdict v) {
  std::string cls = v == ReadinessVerdict::Ready ? "ready"
                    : v == ReadinessVerdict::ReadyWithPatch ? "ready-with-patch"
                    : v == ReadinessVerdict::NotReady ? "not-ready" : "n-a";
  return "<span class=\"badge " + cls + "\">" + html_text(readiness_word(v)) + "</span>";
}

std::string legend() {
  std::string s = "<div class=\"legend\">";
  for (const char* k : {"errno", "kill_process", "trap", "log", "argument-dependent"})
    s += std::string("<span><i style=\"background:") + kind_colour(k) + "\"></i>" + html_text(k) + "</span>";
  return s + "</div>";
}

}  // namespace

std::string render_html(const Report& report) {
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
       "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
       "<title>seccomp-audit report</title><style>"
    << kStyle << "</style></head><body>\n";
  h << "<h1>seccomp-audit report</h1>\n";
  h << "<p>Generated " << html_text(utc_time(report.generated_at_ns)) << "; data flushed by the daemon at "
    << html_text(utc_time(report.last_flush_ns)) << "; readiness window " << html_text(duration_text(report.ready_after_ns))
    << ".</p>\n";
  h << "<p class=\"note\">Readiness rule: a container in audit mode is ready to enforce when it was observed for at least "
       "the window, no would-be denial was seen for the first time within the window, and no event source lost events. "
       "The daemon keeps the first and last sighting per syscall and verdict, not every call: the timelines show exactly "
       "that.</p>\n";
  if (!report.sources.empty()) {
    h << "<table><tr><th>source</th><th>live</th><th>events</th><th>lost</th><th>detail</th></tr>\n";
    for (const auto& [name, s] : report.sources)
      h << "<tr><td>" << html_text(name) << "</td><td>" << (s.live ? "yes" : "no") << "</td><td class=\"n\">" << s.events
        << "</td><td class=\"n\">" << s.lost << "</td><td>" << html_text(s.detail) << "</td></tr>\n";
    h << "</table>\n";
  }
  h << "<p><b>Coverage: " << (report.coverage.complete() ? "complete" : "INCOMPLETE") << "</b> — "
    << html_text(report.coverage.summary()) << "</p>\n";
  for (const auto& [name, s] : report.sources) {
    if (s.hooks.empty()) continue;
    h << "<table><tr><th>" << html_text(name) << " hook</th><th>live</th><th>serves</th><th>detail</th></tr>\n";
    for (const auto& hook : s.hooks)
      h << "<tr><td>" << html_text(hook.name) << "</td><td>" << (hook.live ? "yes" : "<b>no</b>") << "</td><td>"
        << html_text(hook.serves) << "</td><td>" << html_text(hook.reason) << "</td></tr>\n";
    h << "</table>\n";
  }
  for (const auto& p : report.profiles) {
    h << "<h2>Profile " << html_text(p.profile_name.empty() ? "(none recorded)" : p.profile_name) << "</h2>\n";
    if (!p.profile_path.empty()) h << "<p>File: <code>" << html_text(p.profile_path) << "</code></p>\n";
    h << "<p>" << badge(p.readiness.verdict) << " " << html_text(p.readiness.text) << "</p>\n";
    if (!p.hosts.empty()) {
      h << "<table><tr><th>host</th><th>containers</th><th>readiness</th><th>why</th></tr>\n";
      for (const auto& host : p.hosts)
        h << "<tr><td><code>" << html_text(host.host) << "</code></td><td>" << host.containers << "</td><td>"
          << badge(host.readiness.verdict) << "</td><td>" << html_text(host.readiness.text) << "</td></tr>\n";
      h << "</table>\n";
    }
    for (const auto& c : p.containers) {
      const auto& rec = *c.container;
      h << "<h3>Container <code>" << html_text(rec.container_id) << "</code></h3>\n<ul>";
      h << "<li>mode: <b>" << html_text(rec.mode.empty() ? "unknown" : rec.mode) << "</b>; runtime: "
        << html_text(rec.runtime) << "; cgroup: <code>" << html_text(rec.cgroup_path) << "</code></li>";
      if (!rec.container_name.empty()) h << "<li>name: <code>" << html_text(rec.container_name) << "</code></li>";
      h << "<li>seen " << html_text(utc_time(rec.first_seen_ns)) << " .. " << html_text(utc_time(rec.last_seen_ns))
        << (rec.exited_at_ns ? ", exited " + html_text(utc_time(*rec.exited_at_ns)) : std::string()) << "</li>";
      h << "<li>verdicts by action:";
      if (c.counts_by_action.empty()) h << " none";
      for (const auto& [action, n] : c.counts_by_action) h << " " << html_text(action) << " <b>" << n << "</b>;";
      h << "</li>";
      if (c.learned_syscalls) h << "<li>distinct syscalls learned: " << c.learned_syscalls << "</li>";
      h << "<li>readiness: " << badge(c.readiness.verdict) << " " << html_text(c.readiness.text) << "</li>";
      if (!c.would_break.empty()) {
        h << "<li class=\"denied\">would break if enforced:";
        for (const auto& n : c.would_break) h << " <code>" << html_text(n) << "</code>";
        h << "</li>";
      }
      h << "</ul>\n";
      if (c.rows.empty()) continue;
      std::vector<TimelineRow> timeline;
      std::vector<BarRow> bars;
      for (const auto& a : c.rows) {
        std::string label = a.verdict.name.empty() ? "#" + std::to_string(a.verdict.key.nr) : a.verdict.name;
        std::string kind = a.denial ? a.would_be.text() : common::action_text(a.verdict.key.action);
        timeline.push_back({label, a.verdict.stats->first_seen_ns, a.verdict.stats->last_seen_ns, kind, a.verdict.stats->count});
        bars.push_back({label, a.verdict.stats->count, kind});
      }
      h << "<p class=\"note\">First sighting (dot) to last sighting (line) per syscall:</p>" << timeline_svg(timeline) << "\n";
      h << "<p class=\"note\">Recorded calls per syscall (square-root scale):</p>" << bars_svg(bars) << legend() << "\n";
      h << "<table><tr><th>syscall</th><th>arch</th><th>action</th><th>enforcing</th><th>count</th><th>first seen</th>"
           "<th>last seen</th><th>example process</th><th>arguments</th></tr>\n";
      for (const auto& a : c.rows) {
        const auto& v = a.verdict;
        h << "<tr><td><code>" << html_text(v.name.empty() ? "#" + std::to_string(v.key.nr) : v.name) << "</code></td><td>"
          << html_text(common::arch_name(v.key.arch)) << "</td><td>" << html_text(action_label(v.key)) << "</td><td"
          << (a.denial ? " class=\"denied\"" : "") << ">" << html_text(a.would_be.judged() ? a.would_be.text() : "-")
          << "</td><td class=\"n\">" << v.stats->count << "</td><td>" << html_text(utc_time(v.stats->first_seen_ns))
          << "</td><td>" << html_text(utc_time(v.stats->last_seen_ns)) << "</td><td>";
        if (v.stats->sample) {
          h << "<span class=\"comm\">" << html_text(v.stats->sample->comm) << "</span> (pid " << v.stats->sample->pid << ")";
          if (!v.stats->sample->exe.empty()) h << "<br><code>" << html_text(v.stats->sample->exe) << "</code>";
        } else {
          h << "-";
        }
        h << "</td><td>";
        bool first_line = true;
        for (const auto& line : arguments_lines(v)) {
          h << (first_line ? "" : "<br>") << "<code>" << html_text(line) << "</code>";
          first_line = false;
        }
        h << "</td></tr>\n";
      }
      h << "</table>\n";
    }
    h << "<h3>Suggested patch</h3>\n";
    if (!p.error.empty()) {
      h << "<p>No patch: " << html_text(p.error) << "</p>\n";
    } else if (p.patch_json.empty()) {
      h << "<p>None: the profile already allows everything that was recorded.</p>\n";
    } else {
      h << "<ul>";
      for (const auto& d : p.decisions) h << "<li><code>" << html_text(d.name) << "</code>: " << html_text(d.how) << "</li>";
      h << "</ul>\n<pre>" << html_lines(p.patch_json) << "</pre>\n";
    }
    if (!p.notes.empty()) {
      h << "<p>Notes:</p><ul class=\"note\">";
      for (const auto& n : p.notes) h << "<li>" << html_text(n) << "</li>";
      h << "</ul>\n";
    }
  }
  h << "</body></html>\n";
  return h.str();
}

}  // namespace sc::report
