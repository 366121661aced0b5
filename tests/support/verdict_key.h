// A verdict key written as state.json writes it ("x86_64", "log"): tests read better with the
// words, and a word the project does not know fails the test at once.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "common/arch.h"
#include "common/seccomp_ret.h"
#include "state/verdict_key.h"

namespace sc::testing {

// An action word or 0x<hex> (common::action_text's words); throws for anything else.
inline common::Action action(const std::string& word) {
  auto a = common::action_from_text(word);
  if (!a) throw std::invalid_argument("action: unknown action '" + word + "'");
  return *a;
}
// An arch name or 0x<hex>; throws for anything else.
inline uint32_t arch(const std::string& name) {
  auto a = common::arch_from_text(name);
  if (!a) throw std::invalid_argument("arch: unknown arch '" + name + "'");
  return *a;
}
// "" -> nullopt (not known), else the action.
inline std::optional<common::Action> would_be(const std::string& word) {
  if (word.empty()) return std::nullopt;
  return action(word);
}

// The word state.json writes for a would-be action: "" for nullopt.
inline std::string would_be_text(const std::optional<common::Action>& a) { return a ? common::action_text(*a) : ""; }

inline audit::VerdictKey verdict_key(const std::string& arch, int32_t nr, const std::string& action, int32_t error = -1) {
  return audit::VerdictKey{sc::testing::arch(arch), nr, sc::testing::action(action), error};
}

}  // namespace sc::testing
