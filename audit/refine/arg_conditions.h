// From recorded argument tuples to Docker-format argument conditions: what `suggest` allows
// when it can allow what the container needs rather than the whole syscall. One rule per
// distinct conditioned value (libseccomp ANDs the conditions of one rule, so alternatives
// are separate rules, as Docker's personality rules are), or the reason no condition fits.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "audit/refine/json_patch.h"
#include "audit/refine/observations.h"

namespace sc::refine {

// At most this many distinct conditioned values become rules; beyond it the call is allowed
// outright (a long list of exact values is a sign the argument is not an enumeration here).
inline constexpr size_t kMaxConditionedValues = 8;

struct ConditionedRule {
  ordered_json args;          // the rule's "args" array (conditions ANDed)
  std::string condition;      // "0x40000 (ADDR_NO_RANDOMIZE)", "flags & 0x7e020080 == 0x10000000 (CLONE_NEWUSER)"
  uint64_t calls = 0;         // recorded calls this rule covers
};

struct ArgConditions {
  std::vector<ConditionedRule> rules;  // empty: no condition possible, see fallback_reason
  std::string fallback_reason;         // why the syscall is allowed outright instead
  std::string note;                    // the position table's remark on this call, if any
};

ArgConditions synthesize_conditions(const MergedCall& call, size_t max_values = kMaxConditionedValues);

// "personality allowed for 0x40000 (ADDR_NO_RANDOMIZE), seen 1 time"
std::string describe_rule(const std::string& syscall, const ConditionedRule& rule);

}  // namespace sc::refine
