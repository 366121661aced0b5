#include "audit/report/report_model.h"

#include "audit/refine/arg_display.h"
#include "audit/refine/time_text.h"
#include "common/arch.h"
#include "common/seccomp_ret.h"

#include <sstream>

namespace sc::report {

using refine::Assessment;
using refine::container_readiness;
using refine::ContainerGroup;
using refine::GroupContext;
using refine::LoosenOptions;
using refine::now_ns;
using refine::prepare;
using refine::profile_readiness;
using refine::Readiness;
using refine::ReadinessVerdict;
using refine::record_lines;
using refine::recorded_verdicts;
using refine::RecordedVerdict;
using refine::suggest_loosen;
using refine::Suggestion;
using refine::to_json;

namespace {

// Without a usable profile file the recorded data still tells most of the story: the
// daemon's own would-be verdict (audit mode), or the enforced denial itself.
std::vector<Assessment> assess_from_record(const ContainerGroup& group) {
  std::vector<Assessment> out;
  for (const auto& v : recorded_verdicts(group)) {
    Assessment a{v, refine::EnforcingVerdict::of(v.stats->would_be_action), false,
                 "judged from the recording only (no profile file)"};
    using common::Action;
    const Action action = v.key.action;
    if (action == Action::Log) a.denial = v.stats->would_be_action && common::is_denial(*v.stats->would_be_action);
    else a.denial = action != Action::Trace && action != Action::UserNotif;
    if (!a.would_be.judged() && action != Action::Log) a.would_be = refine::EnforcingVerdict::of(action);
    out.push_back(std::move(a));
  }
  return out;
}

// The state a container's readiness is judged with: its host's in a fleet merge.
const audit::State& host_state(const audit::State& merged, const audit::ContainerRecord& c, const ReportOptions& options) {
  if (!options.host_states || c.host.empty()) return merged;
  auto it = options.host_states->find(c.host);
  return it == options.host_states->end() ? merged : *it->second;
}

}  // namespace

Report build_report(const audit::State& state, const std::vector<ContainerGroup>& groups, const ReportOptions& options) {
  Report report;
  report.generated_at_ns = options.generated_at_ns ? options.generated_at_ns : now_ns();
  report.last_flush_ns = state.last_flush_ns;
  report.ready_after_ns = options.ready_after_ns;
  report.sources = state.sources;
  report.coverage = audit::coverage_of(state);
  for (const auto& group : groups) {
    ProfileSection p;
    p.profile_name = group.profile_name;
    p.profile_path = group.profile_path;
    std::vector<Assessment> rows;
    try {
      GroupContext context = prepare(group, options.suggest);
      LoosenOptions loosen_options;
      if (options.host_states) loosen_options.total_hosts = options.host_states->size();
      Suggestion s = suggest_loosen(context, loosen_options);
      rows = s.assessments;
      p.notes = s.notes;
      for (const auto& u : s.unresolved) p.notes.push_back("not resolved by the patch: " + u);
      p.decisions = s.loosen.decisions;
      if (!s.loosen.ops.empty()) p.patch_json = to_json(s.loosen.ops).dump(2);
      p.profile_path = context.document.path;
    } catch (const std::exception& e) {
      p.error = e.what();
      rows = assess_from_record(group);
    }
    std::vector<Readiness> readiness;
    std::map<std::string, std::vector<Readiness>> by_host;
    for (const auto* c : group.containers) {
      ContainerSection cs;
      cs.container = c;
      std::set<std::string> breaks;
      for (const auto& a : rows) {
        if (a.verdict.container != c) continue;
        cs.rows.push_back(a);
        cs.counts_by_action[common::action_text(a.verdict.key.action)] += a.verdict.stats->count;
        if (a.denial && c->mode == "audit") breaks.insert(a.verdict.name.empty() ? "#" + std::to_string(a.verdict.key.nr) : a.verdict.name);
      }
      cs.would_break.assign(breaks.begin(), breaks.end());
      for (const auto& [arch, nrs] : c->learned) cs.learned_syscalls += nrs.size();
      const audit::State& own = host_state(state, *c, options);
      cs.readiness = container_readiness(*c, cs.rows, own, options.ready_after_ns, own.last_flush_ns);
      readiness.push_back(cs.readiness);
      if (options.host_states) by_host[c->host].push_back(cs.readiness);
      p.containers.push_back(std::move(cs));
    }
    p.readiness = profile_readiness(readiness);
    if (options.host_states) {
      size_t ready = 0, judged = 0;
      for (const auto& [host, rs] : by_host) {
        HostReadiness h{host, rs.size(), profile_readiness(rs)};
        if (h.readiness.verdict != ReadinessVerdict::NotApplicable) {
          ++judged;
          if (h.readiness.verdict != ReadinessVerdict::NotReady) ++ready;
        }
        p.hosts.push_back(std::move(h));
      }
      // Ready fleet-wide only when every host running it is: the least ready container of
      // the fleet decides, and the sentence says how many hosts are ready.
      if (p.readiness.verdict != ReadinessVerdict::NotApplicable)
        p.readiness.text = std::to_string(ready) + " of " + std::to_string(judged) + " host" + (judged == 1 ? "" : "s") +
                           " ready; " + p.readiness.text;
    }
    report.profiles.push_back(std::move(p));
  }
  return report;
}

std::string arguments_text(const audit::Sample& s) {
  if (!s.has_args) return "not recorded";
  std::ostringstream ss;
  ss << std::hex;
  for (size_t i = 0; i < 6; ++i) ss << (i ? ", " : "") << "0x" << s.args[i];
  return ss.str();
}

std::vector<std::string> arguments_lines(const RecordedVerdict& v) {
  if (v.stats->args) return record_lines(v.name, common::arch_name(v.key.arch), *v.stats->args);
  if (v.stats->sample) return {arguments_text(*v.stats->sample)};
  return {"-"};
}

std::string action_label(common::Action action, int32_t error) {
  return common::action_text(action) + (error >= 0 ? "(" + std::to_string(error) + ")" : "");
}

std::string action_label(const audit::VerdictKey& key) { return action_label(key.action, key.error); }

}  // namespace sc::report
