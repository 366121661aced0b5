// `seccomp-audit report --format=md`. Every recorded string goes through markdown_text().
#include <sstream>

#include "audit/report/markdown_escape.h"
#include "audit/report/report_model.h"
#include "audit/refine/time_text.h"
#include "common/arch.h"
#include "common/seccomp_ret.h"

namespace sc::report {

using refine::readiness_word;
using refine::utc_time;
using refine::duration_text;

namespace {

// Several tuples in one table cell: a Markdown table has no line breaks, so "; ".
std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "; ") + l;
  return out;
}

std::string sample_text(const std::optional<audit::Sample>& s) {
  if (!s) return "-";
  std::string out = s->comm + " (pid " + std::to_string(s->pid) + ")";
  if (!s->exe.empty()) out += " " + s->exe;
  return out;
}

}  // namespace

std::string render_markdown(const Report& report) {
  std::ostringstream md;
  md << "# seccomp-audit report\n\n";
  md << "Generated " << utc_time(report.generated_at_ns) << "; data flushed by the daemon at "
     << utc_time(report.last_flush_ns) << "; readiness window " << duration_text(report.ready_after_ns) << ".\n\n";
  if (!report.sources.empty()) {
    md << "| source | live | events | lost | detail |\n|---|---|---|---|---|\n";
    for (const auto& [name, s] : report.sources)
      md << "| " << markdown_text(name) << " | " << (s.live ? "yes" : "no") << " | " << s.events << " | " << s.lost
         << " | " << markdown_text(s.detail) << " |\n";
    md << "\n";
  }
  md << "**Coverage: " << (report.coverage.complete() ? "complete" : "INCOMPLETE") << "** — "
     << markdown_text(report.coverage.summary()) << "\n\n";
  for (const auto& [name, s] : report.sources) {
    if (s.hooks.empty()) continue;
    md << "| " << markdown_text(name) << " hook | live | serves | detail |\n|---|---|---|---|\n";
    for (const auto& hook : s.hooks)
      md << "| " << markdown_text(hook.name) << " | " << (hook.live ? "yes" : "**no**") << " | "
         << markdown_text(hook.serves) << " | " << markdown_text(hook.reason) << " |\n";
    md << "\n";
  }
  md << "Readiness rule: a container in audit mode is ready to enforce when it was observed for at least the window, "
        "no would-be denial was seen for the first time within the window, and no event source lost events.\n\n";
  for (const auto& p : report.profiles) {
    md << "## Profile " << markdown_text(p.profile_name.empty() ? "(none recorded)" : p.profile_name) << "\n\n";
    if (!p.profile_path.empty()) md << "File: " << markdown_text(p.profile_path) << "\n\n";
    md << "**Readiness: " << readiness_word(p.readiness.verdict) << "** — " << markdown_text(p.readiness.text) << "\n\n";
    if (!p.hosts.empty()) {
      md << "| host | containers | readiness | why |\n|---|---:|---|---|\n";
      for (const auto& h : p.hosts)
        md << "| " << markdown_text(h.host) << " | " << h.containers << " | " << readiness_word(h.readiness.verdict)
           << " | " << markdown_text(h.readiness.text) << " |\n";
      md << "\n";
    }
    for (const auto& c : p.containers) {
      const auto& rec = *c.container;
      md << "### Container " << markdown_text(rec.container_id) << "\n\n";
      md << "- mode: " << markdown_text(rec.mode.empty() ? "unknown" : rec.mode) << "\n";
      md << "- runtime: " << markdown_text(rec.runtime) << ", cgroup: " << markdown_text(rec.cgroup_path) << "\n";
      if (!rec.container_name.empty()) md << "- name: " << markdown_text(rec.container_name) << "\n";
      md << "- seen: " << utc_time(rec.first_seen_ns) << " .. " << utc_time(rec.last_seen_ns)
         << (rec.exited_at_ns ? ", exited " + utc_time(*rec.exited_at_ns) : std::string()) << "\n";
      md << "- verdicts by action:";
      if (c.counts_by_action.empty()) md << " none";
      for (const auto& [action, n] : c.counts_by_action) md << " " << markdown_text(action) << " " << n << ";";
      md << "\n";
      if (c.learned_syscalls) md << "- distinct syscalls learned: " << c.learned_syscalls << "\n";
      md << "- readiness: **" << readiness_word(c.readiness.verdict) << "** — " << markdown_text(c.readiness.text) << "\n";
      if (!c.would_break.empty()) {
        md << "- would break if enforced:";
        for (const auto& n : c.would_break) md << " " << markdown_text(n);
        md << "\n";
      }
      md << "\n";
      if (!c.rows.empty()) {
        md << "| syscall | arch | action | enforcing | count | first seen | last seen | example process | arguments |\n"
              "|---|---|---|---|---:|---|---|---|---|\n";
        for (const auto& a : c.rows) {
          const auto& v = a.verdict;
          md << "| " << markdown_text(v.name.empty() ? "#" + std::to_string(v.key.nr) : v.name) << " | "
             << markdown_text(common::arch_name(v.key.arch)) << " | " << markdown_text(action_label(v.key)) << " | "
             << markdown_text(a.would_be.judged() ? a.would_be.text() : "-") << (a.denial ? " (denied)" : "") << " | "
             << v.stats->count << " | " << utc_time(v.stats->first_seen_ns) << " | " << utc_time(v.stats->last_seen_ns)
             << " | " << markdown_text(sample_text(v.stats->sample)) << " | "
             << markdown_text(joined(arguments_lines(v))) << " |\n";
        }
        md << "\n";
      }
    }
    md << "### Suggested patch\n\n";
    if (!p.error.empty()) {
      md << "No patch: " << markdown_text(p.error) << "\n\n";
    } else if (p.patch_json.empty()) {
      md << "None: the profile already allows everything that was recorded.\n\n";
    } else {
      for (const auto& d : p.decisions) md << "- " << markdown_text(d.name) << ": " << markdown_text(d.how) << "\n";
      md << "\n" << markdown_code_block(p.patch_json, "json") << "\n";
    }
    if (!p.notes.empty()) {
      md << "Notes:\n\n";
      for (const auto& n : p.notes) md << "- " << markdown_text(n) << "\n";
      md << "\n";
    }
  }
  return md.str();
}

}  // namespace sc::report
