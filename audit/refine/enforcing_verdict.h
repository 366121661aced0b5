// What the enforcing profile does with a recorded call, as `suggest` and `report` judge it:
// a kernel action, or "argument-dependent" (a rule with conditions decides and the call's
// arguments were not recorded, or not all of them were kept). Words only at the edge (text()).
#pragma once

#include <compare>
#include <optional>
#include <string>

#include "common/seccomp_ret.h"

namespace sc::refine {

struct EnforcingVerdict {
  enum class Kind : uint8_t { NotJudged, Action, ArgumentDependent };
  Kind kind = Kind::NotJudged;
  common::Action action = common::Action::Allow;  // with Kind::Action

  static EnforcingVerdict of(common::Action a) { return {Kind::Action, a}; }
  static EnforcingVerdict argument_dependent() { return {Kind::ArgumentDependent, common::Action::Allow}; }
  static EnforcingVerdict of(const std::optional<common::Action>& a) { return a ? of(*a) : EnforcingVerdict{}; }

  bool judged() const { return kind != Kind::NotJudged; }
  bool is(common::Action a) const { return kind == Kind::Action && action == a; }
  // "" (not judged), "argument-dependent", or the action's word (common::action_text).
  std::string text() const {
    switch (kind) {
      case Kind::NotJudged: return "";
      case Kind::ArgumentDependent: return "argument-dependent";
      case Kind::Action: break;
    }
    return common::action_text(action);
  }
  auto operator<=>(const EnforcingVerdict&) const = default;
};

}  // namespace sc::refine
