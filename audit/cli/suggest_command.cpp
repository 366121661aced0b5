// `seccomp-audit suggest`: an RFC 6902 JSON Patch against the profile a container (or every
// container of a profile) ran under, that allows exactly what was recorded being denied;
// or, with --tighten, a separate patch removing what was never used. The patch goes to
// stdout (or --output); what it does and why goes to stderr.
#include <cstdio>
#include <iostream>
#include <string>

#include "audit/cli/commands.h"
#include "audit/cli/fleet_input.h"
#include "audit/refine/launch_essentials.h"
#include "audit/refine/profile_document.h"
#include "audit/refine/state_input.h"
#include "audit/refine/suggestion.h"
#include "state/coverage.h"
#include "host/atomic_file.h"
#include "isolator/registry/registry.h"

namespace sc::audit::cli {
namespace {

struct SuggestFlags {
  std::string container;
  std::string profile;
  std::string state_dir = refine::kDefaultStateDir;
  std::string runtime_dir = registry::kDefaultRuntimeDir;
  std::string profile_file;
  std::string format = "patch";
  std::string output;
  bool tighten = false;
  bool require_complete = false;
  bool no_args = false;
  bool narrow_args = false;
  FleetFlags fleet;
};

void emit(const SuggestFlags& flags, const std::string& text) {
  if (flags.output.empty()) std::fwrite(text.data(), 1, text.size(), stdout);
  else host::write_file_atomically(flags.output, text);
}

int run_suggest(const SuggestFlags& flags) {
  // One host's state dir, or a fleet (--prometheus / --state_file): the same suggestion over a
  // group of containers; the fleet's are named "<container>@<host>" and its coverage is judged
  // per host.
  std::unique_ptr<FleetSelection> fleet;
  State state;
  refine::ContainerGroup group;
  refine::SuggestOptions options{flags.runtime_dir, flags.profile_file};
  if (flags.fleet.active()) {
    if (flags.tighten && !flags.fleet.prometheus.empty())
      throw std::runtime_error("--tighten --prometheus: the metrics carry how many syscalls each container was seen "
                               "entering, not which: tighten from the hosts' state files (--state_file)");
    fleet = select_fleet(flags.fleet, flags.profile);
    group = fleet->group;
    options = {"", flags.profile};
  } else {
    state = refine::load_state(flags.state_dir);
    group = flags.container.empty() ? refine::select_profile(state, flags.profile)
                                    : refine::select_container(state, flags.container);
  }
  refine::GroupContext context = refine::prepare(group, options);
  const size_t n = group.containers.size();
  std::cerr << "seccomp-audit suggest: " << (flags.tighten ? "tightening" : "loosening") << " '"
            << context.document.path << "' from " << n << " container" << (n == 1 ? "" : "s");
  if (fleet) std::cerr << " on " << fleet->hosts.size() << " host" << (fleet->hosts.size() == 1 ? "" : "s");
  std::cerr << "\n";
  if (fleet) {
    std::cerr << "  " << fleet_summary(*fleet, flags.profile) << "\n";
    for (const auto& note : fleet->fleet.notes) context.notes.push_back(note);
  }

  std::vector<std::string> notes;
  refine::ordered_json patch, patched;
  bool empty = true;
  if (flags.tighten) {
    refine::Tightening t = refine::suggest_tighten(context, refine::TightenOptions{flags.narrow_args});
    notes = t.notes;
    patch = refine::to_json(t.result.ops);
    patched = t.result.patched;
    empty = t.result.ops.empty();
    std::cerr << "  FOR REVIEW: removes " << t.result.removed.size() << " allowed syscall"
              << (t.result.removed.size() == 1 ? "" : "s") << " no container made:";
    for (const auto& name : t.result.removed) std::cerr << " " << name;
    std::cerr << "\n  kept although unused (launch essentials):";
    for (const auto& name : t.result.kept_essential) std::cerr << " " << name;
    std::cerr << "\n  kept (not a syscall on the learned arches): " << t.result.kept_other_arches.size() << "\n";
    if (!t.result.narrowed.empty()) {
      std::cerr << "  FOR REVIEW: removes " << t.result.narrowed.size()
                << " argument-checked rule(s) no recorded call matched:";
      for (int i : t.result.narrowed) std::cerr << " syscalls[" << i << "]";
      std::cerr << "\n";
    }
  } else {
    refine::LoosenOptions loosen_options;
    loosen_options.use_args = !flags.no_args;
    if (fleet) loosen_options.total_hosts = fleet->hosts.size();
    refine::Suggestion s = refine::suggest_loosen(context, loosen_options);
    notes = s.notes;
    patch = refine::to_json(s.loosen.ops);
    patched = s.loosen.patched;
    empty = s.loosen.ops.empty();
    for (const auto& d : s.denied)
      std::cerr << "  " << refine::observation_summary(d.call, n, loosen_options.total_hosts) << "\n";
    for (const auto& d : s.loosen.decisions) std::cerr << "  -> " << d.name << ": " << d.how << "\n";
    for (const auto& u : s.unresolved) std::cerr << "  WARNING: not resolved by the patch: " << u << "\n";
    if (empty) std::cerr << "  nothing to loosen: the profile allows everything that was recorded\n";
  }
  for (const auto& note : notes) std::cerr << "  note: " << note << "\n";
  if (!empty) std::cerr << "  validated: the patched profile parses, resolves and compiles (enforce and audit)\n";
  // A patch is only as complete as the recording: say so before anyone applies it.
  audit::Coverage coverage = fleet ? fleet::fleet_coverage(fleet->fleet) : audit::coverage_of(state);
  // Calls the fleet's source counted but could not name (folded series): the patch cannot
  // cover them, so the recording is as blind for this patch as a lost event.
  const uint64_t not_covered = fleet ? fleet->fleet.calls_not_covered : 0;
  if (not_covered)
    coverage.gaps.push_back({"some calls", false,
                             std::to_string(not_covered) + " call(s) were counted under syscall=\"other\" or an "
                             "unknown name by an exporter: their syscalls are unknown, the patch does not cover them"});
  if (coverage.complete()) {
    std::cerr << "  recording: " << coverage.summary() << "\n";
  } else {
    std::cerr << "  WARNING: THIS PATCH MAY BE INCOMPLETE: it was built from a blind recording: " << coverage.summary()
              << "\n  WARNING: calls the sources could not see are not in it; enforcing the patched profile may "
                 "break the workload\n";
  }
  if (coverage.unattributed_calls)
    std::cerr << "  WARNING: " << coverage.unattributed_calls
              << " recorded call(s) could not be attributed to any container (see `seccomp-audit events "
                 "--container=unattributed`); any of them may be this workload's\n";

  if (flags.format == "profile") emit(flags, refine::dump(empty ? context.document.json : patched, context.document.formatting));
  else emit(flags, patch.dump(2) + "\n");
  if (flags.require_complete && (!coverage.complete() || coverage.unattributed_calls)) {
    std::cerr << "seccomp-audit suggest: --require_complete: the recording is not complete (see the warnings above)\n";
    return 3;
  }
  return 0;
}

}  // namespace

Run add_suggest_command(CLI::App& app) {
  auto flags = std::make_shared<SuggestFlags>();
  CLI::App* sub = app.add_subcommand(
      "suggest",
      "Suggest an RFC 6902 JSON Patch to the profile that allows what was recorded being denied (or, with "
      "--tighten, removes what was never used)");
  auto* container = sub->add_option("--container", flags->container, "The container whose recording to use");
  auto* profile = sub->add_option("--profile", flags->profile,
                                   "Merge every container that ran this profile name (the fleet view); with "
                                   "--prometheus or --state_file: the profile FILE, whose sha256 selects the "
                                   "containers on every host and which the patch is against");
  container->excludes(profile);
  profile->excludes(container);
  auto* state_dir = sub->add_option("--state_dir", flags->state_dir, "The daemon's state dir (holds state.json)")
                        ->capture_default_str();
  auto* runtime_dir = sub->add_option("--runtime_dir", flags->runtime_dir,
                                      "The isolator's registry (containers' capabilities)")
                          ->capture_default_str();
  auto* profile_file =
      sub->add_option("--profile_file", flags->profile_file, "Patch this file instead of the recorded profile path");
  add_fleet_options(sub, flags->fleet, {container, state_dir, runtime_dir, profile_file});
  sub->add_option("--format", flags->format, "patch: the JSON Patch; profile: the whole patched profile")
      ->check(CLI::IsMember({"patch", "profile"}))
      ->capture_default_str();
  sub->add_option("--output", flags->output, "Write to this file (atomically) instead of stdout");
  auto* tighten = sub->add_flag("--tighten", flags->tighten,
                "Instead: a patch, for review, removing allowed syscalls no container made (needs learning data)");
  sub->add_flag("--no_args", flags->no_args,
                "Allow each denied syscall whatever its arguments, even where the recorded argument values "
                "would allow only those (the default when the daemon recorded them)");
  sub->add_flag("--narrow_args", flags->narrow_args,
                "With --tighten: also remove the argument-checked ALLOW rules that no call recorded in audit "
                "mode matched (without it they are named on stderr only)")
      ->needs(tighten);
  sub->add_flag("--require_complete", flags->require_complete,
                "Exit 3 (after printing the patch) when the recording is blind: a verdict class no live source "
                "saw, events lost, or calls not attributed to a container");
  sub->callback([sub, flags] {
    if (flags->container.empty() && flags->profile.empty())
      throw CLI::RequiredError("--container or --profile");
    (void)sub;
  });
  return [flags] { return run_suggest(*flags); };
}

}  // namespace sc::audit::cli
