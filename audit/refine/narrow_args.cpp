#include "audit/refine/narrow_args.h"

#include "audit/refine/arg_names.h"
#include "audit/refine/syscall_names.h"

namespace sc::refine {

std::vector<std::string> rule_names(const ordered_json& rule) {
  std::vector<std::string> out;
  if (rule.contains("names") && rule["names"].is_array())
    for (const auto& n : rule["names"])
      if (n.is_string()) out.push_back(n.get<std::string>());
  if (rule.contains("name") && rule["name"].is_string()) out.push_back(rule["name"].get<std::string>());
  return out;
}

bool conditions_match(const ordered_json& args, const std::array<uint64_t, 6>& tuple) {
  for (const auto& a : args) {
    if (!a.is_object()) return false;
    unsigned index = a.value("index", 0u);
    if (index >= 6) return false;
    uint64_t arg = tuple[index], value = a.value("value", uint64_t{0}), two = a.value("valueTwo", uint64_t{0});
    std::string op = a.value("op", std::string());
    bool ok = op == "SCMP_CMP_EQ"          ? arg == value
              : op == "SCMP_CMP_NE"        ? arg != value
              : op == "SCMP_CMP_LT"        ? arg < value
              : op == "SCMP_CMP_LE"        ? arg <= value
              : op == "SCMP_CMP_GT"        ? arg > value
              : op == "SCMP_CMP_GE"        ? arg >= value
              : op == "SCMP_CMP_MASKED_EQ" ? (arg & value) == two
                                           : false;  // unknown op: never claim a match we cannot judge
    if (!ok) return false;
  }
  return true;
}

namespace {

std::string conditions_text(const ordered_json& args) {
  std::string out;
  for (const auto& a : args) {
    if (!a.is_object()) continue;
    std::string op = a.value("op", std::string("?"));
    out += (out.empty() ? "" : " and ") + std::string("arg") + std::to_string(a.value("index", 0u)) + " " + op + " " +
           hex_value(a.value("value", uint64_t{0})) +
           (op == "SCMP_CMP_MASKED_EQ" ? " == " + hex_value(a.value("valueTwo", uint64_t{0})) : "");
  }
  return out;
}

}  // namespace

std::vector<ArgRuleVerdict> judge_arg_rules(const ordered_json& profile, const std::set<int>& rules,
                                            const std::vector<const audit::ContainerRecord*>& containers) {
  std::vector<ArgRuleVerdict> out;
  for (int i : rules) {
    const ordered_json& rule = profile["syscalls"][static_cast<size_t>(i)];
    ArgRuleVerdict v;
    v.index = i;
    for (const auto& n : rule_names(rule)) v.names += (v.names.empty() ? "" : ", ") + n;
    v.conditions = conditions_text(rule["args"]);
    bool matched = false;
    std::string missing;
    for (const auto* c : containers) {
      bool recorded = false;
      for (const auto& name : rule_names(rule))
        for (const auto& [key, record] : c->allowed_args) {
          auto nr = syscall_number(key.first, name);
          if (!nr || *nr != key.second) continue;
          recorded = true;
          if (record.dropped > 0 && missing.empty())
            missing = "container '" + c->container_id + "' made " + std::to_string(record.dropped) +
                      " call(s) of " + name + " whose arguments were over the bound";
          for (const auto& [t, calls] : record.tuples) {
            v.recorded_calls += calls;
            if (conditions_match(rule["args"], t)) matched = true;
          }
        }
      // Calls of it that the filter would deny were recorded too: the record exists, and none
      // of those matched an ALLOW rule (else it would not deny them).
      for (const auto& name : rule_names(rule))
        for (const auto& [key, stats] : c->verdicts) {
          auto nr = syscall_number(key.arch, name);
          if (!stats.args || !nr || *nr != key.nr) continue;
          recorded = true;
          if (stats.args->dropped > 0 && missing.empty())
            missing = "container '" + c->container_id + "' made " + std::to_string(stats.args->dropped) +
                      " call(s) of " + name + " whose arguments were over the bound";
        }
      if (!recorded && missing.empty())
        missing = "container '" + c->container_id + "' has no record of the arguments its allowed calls of " +
                  v.names + " made (recorded in audit mode only, with the tracer's syscall hooks)";
    }
    if (matched)
      v.why_kept = "recorded calls matched it";
    else if (!missing.empty())
      v.why_kept = missing;
    else
      v.unmatched = true;
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace sc::refine
