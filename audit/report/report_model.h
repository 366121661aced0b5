// What `seccomp-audit report` shows: the engine's judgement (audit/refine/: the loosening
// patch, readiness) gathered per profile and container once, and rendered as Markdown or HTML.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "audit/refine/readiness.h"
#include "audit/refine/suggestion.h"
#include "state/aggregate.h"
#include "state/coverage.h"

namespace sc::report {

struct ReportOptions {
  int64_t ready_after_ns = 24LL * 3600 * 1000000000;
  refine::SuggestOptions suggest;
  int64_t generated_at_ns = 0;   // 0 = now
  // A fleet merge (report --prometheus / several --state_file): each host's own state, by the
  // `host` its container records carry. A container's readiness is then judged with its host's
  // sources, losses, coverage and last flush, and each profile gets a per-host verdict.
  const std::map<std::string, const audit::State*>* host_states = nullptr;
};

// One host's verdict on a profile (fleet merges): as ready as its least ready container.
struct HostReadiness {
  std::string host;
  size_t containers = 0;
  refine::Readiness readiness;
};

struct ContainerSection {
  const audit::ContainerRecord* container = nullptr;
  std::vector<refine::Assessment> rows;                  // every recorded key, judged against the profile
  std::map<std::string, uint64_t> counts_by_action;
  std::vector<std::string> would_break;          // audit mode: what enforcing would deny
  refine::Readiness readiness;
  size_t learned_syscalls = 0;
};

struct ProfileSection {
  std::string profile_name;
  std::string profile_path;
  std::vector<ContainerSection> containers;
  std::string patch_json;                        // the loosening patch (pretty JSON), "" when none
  std::vector<refine::LoosenDecision> decisions;
  std::vector<std::string> notes;
  std::string error;                             // why there is no patch (profile unreadable, ...)
  // Fleet merges: the hosts running it. The profile is ready fleet-wide only when every host is.
  std::vector<HostReadiness> hosts;
  refine::Readiness readiness;
};

struct Report {
  int64_t generated_at_ns = 0;
  int64_t last_flush_ns = 0;
  int64_t ready_after_ns = 0;
  std::map<std::string, audit::SourceHealth> sources;
  audit::Coverage coverage;  // verdict classes not seen, unattributed calls, losses
  std::vector<ProfileSection> profiles;
};

Report build_report(const audit::State& state, const std::vector<refine::ContainerGroup>& groups, const ReportOptions& options);

// The six syscall arguments of a sample in hex, or "not recorded".
std::string arguments_text(const audit::Sample& s);
// The "arguments" column: the recorded tuples (symbolic, with counts and dropped calls) when
// the daemon kept them, else the sample's arguments, else "-". One entry per line.
std::vector<std::string> arguments_lines(const refine::RecordedVerdict& v);
// The "action" column: "errno(1)", "log", "kill_process", ... (error -1: no errno shown).
std::string action_label(common::Action action, int32_t error);
std::string action_label(const audit::VerdictKey& key);

std::string render_markdown(const Report& report);
std::string render_html(const Report& report);

}  // namespace sc::report
