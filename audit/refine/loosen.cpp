#include "audit/refine/loosen.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "audit/refine/arg_conditions.h"

namespace sc::refine {
namespace {

const char* kAllow = "SCMP_ACT_ALLOW";

bool empty_condition(const ordered_json& rule, const char* key) {
  auto it = rule.find(key);
  return it == rule.end() || it->is_null() || (it->is_object() && it->empty());
}

bool no_args(const ordered_json& rule) {
  auto it = rule.find("args");
  return it == rule.end() || it->is_null() || (it->is_array() && it->empty());
}

// An existing rule a name can join without changing what it means for the other names:
// ALLOW, a `names` array, no argument conditions, no includes/excludes (so it applies to
// every container on every arch), no minKernel.
bool fits_unconditional_allow(const ordered_json& rule) {
  return rule.is_object() && rule.value("action", "") == kAllow && rule.contains("names") &&
         rule["names"].is_array() && no_args(rule) && empty_condition(rule, "includes") &&
         empty_condition(rule, "excludes");
}

std::string hex(uint64_t v) {
  std::ostringstream ss;
  ss << "0x" << std::hex << v;
  return ss.str();
}

// A new rule in the profile's own key convention: the key order of its first rule, with the
// keys that rule carries even when empty (Mesos-era profiles carry args/includes/excludes).
ordered_json new_rule(const ordered_json& profile, const std::vector<std::string>& names,
                      const ordered_json& args, const std::string& comment) {
  ordered_json rule = ordered_json::object();
  std::vector<std::string> order;
  auto sys = profile.find("syscalls");
  if (sys != profile.end() && sys->is_array() && !sys->empty() && sys->front().is_object())
    for (const auto& [k, v] : sys->front().items()) order.push_back(k);
  ordered_json names_json = ordered_json::array();
  for (const auto& n : names) names_json.push_back(n);
  auto put = [&](const std::string& key) {
    if (rule.contains(key)) return;
    if (key == "names" || key == "name") rule["names"] = names_json;
    else if (key == "action") rule["action"] = kAllow;
    else if (key == "args") rule["args"] = args.is_null() ? ordered_json::array() : args;
    else if (key == "comment") rule["comment"] = comment;
    else if (key == "includes" || key == "excludes") rule[key] = ordered_json::object();
    // Anything else the first rule has (errnoRet, ...) is specific to it: not copied.
  };
  for (const auto& k : order) put(k);
  put("names");
  put("action");
  if (!args.is_null()) put("args");
  put("comment");
  return rule;
}

std::string rule_path(size_t index) { return "/syscalls/" + std::to_string(index); }

bool names_syscall(const ordered_json& rule, const std::string& name) {
  if (!rule.is_object()) return false;
  if (rule.contains("name") && rule["name"] == name) return true;
  auto it = rule.find("names");
  return it != rule.end() && it->is_array() && std::find(it->begin(), it->end(), name) != it->end();
}

// The argument-checked ALLOW rules naming `name` (Docker's personality rules): indexes.
std::vector<size_t> argument_checked_allows(const ordered_json& profile, const std::string& name) {
  std::vector<size_t> out;
  const auto& rules = profile["syscalls"];
  for (size_t i = 0; i < rules.size(); ++i)
    if (names_syscall(rules[i], name) && rules[i].value("action", "") == kAllow && !no_args(rules[i])) out.push_back(i);
  return out;
}

std::string index_list(const std::vector<size_t>& indexes) {
  if (indexes.size() == 1) return "syscalls[" + std::to_string(indexes[0]) + "]";
  bool contiguous = indexes.back() - indexes.front() + 1 == indexes.size();
  if (contiguous) return "syscalls[" + std::to_string(indexes.front()) + ".." + std::to_string(indexes.back()) + "]";
  std::string out;
  for (size_t i : indexes) out += (out.empty() ? "syscalls[" : ", ") + std::to_string(i);
  return out + "]";
}

// Where a new name goes in a `names` list: at its sorted place when the list is sorted, "-"
// (appended) when it is not. Docker's list is sorted by hand, ignoring '_' ("getrlimit"
// before "get_robust_list") with a rare exception, so "sorted" allows a few inversions under
// whichever order (plain or '_'-blind) fits best, and the place is before the first greater name.
std::string sorted_position(const ordered_json& names, const std::string& name) {
  std::vector<std::string> current;
  for (const auto& n : names) {
    if (!n.is_string()) return "-";
    current.push_back(n.get<std::string>());
  }
  auto plain = [](const std::string& x) { return x; };
  auto blind = [](const std::string& x) {
    std::string k;
    for (char c : x)
      if (c != '_') k += c;
    return k;
  };
  auto inversions = [&](auto key) {
    size_t n = 0;
    for (size_t i = 1; i < current.size(); ++i) n += key(current[i - 1]) > key(current[i]);
    return n;
  };
  size_t plain_inv = inversions(plain), blind_inv = inversions(blind);
  size_t tolerated = std::max<size_t>(1, current.size() / 50);
  if (std::min(plain_inv, blind_inv) > tolerated) return "-";
  auto place = [&](auto key) {
    for (size_t i = 0; i < current.size(); ++i)
      if (key(current[i]) > key(name)) return std::to_string(i);
    return std::string("-");
  };
  return plain_inv <= blind_inv ? place(plain) : place(blind);
}

}  // namespace

std::string observation_summary(const MergedCall& call, size_t total_containers, size_t total_hosts) {
  std::ostringstream ss;
  ss << call.name << ": ";
  bool first = true;
  for (const auto& a : call.actions) { ss << (first ? "" : "/") << a; first = false; }
  if (!call.would_be.empty()) {
    ss << " (would be ";
    first = true;
    std::set<std::string> words;  // in the order of their words
    for (const auto& a : call.would_be) words.insert(a.text());
    for (const auto& a : words) { ss << (first ? "" : "/") << a; first = false; }
    ss << ")";
  }
  ss << " x" << call.count << " in " << call.containers.size() << " of " << total_containers
     << (total_containers == 1 ? " container" : " containers");
  // A fleet merge: how many hosts back it too (containers are counted per host).
  if (total_hosts > 0)
    ss << " on " << call.hosts.size() << " of " << total_hosts << (total_hosts == 1 ? " host" : " hosts");
  return ss.str();
}

LoosenResult loosen(const ordered_json& profile, const std::vector<DeniedCall>& denied, size_t total_containers,
                    const LoosenOptions& options) {
  LoosenResult result;
  ordered_json work = profile;
  auto emit = [&](PatchOp op) {
    apply_patch(work, {op});
    result.ops.push_back(std::move(op));
  };

  // 1. Names named by an explicit unconditional deny rule: take them out of that rule (the
  //    rule, when it names nothing else). Descending rule order keeps earlier paths valid.
  std::map<int, std::set<std::string>, std::greater<int>> removals;
  std::map<std::string, const DeniedCall*> by_name;
  for (const auto& d : denied) {
    by_name[d.call.name] = &d;
    for (const auto& r : d.rules)
      if (!r.allow && r.arg_indexes.empty()) removals[r.index].insert(d.call.name);
  }
  for (const auto& [index, names] : removals) {
    const ordered_json& rule = work["syscalls"][static_cast<size_t>(index)];
    std::vector<size_t> positions;
    size_t total = 1;
    if (rule.contains("names") && rule["names"].is_array()) {
      total = rule["names"].size();
      for (size_t i = 0; i < rule["names"].size(); ++i)
        if (rule["names"][i].is_string() && names.count(rule["names"][i].get<std::string>())) positions.push_back(i);
    }
    std::string first_name = *names.begin();
    std::string why = observation_summary(by_name[first_name]->call, total_containers, options.total_hosts) +
                      "; syscalls[" + std::to_string(index) + "] denied it explicitly" +
                      (rule.contains("comment") && rule["comment"].is_string() && !rule["comment"].get<std::string>().empty()
                           ? " (its comment: " + rule["comment"].get<std::string>() + ")" : "") +
                      "; review why it was denied before applying";
    if (positions.size() >= total || !rule.contains("names")) {
      emit({"test", rule_path(index) + "/action", rule["action"], ""});
      emit({"remove", rule_path(index), nullptr, why});
    } else {
      std::sort(positions.rbegin(), positions.rend());
      for (size_t p : positions) {
        std::string name = rule["names"][p].get<std::string>();
        emit({"test", rule_path(index) + "/names/" + std::to_string(p), name, ""});
        emit({"remove", rule_path(index) + "/names/" + std::to_string(p), nullptr,
              observation_summary(by_name[name]->call, total_containers, options.total_hosts) + "; syscalls[" + std::to_string(index) +
                  "] denied it explicitly; review why before applying"});
      }
    }
    for (const auto& n : names)
      result.decisions.push_back({n, "removed from the deny rule syscalls[" + std::to_string(index) + "]"});
  }
  // After removals the name falls to the default action: if that allows, nothing more to do.
  bool default_allows = work.value("defaultAction", "") == kAllow;

  auto skipped = [&](const DeniedCall& d) {
    bool explicitly_denied = std::any_of(d.rules.begin(), d.rules.end(),
                                         [](const ApplicableRule& r) { return !r.allow && r.arg_indexes.empty(); });
    return explicitly_denied && default_allows;
  };

  // 2. Argument-checked allows: one rule per recorded value, next to the profile's own
  //    argument-checked rules for the call when it has some (Docker's personality style),
  //    else at the end. First, because they may insert mid-list: every later op only adds
  //    names or appends, so no path or index said after this step goes stale. Ascending
  //    anchors, each found afresh, keep this step's own earlier indexes valid.
  std::vector<std::pair<const DeniedCall*, ArgConditions>> conditioned;
  std::map<std::string, std::string> why_outright;  // name -> why no argument condition
  for (const auto& d : denied) {
    if (skipped(d) || !options.use_args || !d.call.args_recorded) continue;
    ArgConditions c = synthesize_conditions(d.call, options.max_values);
    if (c.rules.empty()) why_outright[d.call.name] = c.fallback_reason;
    else conditioned.emplace_back(&d, std::move(c));
  }
  auto anchor = [&](const std::string& name) {
    auto existing = argument_checked_allows(work, name);
    return existing.empty() ? std::numeric_limits<size_t>::max() : existing.back();
  };
  std::stable_sort(conditioned.begin(), conditioned.end(),
                   [&](const auto& a, const auto& b) { return anchor(a.first->call.name) < anchor(b.first->call.name); });
  for (const auto& [d, c] : conditioned) {
    const std::string& name = d->call.name;
    std::string summary = observation_summary(d->call, total_containers, options.total_hosts);
    auto existing = argument_checked_allows(work, name);
    for (const auto& rule : c.rules) {
      std::string what = describe_rule(name, rule);
      std::string comment = "seccomp-audit suggest: " + summary + "; " + what;
      if (!c.note.empty()) comment += " (" + c.note + ")";
      std::string how;
      if (!existing.empty()) {
        size_t at = existing.back() + 1;
        comment += "; extends the argument-checked rules " + index_list(existing);
        emit({"add", rule_path(at), new_rule(work, {name}, rule.args, comment), comment});
        how = "new argument-checked rule syscalls[" + std::to_string(at) + "] next to " + index_list(existing) +
              " (extends them in Docker's style): " + what;
        existing.push_back(at);
      } else {
        emit({"add", "/syscalls/-", new_rule(work, {name}, rule.args, comment), comment});
        how = "new argument-checked rule syscalls[" + std::to_string(work["syscalls"].size() - 1) + "]: " + what;
      }
      result.decisions.push_back({name, how});
    }
  }

  // 3. Argument-conditioned allows without a usable record, and plain names.
  std::optional<size_t> target;
  auto& syscalls = work["syscalls"];
  for (size_t i = 0; i < syscalls.size(); ++i)
    if (fits_unconditional_allow(syscalls[i])) { target = i; break; }

  std::vector<std::string> plain_new;           // names for one new unconditional rule
  bool tested_target = false;
  for (const auto& d : denied) {
    const std::string& name = d.call.name;
    if (skipped(d)) continue;
    if (std::any_of(conditioned.begin(), conditioned.end(), [&](const auto& c) { return c.first == &d; })) continue;
    std::set<unsigned> arg_indexes;
    for (const auto& r : d.rules)
      arg_indexes.insert(r.arg_indexes.begin(), r.arg_indexes.end());
    std::string summary = observation_summary(d.call, total_containers, options.total_hosts);

    if (auto why = why_outright.find(name); why != why_outright.end()) {
      // The record exists but no condition fits: allowed outright, saying why.
      summary += "; allowed for every argument: " + why->second;
      if (!arg_indexes.empty()) {
        std::string comment = "seccomp-audit suggest: " + summary;
        emit({"add", "/syscalls/-", new_rule(work, {name}, nullptr, comment), comment});
        result.decisions.push_back({name, "new unconditional rule syscalls[" +
                                              std::to_string(work["syscalls"].size() - 1) + "] (" + why->second + ")"});
        continue;
      }
    }

    if (!arg_indexes.empty()) {
      // Rules with argument conditions decided this call: the recorded values show which
      // case was denied.
      if (!d.call.recorded_args.empty()) {
        std::set<std::vector<uint64_t>> tuples;
        for (const auto& args : d.call.recorded_args) {
          std::vector<uint64_t> t;
          for (unsigned i : arg_indexes) t.push_back(args[i]);
          tuples.insert(t);
        }
        for (const auto& t : tuples) {
          ordered_json args = ordered_json::array();
          std::string values;
          size_t k = 0;
          for (unsigned i : arg_indexes) {
            args.push_back({{"index", i}, {"value", t[k]}, {"valueTwo", 0}, {"op", "SCMP_CMP_EQ"}});
            values += (values.empty() ? "" : ", ") + std::string("arg") + std::to_string(i) + "=" + hex(t[k]);
            ++k;
          }
          std::string comment = "seccomp-audit suggest: " + summary + "; allows only the recorded arguments (" +
                                values + ") that the argument-conditioned rules denied";
          emit({"add", "/syscalls/-", new_rule(work, {name}, args, comment), comment});
          result.decisions.push_back({name, "new argument-conditioned rule syscalls[" +
                                                std::to_string(work["syscalls"].size() - 1) + "] (" + values + ")"});
        }
      } else {
        std::string comment = "seccomp-audit suggest: " + summary +
                              "; argument-conditioned rules denied it but the arguments were not recorded "
                              "(the audit stream carries none), so every argument is allowed: review";
        emit({"add", "/syscalls/-", new_rule(work, {name}, nullptr, comment), comment});
        result.decisions.push_back({name, "new unconditional rule syscalls[" +
                                              std::to_string(work["syscalls"].size() - 1) +
                                              "] (arguments unknown)"});
      }
      continue;
    }

    if (target) {
      ordered_json& names = work["syscalls"][*target]["names"];
      bool present = std::any_of(names.begin(), names.end(), [&](const ordered_json& n) { return n == name; });
      if (!present) {
        if (!tested_target) {
          emit({"test", rule_path(*target) + "/action", kAllow, ""});
          tested_target = true;
        }
        std::string where = sorted_position(names, name);
        emit({"add", rule_path(*target) + "/names/" + where, name, "seccomp-audit suggest: " + summary});
        auto why = why_outright.find(name);
        result.decisions.push_back({name, "added to syscalls[" + std::to_string(*target) + "].names" +
                                              (why == why_outright.end() ? "" : " (" + why->second + ")")});
        continue;
      }
    }
    plain_new.push_back(name);
  }

  if (!plain_new.empty()) {
    std::string comment = "seccomp-audit suggest: allows what the workload made and the profile denied (" +
                          std::to_string(plain_new.size()) + " syscall" + (plain_new.size() == 1 ? "" : "s") +
                          " seen in " + std::to_string(total_containers) + " container" +
                          (total_containers == 1 ? "" : "s") + ")";
    std::string detail;
    for (const auto& n : plain_new) {
      detail += (detail.empty() ? "" : "; ") + observation_summary(by_name[n]->call, total_containers, options.total_hosts);
      if (auto why = why_outright.find(n); why != why_outright.end()) detail += " (every argument: " + why->second + ")";
    }
    emit({"add", "/syscalls/-", new_rule(work, plain_new, nullptr, comment), comment + ": " + detail});
    for (const auto& n : plain_new) {
      auto why = why_outright.find(n);
      result.decisions.push_back({n, "new rule syscalls[" + std::to_string(work["syscalls"].size() - 1) + "]" +
                                         (why == why_outright.end() ? "" : " (" + why->second + ")")});
    }
  }
  result.patched = std::move(work);
  return result;
}

}  // namespace sc::refine
