// `suggest --tighten`, the argument half: argument-checked ALLOW rules (Docker's personality,
// clone and socket rules) whose conditions none of the calls recorded in audit mode matched.
// The record is ContainerRecord::allowed_args: the tuples the enforcing filter allowed by their
// arguments. A rule is called unmatched only when every container of the group has a complete
// record for its syscalls (recorded, nothing dropped); otherwise it is kept and the reason said.
#pragma once

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "audit/refine/json_patch.h"
#include "state/aggregate.h"

namespace sc::refine {

// The syscall names of one profile rule ("names", or the older single "name"), strings only.
std::vector<std::string> rule_names(const ordered_json& rule);

// Whether the tuple satisfies every condition of the rule's "args" (libseccomp ANDs them):
// SCMP_CMP_EQ, NE, LT, LE, GT, GE and MASKED_EQ (arg & value == valueTwo), on 64 bits.
bool conditions_match(const ordered_json& args, const std::array<uint64_t, 6>& tuple);

struct ArgRuleVerdict {
  int index = -1;                 // syscalls[index]
  std::string names;              // "personality"
  std::string conditions;         // "arg0 SCMP_CMP_EQ 0x8"
  bool unmatched = false;         // true: no recorded call matched it (a narrowing candidate)
  uint64_t recorded_calls = 0;    // allowed calls recorded for its syscalls, all containers
  std::string why_kept;           // when !unmatched: why it stays
};

// For each rule in `rules` (indexes of argument-checked ALLOW rules naming a used syscall).
std::vector<ArgRuleVerdict> judge_arg_rules(const ordered_json& profile, const std::set<int>& rules,
                                            const std::vector<const audit::ContainerRecord*>& containers);

}  // namespace sc::refine
