// A verdict key written as state.json writes it ("x86_64", "log"): tests read better with the
// words, and a word the project does not know fails the test at once.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "common/arch.h"
#include "common/seccomp_ret.h"
#include "state/verdict_key.h"

namespace sc::testing {

inline audit::VerdictKey verdict_key(const std::string& arch, int32_t nr, const std::string& action, int32_t error = -1) {
  auto a = common::arch_from_text(arch);
  auto act = common::action_from_text(action);
  if (!a || !act) throw std::invalid_argument("verdict_key: unknown arch '" + arch + "' or action '" + action + "'");
  return audit::VerdictKey{*a, nr, *act, error};
}

}  // namespace sc::testing
