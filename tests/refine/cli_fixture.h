// What the `seccomp-audit` CLI tests start from: a state dir and a registry dir in a temporary
// folder, a hand-made recorded state written there as the daemon would (each container
// registered with Docker's capabilities), and the program run on them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/refine/process.h"
#include "tests/refine/recorded_state.h"

namespace sc::refine::testing {

struct RecordedStateCli : ::testing::Test {
  TempDir dir;
  std::string state_dir() { return dir.path() + "/state"; }
  std::string runtime_dir() { return dir.path() + "/run"; }
  // state.json from `state` at kT0, its containers registered with Docker's capabilities.
  void write_recorded(audit::State state) {
    std::filesystem::create_directories(state_dir());
    state.last_flush_ns = kT0;
    for (const auto& [id, c] : state.containers) register_caps(runtime_dir(), c, docker_caps());
    write_file(state_dir() + "/state.json", audit::to_json_text(state));
  }
  ProcessResult audit(const std::vector<std::string>& args) { return seccomp_audit(args); }
};

}  // namespace sc::refine::testing
