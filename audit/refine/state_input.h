// Reading the daemon's recorded state for `suggest` and `report`.
#pragma once

#include <string>

#include "common/paths.h"
#include "state/aggregate.h"

namespace sc::refine {

inline constexpr const char* kDefaultStateDir = common::kDefaultStateDir;

// <state_dir>/state.json. Throws std::runtime_error naming the file and what is wrong.
audit::State load_state(const std::string& state_dir);

}  // namespace sc::refine
