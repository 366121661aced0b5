// `seccomp-audit report`: per profile and container, what was recorded, what would break if
// enforced, the suggested patch and a readiness verdict, as Markdown or one self-contained
// HTML file.
#include <cstdio>
#include <string>

#include "audit/cli/commands.h"
#include "audit/cli/fleet_input.h"
#include "audit/refine/shadow_readiness.h"
#include "audit/refine/state_input.h"
#include "audit/refine/time_text.h"
#include "audit/report/report_model.h"
#include "audit/report/shadow_report.h"
#include "host/atomic_file.h"
#include "isolator/registry/registry.h"

namespace sc::audit::cli {
namespace {

struct ReportFlags {
  std::string container;
  std::string profile;
  std::string shadow;
  std::string state_dir = refine::kDefaultStateDir;
  std::string runtime_dir = registry::kDefaultRuntimeDir;
  std::string profile_file;
  std::string format = "md";
  std::string output;
  std::string ready_after = "24h";
  FleetFlags fleet;
};

// "24h", "90m", "30s", "2d", or a bare number of hours.
int64_t parse_duration_ns(const std::string& text) {
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  std::string unit = text.substr(used);
  double scale = unit == "" || unit == "h" ? 3600 : unit == "m" ? 60 : unit == "s" ? 1 : unit == "d" ? 86400 : -1;
  if (used == 0 || scale < 0 || value < 0)
    throw CLI::ValidationError("--ready_after", "'" + text + "' is not a duration (e.g. 24h, 90m, 2d)");
  return static_cast<int64_t>(value * scale * 1e9);
}

// --prometheus / --state_file: one profile (the --profile FILE) over every host that ran it.
int run_fleet_report(const ReportFlags& flags) {
  std::unique_ptr<FleetSelection> fleet = select_fleet(flags.fleet, flags.profile);
  report::ReportOptions options;
  options.ready_after_ns = parse_duration_ns(flags.ready_after);
  options.suggest = {"", flags.profile};
  options.host_states = &fleet->fleet.host_states;
  report::Report report = report::build_report(fleet->fleet.merged, {fleet->group}, options);
  report.coverage = fleet::fleet_coverage(fleet->fleet);
  for (auto& p : report.profiles) {
    p.notes.insert(p.notes.begin(), fleet_summary(*fleet, flags.profile));
    p.notes.insert(p.notes.end(), fleet->fleet.notes.begin(), fleet->fleet.notes.end());
    // Calls an exporter folded into syscall="other" cannot be judged: no host is vouched for.
    if (fleet->fleet.calls_not_covered && p.readiness.verdict != refine::ReadinessVerdict::NotApplicable) {
      p.readiness.verdict = refine::ReadinessVerdict::NotReady;
      p.readiness.text = std::to_string(fleet->fleet.calls_not_covered) +
                         " call(s) were exported under syscall=\"other\" or an unknown name: what they were is "
                         "unknown, so readiness cannot be vouched for: not ready; " + p.readiness.text;
    }
  }
  std::string text = flags.format == "html" ? report::render_html(report) : report::render_markdown(report);
  if (flags.output.empty()) std::fwrite(text.data(), 1, text.size(), stdout);
  else host::write_file_atomically(flags.output, text);
  return 0;
}

int run_report(const ReportFlags& flags) {
  if (flags.fleet.active()) return run_fleet_report(flags);
  State state = refine::load_state(flags.state_dir);
  if (!flags.shadow.empty()) {
    refine::ShadowReport report =
        refine::build_shadow_report(state, flags.shadow, parse_duration_ns(flags.ready_after), refine::now_ns());
    std::string text = flags.format == "html" ? report::render_shadow_html(report) : report::render_shadow_markdown(report);
    if (flags.output.empty()) std::fwrite(text.data(), 1, text.size(), stdout);
    else host::write_file_atomically(flags.output, text);
    return 0;
  }
  std::vector<refine::ContainerGroup> groups;
  if (!flags.container.empty()) groups.push_back(refine::select_container(state, flags.container));
  else if (!flags.profile.empty()) groups.push_back(refine::select_profile(state, flags.profile));
  else groups = refine::group_by_profile(state);
  report::ReportOptions options;
  options.ready_after_ns = parse_duration_ns(flags.ready_after);
  options.suggest = {flags.runtime_dir, flags.profile_file};
  report::Report report = report::build_report(state, groups, options);
  std::string text = flags.format == "html" ? report::render_html(report) : report::render_markdown(report);
  if (flags.output.empty()) std::fwrite(text.data(), 1, text.size(), stdout);
  else host::write_file_atomically(flags.output, text);
  return 0;
}

}  // namespace

Run add_report_command(CLI::App& app) {
  auto flags = std::make_shared<ReportFlags>();
  CLI::App* sub = app.add_subcommand(
      "report", "Report per profile and container: verdicts, what would break if enforced, the suggested patch, readiness");
  auto* container = sub->add_option("--container", flags->container, "Only this container");
  auto* profile = sub->add_option("--profile", flags->profile,
                                  "Only the containers that ran this profile name; with --prometheus or --state_file: "
                                  "the profile FILE, whose sha256 selects the containers on every host");
  auto* shadow = sub->add_option("--shadow", flags->shadow,
                                 "The candidate of this shadow (seccomp-audit shadow): readiness, what it would break, "
                                 "what it would newly allow");
  container->excludes(profile);
  profile->excludes(container);
  shadow->excludes(container);
  shadow->excludes(profile);
  auto* state_dir = sub->add_option("--state_dir", flags->state_dir, "The daemon's state dir (holds state.json)")
                        ->capture_default_str();
  auto* runtime_dir = sub->add_option("--runtime_dir", flags->runtime_dir,
                                      "The isolator's registry (containers' capabilities)")
                          ->capture_default_str();
  auto* profile_file = sub->add_option("--profile_file", flags->profile_file,
                                       "Judge against this file instead of the recorded profile path");
  add_fleet_options(sub, flags->fleet, {container, shadow, state_dir, runtime_dir, profile_file});
  sub->add_option("--format", flags->format, "md (Markdown) or html (one self-contained file)")
      ->check(CLI::IsMember({"md", "html"}))
      ->capture_default_str();
  sub->add_option("--output", flags->output, "Write to this file (atomically) instead of stdout");
  sub->add_option("--ready_after", flags->ready_after,
                  "Readiness window: observed this long with no new would-be denial (24h, 90m, 2d)")
      ->capture_default_str();
  sub->callback([flags] {
    (void)parse_duration_ns(flags->ready_after);
    if (flags->fleet.active() && flags->profile.empty())
      throw CLI::RequiredError("--profile=FILE (with --prometheus or --state_file)");
  });
  return [flags] { return run_report(*flags); };
}

}  // namespace sc::audit::cli
