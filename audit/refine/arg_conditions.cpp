#include "audit/refine/arg_conditions.h"

#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "audit/refine/arg_names.h"
#include "audit/refine/arg_positions.h"

namespace sc::refine {
namespace {

ArgConditions fallback(std::string reason, std::string note = "") {
  ArgConditions c;
  c.fallback_reason = std::move(reason);
  c.note = std::move(note);
  return c;
}

// What makes two layouts condition alike: the same indexes, kinds, guards and `when`s.
std::vector<std::tuple<unsigned, int, uint64_t, unsigned, std::set<uint64_t>>> shape(const ArgLayout& l) {
  std::vector<std::tuple<unsigned, int, uint64_t, unsigned, std::set<uint64_t>>> out;
  for (const auto& p : l.positions)
    if (p.kind == ArgKind::Value || p.kind == ArgKind::FlagWord)
      out.emplace_back(p.index, static_cast<int>(p.kind), p.guard, p.when_index, p.when_values);
  return out;
}

// One condition as the rule compares it: (position, compared value after the guard).
using Projection = std::vector<std::pair<const ArgPosition*, uint64_t>>;

uint64_t compared(const ArgPosition& p, uint64_t raw) {
  return p.kind == ArgKind::FlagWord && p.guard ? raw & p.guard : raw;
}

}  // namespace

ArgConditions synthesize_conditions(const MergedCall& call, size_t max_values) {
  if (!call.args_recorded) return fallback("its arguments were not recorded (no tracer, or not in audit mode)");
  if (call.args_dropped)
    return fallback(std::to_string(call.args_dropped) + " call(s) had argument tuples beyond the daemon's bound of " +
                    std::to_string(audit::kArgTuplesPerSyscall) +
                    " distinct per container and syscall, so the record is incomplete and a condition could deny "
                    "what was not kept");
  if (call.arg_counts.empty()) return fallback("no argument tuple was recorded for it");

  std::optional<ArgLayout> layout;
  std::string layout_arch;
  for (const auto& [key, n] : call.arg_counts) {
    const std::string& arch = key.first;
    auto l = arg_layout(call.name, arch);
    if (!l) {
      bool arch_known = arg_layout("personality", arch).has_value();
      return fallback(arch_known ? "the argument table has no entry for " + call.name + " (on " + arch + ")"
                                 : "the argument table does not cover arch " + arch);
    }
    if (!layout) {
      layout = l;
      layout_arch = arch;
    } else if (shape(*layout) != shape(*l)) {
      // A Docker rule's includes.arches names the HOST arch; it cannot limit a condition to
      // calls made through one sub-arch of the filter.
      return fallback(call.name + "'s checkable arguments differ between " + layout_arch + " and " + arch +
                      ", and one rule applies to every arch of the filter");
    }
  }
  if (shape(*layout).empty())
    return fallback("no argument of " + call.name + " can be checked (pointers, or numbers that are not policy)" +
                        (layout->note.empty() ? "" : ": " + layout->note),
                    layout->note);

  std::map<std::vector<std::pair<unsigned, uint64_t>>, std::pair<Projection, uint64_t>> distinct;
  for (const auto& [key, n] : call.arg_counts) {
    Projection p;
    std::vector<std::pair<unsigned, uint64_t>> id;
    for (const ArgPosition* pos : conditioned_positions(*layout, key.second)) {
      uint64_t v = compared(*pos, key.second[pos->index]);
      p.emplace_back(pos, v);
      id.emplace_back(pos->index, v);
    }
    auto& slot = distinct[id];
    slot.first = std::move(p);
    slot.second += n;
  }
  if (distinct.size() > max_values)
    return fallback(std::to_string(distinct.size()) + " distinct values were recorded at its checkable arguments "
                    "(more than " + std::to_string(max_values) + "): not an enumeration worth one rule per value",
                    layout->note);

  ArgConditions out;
  out.note = layout->note;
  for (const auto& [id, entry] : distinct) {
    const auto& [projection, calls] = entry;
    ConditionedRule rule;
    rule.args = ordered_json::array();
    rule.calls = calls;
    for (const auto& [pos, v] : projection) {
      bool masked = pos->kind == ArgKind::FlagWord && pos->guard;
      if (masked)
        rule.args.push_back({{"index", pos->index}, {"value", pos->guard}, {"valueTwo", v}, {"op", "SCMP_CMP_MASKED_EQ"}});
      else
        rule.args.push_back({{"index", pos->index}, {"value", v}, {"valueTwo", 0}, {"op", "SCMP_CMP_EQ"}});
      std::string text = symbolic_value(pos->vocabulary, v);
      if (masked) text = pos->name + " & " + hex_value(pos->guard) + " == " + text;
      else if (projection.size() > 1) text = pos->name + " == " + text;
      if (projection.size() > 1) text = "arg" + std::to_string(pos->index) + " " + text;
      rule.condition += (rule.condition.empty() ? "" : " and ") + text;
    }
    if (projection.empty())
      return fallback("a recorded call has no checkable argument under the table (" + call.name + ")", layout->note);
    out.rules.push_back(std::move(rule));
  }
  return out;
}

std::string describe_rule(const std::string& syscall, const ConditionedRule& rule) {
  return syscall + " allowed for " + rule.condition + ", seen " + std::to_string(rule.calls) +
         (rule.calls == 1 ? " time" : " times");
}

}  // namespace sc::refine
