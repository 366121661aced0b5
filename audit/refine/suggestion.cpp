#include "audit/refine/suggestion.h"

#include <algorithm>
#include <map>
#include <memory>
#include <stdexcept>

#include "audit/refine/arg_names.h"
#include "audit/refine/narrow_args.h"
#include "audit/refine/profile_oracle.h"
#include "audit/refine/syscall_names.h"
#include "audit/refine/time_text.h"
#include "common/arch.h"
#include "common/seccomp_ret.h"
#include "isolator/registry/registry.h"

namespace sc::refine {
namespace {

// One oracle (parse, resolve, compile) per distinct capability set.
class Oracles {
 public:
  Oracles(const GroupContext& context, const std::string& text) : context_(context) {
    for (const auto& caps : context.capability_sets) by_set_.push_back(std::make_unique<ProfileOracle>(text, caps));
  }
  const ProfileOracle& of(const std::string& container_id) const {
    const auto& caps = context_.capabilities.at(container_id);
    auto it = std::find(context_.capability_sets.begin(), context_.capability_sets.end(), caps);
    return *by_set_.at(static_cast<size_t>(it - context_.capability_sets.begin()));
  }
  const std::vector<std::unique_ptr<ProfileOracle>>& all() const { return by_set_; }

 private:
  const GroupContext& context_;
  std::vector<std::unique_ptr<ProfileOracle>> by_set_;
};

std::array<uint64_t, 6> args_of(const RecordedVerdict& v) {
  if (v.stats->sample && v.stats->sample->has_args) return v.stats->sample->args;
  return {};
}

// The argument tuples a verdict is judged with: every recorded tuple when the daemon kept
// them, else the sample's arguments (or all zero).
std::vector<std::array<uint64_t, 6>> tuples_of(const RecordedVerdict& v) {
  std::vector<std::array<uint64_t, 6>> out;
  if (v.stats->args)
    for (const auto& [t, n] : v.stats->args->tuples) out.push_back(t);
  if (out.empty()) out.push_back(args_of(v));
  return out;
}

std::string hex_tuple(const std::array<uint64_t, 6>& t) {
  std::string out;
  for (uint64_t v : t) out += (out.empty() ? "" : ", ") + hex_value(v);
  return "(" + out + ")";
}

// Not a denial to loosen: the call runs, or a tracer or notifier decides.
bool lets_run(common::Action a) {
  using common::Action;
  return a == Action::Allow || a == Action::Log || a == Action::Trace || a == Action::UserNotif;
}

void check_all(const GroupContext& context, const std::string& text, const std::string& what) {
  for (const auto& caps : context.capability_sets) {
    try {
      check_profile(text, caps);
    } catch (const std::exception& e) {
      throw std::runtime_error(what + " does not pass check: " + e.what());
    }
  }
}

std::string period_of(const ContainerGroup& group) {
  int64_t first = 0, last = 0;
  for (const auto* c : group.containers) {
    if (first == 0 || (c->first_seen_ns && c->first_seen_ns < first)) first = c->first_seen_ns;
    int64_t end = c->exited_at_ns ? *c->exited_at_ns : c->last_seen_ns;
    last = std::max(last, end);
  }
  return utc_time(first) + " .. " + utc_time(last);
}

}  // namespace

GroupContext prepare(const ContainerGroup& group, const SuggestOptions& options) {
  GroupContext context;
  context.group = group;
  context.notes = group.warnings;
  std::string path = options.profile_file.empty() ? group.profile_path : options.profile_file;
  if (path.empty())
    throw std::runtime_error("no profile file is recorded for " +
                             (group.containers.size() == 1 ? "container '" + group.containers[0]->container_id + "'"
                                                           : "profile '" + group.profile_name + "'") +
                             " (unconfined, or started by another runtime); name it with --profile_file=FILE");
  context.document = load_document(path);
  std::string digest = sha256_hex(context.document.text);
  if (options.profile_file.empty() && !group.profile_sha256.empty() && group.profile_sha256 != digest)
    context.notes.push_back("'" + path + "' changed since the containers ran it (recorded sha256 " +
                            group.profile_sha256.substr(0, 12) + "..., now " + digest.substr(0, 12) +
                            "...): the recorded calls are judged against the file as it is now");
  bool used_own = false;
  for (const auto* c : group.containers) {
    std::optional<registry::Entry> entry;
    if (!options.runtime_dir.empty()) {
      try {
        entry = registry::read(options.runtime_dir, c->container_id);
      } catch (const std::exception& e) {
        context.notes.push_back("registry entry of '" + c->container_id + "' unreadable: " + e.what());
      }
    }
    std::set<std::string> caps;
    if (entry) {
      for (const auto& cap : entry->capabilities) caps.insert(normalize_capability(cap));
    } else if (c->capabilities) {
      // The daemon copied the entry's set into the state (or its exporter into Prometheus):
      // what a merge from another machine has instead of that host's registry.
      for (const auto& cap : *c->capabilities) caps.insert(normalize_capability(cap));
    } else {
      caps = own_bounding_capabilities();
      used_own = true;
    }
    context.capabilities[c->container_id] = caps;
    if (std::find(context.capability_sets.begin(), context.capability_sets.end(), caps) == context.capability_sets.end())
      context.capability_sets.push_back(caps);
  }
  if (used_own)
    context.notes.push_back(options.runtime_dir.empty()
                                ? "some containers' capability sets were not recorded: their rules are resolved "
                                  "against this process's bounding capability set"
                                : "some containers have no registry entry (runtime dir '" + options.runtime_dir +
                                      "'): their rules are resolved against this process's bounding capability set");
  check_all(context, context.document.text, "profile '" + path + "'");
  return context;
}

std::vector<Assessment> assess(const GroupContext& context) {
  Oracles oracles(context, context.document.text);
  std::vector<Assessment> out;
  for (const auto& v : recorded_verdicts(context.group)) {
    Assessment a{v, {}, false, ""};
    const common::Action action = v.key.action;
    auto token = arch_token(v.key.arch);
    if (v.name.empty()) {
      a.note = "syscall " + std::to_string(v.key.nr) + " on " + common::arch_name(v.key.arch) +
               " has no name: cannot be named in a profile";
    } else if (!token) {
      a.note = "unknown arch '" + common::arch_name(v.key.arch) + "'";
    } else if (action == common::Action::Trace || action == common::Action::UserNotif) {
      a.would_be = EnforcingVerdict::of(action);
      a.note = "handed to a tracer or notifier by the profile: not a denial to loosen";
    } else {
      const ProfileOracle& oracle = oracles.of(v.container->container_id);
      auto rules = oracle.rules_for(v.name);
      bool has_arg_rules = std::any_of(rules.begin(), rules.end(), [](auto* r) { return !r->args.empty(); });
      bool plain_allow = std::any_of(rules.begin(), rules.end(), [](auto* r) {
        return r->args.empty() && r->original_action.kind == profile::ActionKind::Allow;
      });
      bool recorded = v.stats->args && !v.stats->args->tuples.empty();
      bool args_known = recorded || (v.stats->sample && v.stats->sample->has_args);
      if (recorded && has_arg_rules && !plain_allow) {
        // Every kept tuple judged: the verdict is that of the first one denied. Tuples over
        // the daemon's bound were not kept: when some were dropped and every kept one runs,
        // the dropped ones may still be denied.
        a.would_be = EnforcingVerdict::of(common::Action::Allow);
        for (const auto& t : tuples_of(v)) {
          common::Action w = oracle.verdict(*token, v.key.nr, t);
          if (!lets_run(w)) { a.would_be = EnforcingVerdict::of(w); break; }
        }
        if (a.would_be.is(common::Action::Allow) && v.stats->args->dropped) a.would_be = EnforcingVerdict::argument_dependent();
        if (a.would_be.is(common::Action::Allow)) a.note = "allowed by the profile as it is now";
        else a.denial = true;
      } else if (has_arg_rules && !plain_allow && !args_known) {
        // The verdict depends on arguments nobody recorded (the audit stream has none): the
        // call was logged or denied, so enforcing denied it for its real arguments.
        a.would_be = EnforcingVerdict::argument_dependent();
        a.denial = true;
      } else {
        const common::Action w = oracle.verdict(*token, v.key.nr, args_of(v));
        a.would_be = EnforcingVerdict::of(w);
        if (w == common::Action::Allow) a.note = "allowed by the profile as it is now";
        else if (w == common::Action::Log) a.note = "the profile logs it (SCMP_ACT_LOG) and lets it run";
        else if (w == common::Action::Trace || w == common::Action::UserNotif) a.note = "handed to a tracer or notifier";
        else a.denial = true;
      }
    }
    out.push_back(std::move(a));
  }
  return out;
}

Suggestion suggest_loosen(const GroupContext& context, const LoosenOptions& options) {
  Suggestion s;
  s.notes = context.notes;
  s.assessments = assess(context);
  Oracles oracles(context, context.document.text);

  std::map<std::string, MergedCall> merged;
  for (const auto& a : s.assessments) {
    if (a.denial) {
      merge_into(merged, a.verdict, a.would_be);
    } else if (!a.note.empty() && a.note != "allowed by the profile as it is now") {
      std::string n = (a.verdict.name.empty() ? "#" + std::to_string(a.verdict.key.nr) : a.verdict.name) +
                      " (" + common::action_text(a.verdict.key.action) + "): not loosened: " + a.note;
      if (std::find(s.notes.begin(), s.notes.end(), n) == s.notes.end()) s.notes.push_back(n);
    }
  }
  // Recorded tuples the profile already allows need no rule (a profile changed since, or a
  // verdict that merged allowed and denied calls): only the denied ones are conditioned.
  for (auto& [name, call] : merged) {
    size_t before = call.arg_counts.size();
    for (auto it = call.arg_counts.begin(); it != call.arg_counts.end();) {
      auto token = arch_token(it->first.first);
      auto nr = syscall_number(it->first.first, name);
      bool allowed = token && nr;
      for (const auto& id : call.containers)
        allowed = allowed && lets_run(oracles.of(id).verdict(*token, *nr, it->first.second));
      it = allowed ? call.arg_counts.erase(it) : std::next(it);
    }
    if (call.arg_counts.size() != before)
      s.notes.push_back(name + ": " + std::to_string(before - call.arg_counts.size()) +
                        " recorded argument tuple(s) already allowed by the profile: not conditioned");
  }
  for (auto& [name, call] : merged) {
    DeniedCall d{call, {}};
    std::map<int, ApplicableRule> rules;
    for (const auto& oracle : oracles.all())
      for (const auto* r : oracle->rules_for(name)) {
        int index = rule_index(r->json_path);
        if (index < 0) continue;
        ApplicableRule& ar = rules[index];
        ar.index = index;
        ar.allow = r->original_action.kind == profile::ActionKind::Allow;
        for (const auto& cond : r->args)
          if (std::find(ar.arg_indexes.begin(), ar.arg_indexes.end(), cond.index) == ar.arg_indexes.end())
            ar.arg_indexes.push_back(cond.index);
      }
    for (auto& [i, r] : rules) {
      std::sort(r.arg_indexes.begin(), r.arg_indexes.end());
      d.rules.push_back(r);
    }
    s.denied.push_back(std::move(d));
  }
  s.loosen = loosen(context.document.json, s.denied, context.group.containers.size(), options);
  if (s.loosen.ops.empty()) return s;

  // Validation: the patched profile passes `check`, and every denied call is now allowed by
  // the engine's own compiled filter (with the recorded arguments where known).
  std::string patched_text = dump(s.loosen.patched, context.document.formatting);
  check_all(context, patched_text, "the patched profile");
  Oracles patched(context, patched_text);
  std::set<std::string> unresolved;
  for (const auto& a : s.assessments) {
    if (!a.denial) continue;
    auto token = arch_token(a.verdict.key.arch);
    for (const auto& t : tuples_of(a.verdict)) {
      common::Action v = patched.of(a.verdict.container->container_id).verdict(*token, a.verdict.key.nr, t);
      if (v != common::Action::Allow)
        unresolved.insert(a.verdict.name + " on " + common::arch_name(a.verdict.key.arch) + " is still " + common::action_text(v) +
                          (a.verdict.stats->args ? " for recorded arguments " + hex_tuple(t) : ""));
    }
  }
  s.unresolved.assign(unresolved.begin(), unresolved.end());
  return s;
}

Tightening suggest_tighten(const GroupContext& context, const TightenOptions& options) {
  Tightening t;
  t.notes = context.notes;
  TightenInput input;
  input.containers = context.group.containers.size();
  input.period = period_of(context.group);
  for (const auto* c : context.group.containers) {
    bool any = false;
    for (const auto& [arch, nrs] : c->learned) {
      if (!nrs.empty()) any = true;
      input.used[arch].insert(nrs.begin(), nrs.end());
    }
    if (!any)
      throw std::runtime_error("container '" + c->container_id +
                               "' has no learning data (the daemon learns with its syscall hooks on): "
                               "tightening without it would be a guess");
  }
  Oracles oracles(context, context.document.text);
  for (const auto& oracle : oracles.all()) {
    if (oracle->resolved().original_default_action.kind == profile::ActionKind::Allow) {
      t.notes.push_back("the default action allows every syscall: removing names from ALLOW rules would change nothing");
      t.result.patched = context.document.json;
      return t;
    }
    for (const auto& r : oracle->resolved().rules)
      if (r.original_action.kind == profile::ActionKind::Allow) {
        int index = rule_index(r.json_path);
        if (index >= 0) input.applicable_allow_rules.insert(index);
      }
  }
  // The resolver reports a name once, under the first rule that allows it; other ALLOW rules
  // naming the same syscall (Docker's syslog under CAP_SYS_ADMIN and CAP_SYSLOG) must lose
  // it too, or the name stays allowed.
  std::set<std::string> applicable_names;
  const auto& rules = context.document.json["syscalls"];
  for (int i : input.applicable_allow_rules)
    for (const auto& n : rule_names(rules[static_cast<size_t>(i)])) applicable_names.insert(n);
  for (size_t i = 0; i < rules.size(); ++i) {
    if (!rules[i].is_object() || rules[i].value("action", "") != "SCMP_ACT_ALLOW") continue;
    for (const auto& n : rule_names(rules[i]))
      if (applicable_names.count(n)) { input.applicable_allow_rules.insert(static_cast<int>(i)); break; }
  }
  // Argument-checked ALLOW rules of syscalls the containers made: narrowed where the audit-mode
  // record shows that no call matched them, else kept with the reason.
  std::set<int> arg_rules;
  for (int i : input.applicable_allow_rules) {
    const auto& rule = rules[static_cast<size_t>(i)];
    auto args = rule.find("args");
    if (args == rule.end() || !args->is_array() || args->empty()) continue;
    bool used = false;
    for (const auto& n : rule_names(rule))
      for (const auto& [arch, nrs] : input.used)
        if (auto nr = syscall_number(arch, n); nr && nrs.count(*nr)) used = true;
    if (used) arg_rules.insert(i);
  }
  for (const auto& v : judge_arg_rules(context.document.json, arg_rules, context.group.containers)) {
    std::string what = "syscalls[" + std::to_string(v.index) + "] (" + v.names + ": " + v.conditions + ")";
    if (!v.unmatched) {
      t.notes.push_back(what + " kept: " + v.why_kept);
      continue;
    }
    std::string why = "REVIEW (seccomp-audit suggest --tighten --narrow_args): none of the " +
                      std::to_string(v.recorded_calls) + " allowed " + v.names +
                      " call(s) recorded in audit mode matched " + v.conditions;
    if (options.narrow_args)
      input.narrow_rules[v.index] = why;
    else
      t.notes.push_back(what + ": no recorded call matched it (" + std::to_string(v.recorded_calls) +
                        " allowed call(s) recorded); --narrow_args removes it");
  }
  t.result = tighten(context.document.json, input);
  if (t.result.ops.empty()) return t;

  // Validation: the patched profile passes `check`; every learned syscall the profile
  // allowed stays allowed; every removed one is no longer allowed (or we say why).
  std::string patched_text = dump(t.result.patched, context.document.formatting);
  check_all(context, patched_text, "the tightened profile");
  Oracles patched(context, patched_text);
  for (const auto* c : context.group.containers) {
    const auto& before = oracles.of(c->container_id);
    const auto& after = patched.of(c->container_id);
    for (const auto& [arch, nrs] : c->learned) {
      auto token = arch_token(arch);
      if (!token) continue;
      for (int32_t nr : nrs) {
        // Judged by its arguments: every recorded allowed tuple stays allowed (zeros stand for
        // no call the container made).
        if (auto rec = c->allowed_args.find({arch, nr}); rec != c->allowed_args.end() && !t.result.narrowed.empty()) {
          for (const auto& [tuple, calls] : rec->second.tuples)
            if (before.verdict(*token, nr, tuple) == common::Action::Allow && after.verdict(*token, nr, tuple) != common::Action::Allow)
              throw std::runtime_error("internal error: narrowing would deny " +
                                       syscall_name(arch, nr).value_or("#" + std::to_string(nr)) + " with arguments " +
                                       "the container '" + c->container_id + "' used");
          continue;
        }
        if (before.verdict(*token, nr) == common::Action::Allow && after.verdict(*token, nr) != common::Action::Allow)
          throw std::runtime_error("internal error: tightening would deny " +
                                   syscall_name(arch, nr).value_or("#" + std::to_string(nr)) + " on " + common::arch_name(arch) +
                                   ", which container '" + c->container_id + "' used");
      }
    }
  }
  const std::string& native = common::native_arch_name();
  for (const auto& name : t.result.removed) {
    auto nr = syscall_number(native, name);
    if (!nr) continue;
    for (const auto& oracle : patched.all())
      if (oracle->verdict(common::native_arch(), *nr) == common::Action::Allow) {
        t.notes.push_back(name + " stays allowed by a rule that does not apply to these containers' arch/caps context");
        break;
      }
  }
  return t;
}

}  // namespace sc::refine
