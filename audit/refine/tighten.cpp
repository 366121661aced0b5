#include "audit/refine/tighten.h"

#include <algorithm>

#include "audit/refine/launch_essentials.h"
#include "audit/refine/syscall_names.h"

namespace sc::refine {
namespace {

enum class Use { Used, Unused, NotOnLearnedArches };

Use usage(const std::string& name, const TightenInput& input) {
  bool exists_somewhere = false;
  for (const auto& [arch, nrs] : input.used) {
    auto nr = syscall_number(arch, name);
    if (!nr) continue;
    exists_somewhere = true;
    if (nrs.count(*nr)) return Use::Used;
  }
  return exists_somewhere ? Use::Unused : Use::NotOnLearnedArches;
}

}  // namespace

TightenResult tighten(const ordered_json& profile, const TightenInput& input) {
  TightenResult result;
  ordered_json work = profile;
  std::set<std::string> removed, essential, other;
  std::string why = "REVIEW (seccomp-audit suggest --tighten): never made by any of the " +
                    std::to_string(input.containers) + " container" + (input.containers == 1 ? "" : "s") +
                    " that ran this profile" + (input.period.empty() ? "" : " (" + input.period + ")") +
                    "; remove only if that period covers everything the workload does";
  // Descending rule and name positions: each remove leaves the paths still to come valid.
  for (auto it = input.applicable_allow_rules.rbegin(); it != input.applicable_allow_rules.rend(); ++it) {
    size_t index = static_cast<size_t>(*it);
    const ordered_json& rule = work["syscalls"][index];
    if (auto n = input.narrow_rules.find(*it); n != input.narrow_rules.end()) {
      std::string base = "/syscalls/" + std::to_string(index);
      PatchOp test{"test", base + "/action", rule["action"], ""};
      PatchOp op{"remove", base, nullptr, n->second};
      apply_patch(work, {test, op});
      result.ops.push_back(test);
      result.ops.push_back(op);
      result.narrowed.push_back(*it);
      continue;
    }
    std::vector<std::string> names;
    if (rule.contains("names") && rule["names"].is_array()) {
      for (const auto& n : rule["names"]) names.push_back(n.is_string() ? n.get<std::string>() : "");
    } else if (rule.contains("name") && rule["name"].is_string()) {
      names.push_back(rule["name"].get<std::string>());
    }
    std::vector<size_t> drop;
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i].empty()) continue;
      Use u = usage(names[i], input);
      if (u == Use::Used) continue;
      if (u == Use::NotOnLearnedArches) { other.insert(names[i]); continue; }
      if (is_launch_essential(names[i])) { essential.insert(names[i]); continue; }
      drop.push_back(i);
    }
    if (drop.empty()) continue;
    std::string base = "/syscalls/" + std::to_string(index);
    if (drop.size() == names.size()) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      PatchOp test{"test", base + "/action", rule["action"], ""};
      apply_patch(work, {test});
      result.ops.push_back(test);
      PatchOp op{"remove", base, nullptr, why + " [whole rule: " + list + "]"};
      apply_patch(work, {op});
      result.ops.push_back(op);
      removed.insert(names.begin(), names.end());
      continue;
    }
    for (auto d = drop.rbegin(); d != drop.rend(); ++d) {
      std::string path = base + "/names/" + std::to_string(*d);
      PatchOp test{"test", path, names[*d], ""};
      PatchOp op{"remove", path, nullptr, why + " [" + names[*d] + "]"};
      apply_patch(work, {test, op});
      result.ops.push_back(test);
      result.ops.push_back(op);
      removed.insert(names[*d]);
    }
  }
  result.patched = std::move(work);
  result.removed.assign(removed.begin(), removed.end());
  for (const auto& n : essential)
    if (!removed.count(n)) result.kept_essential.push_back(n);
  for (const auto& n : other)
    if (!removed.count(n)) result.kept_other_arches.push_back(n);
  return result;
}

}  // namespace sc::refine
