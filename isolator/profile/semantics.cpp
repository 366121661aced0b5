#include "isolator/profile/semantics.h"

#include <algorithm>

#include "isolator/profile/arch.h"

namespace sc::profile {

bool condition_holds(const ArgCondition& c, uint64_t arg, bool arch_32bit) {
  uint64_t value = c.value, two = c.value_two;
  if (arch_32bit) {
    arg &= 0xffffffffu;
    value &= 0xffffffffu;
    two &= 0xffffffffu;
  }
  switch (c.op) {
    case CmpOp::NotEqual: return arg != value;
    case CmpOp::LessThan: return arg < value;
    case CmpOp::LessEqual: return arg <= value;
    case CmpOp::Equal: return arg == value;
    case CmpOp::GreaterEqual: return arg >= value;
    case CmpOp::GreaterThan: return arg > value;
    case CmpOp::MaskedEqual: return (arg & value) == two;
  }
  return false;
}

Verdict verdict_of(const ResolvedProfile& resolved, uint32_t arch, int nr, const uint64_t args[6],
                   const Action& bad_arch_action) {
  Verdict verdict{resolved.default_action, nullptr, false};
  if (std::find(resolved.arches.begin(), resolved.arches.end(), arch) == resolved.arches.end()) {
    verdict.action = bad_arch_action;
    verdict.bad_arch = true;
    return verdict;
  }
  const bool narrow = arch_is_32bit(arch);
  const ResolvedRule* first_match = nullptr;
  for (const auto& rule : resolved.rules) {
    auto number = syscall_number(arch, rule.name);
    if (!number || *number != nr) continue;
    if (rule.args.empty()) {
      verdict.action = rule.action;
      verdict.rule = &rule;
      return verdict;
    }
    if (first_match) continue;
    bool all = true;
    for (const auto& c : rule.args) all = all && condition_holds(c, args[c.index], narrow);
    if (all) first_match = &rule;
  }
  if (first_match) {
    verdict.action = first_match->action;
    verdict.rule = first_match;
  }
  return verdict;
}

}  // namespace sc::profile
