// Hand-made fleets for the fleet tests: a too-strict profile (Docker's default without three
// names a workload needs) and state files of several "hosts" whose containers ran it.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/refine/profile_document.h"
#include "state/aggregate.h"
#include "tests/refine/process.h"
#include "tests/refine/recorded_state.h"

namespace sc::fleet_tests {

inline const std::vector<std::string> kStrictRemoved = {"uname", "sysinfo", "getrusage"};

// Writes dir/strict.json and returns its path.
inline std::string write_strict_profile(const std::string& dir) {
  using refine::testing::read_file;
  nlohmann::ordered_json strict =
      nlohmann::ordered_json::parse(read_file(refine::testing::shared_profile("docker-default.json")));
  auto& names = strict["syscalls"][0]["names"];
  for (const auto& n : kStrictRemoved)
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == n) { names.erase(i); break; }
  std::string path = dir + "/strict.json";
  refine::testing::write_file(path, strict.dump(1, '\t') + "\n");
  return path;
}

inline std::string digest_of(const std::string& path) {
  return refine::sha256_hex(refine::testing::read_file(path));
}

// A container as the daemon records it now: digest, workload and capabilities included.
inline audit::ContainerRecord fleet_container(const std::string& id, const std::string& profile_path,
                                              const std::vector<refine::testing::Call>& calls,
                                              const std::string& workload = "web") {
  audit::ContainerRecord c = refine::testing::container(id, profile_path, calls);
  c.profile_sha256 = digest_of(profile_path);
  c.workload = workload;
  c.capabilities = refine::testing::docker_caps();
  return c;
}

inline std::string write_state(const std::string& path, const std::vector<audit::ContainerRecord>& containers,
                               int64_t last_flush_ns = refine::testing::kT0) {
  audit::State st;
  st.last_flush_ns = last_flush_ns;
  for (const auto& c : containers) st.containers[c.container_id] = c;
  refine::testing::write_file(path, audit::to_json_text(st));
  return path;
}

}  // namespace sc::fleet_tests
