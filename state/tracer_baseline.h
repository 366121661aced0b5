// What the daemon last read from the tracer's pinned maps, per map entry: the maps hold
// absolute counts that outlive the daemon, so each read applies only what is new since these
// (persisted in state.json with the counts they produced). Three maps, three typed keys.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace sc::audit {

// A verdict count of the tracer (bpf::VerdictCount): per cgroup, AUDIT_ARCH_* value, nr, the
// SECCOMP_RET action bits and errno (-1 when none).
struct TracerCountKey {
  uint64_t cgroup_id = 0;
  uint32_t audit_arch = 0;
  int32_t nr = 0;
  uint32_t action = 0;
  int32_t error = -1;
  auto operator<=>(const TracerCountKey&) const = default;
};

// The calls of one argument tuple (bpf::ArgCount).
struct ArgCountKey {
  uint64_t cgroup_id = 0;
  uint32_t audit_arch = 0;
  int32_t nr = 0;
  std::array<uint64_t, 6> args{};
  auto operator<=>(const ArgCountKey&) const = default;
};

// The calls whose tuple was over the bound (bpf::ArgDrops).
struct ArgDropKey {
  uint64_t cgroup_id = 0;
  uint32_t audit_arch = 0;
  int32_t nr = 0;
  auto operator<=>(const ArgDropKey&) const = default;
};

struct TracerBaseline {
  std::map<TracerCountKey, uint64_t> counts;
  std::map<ArgCountKey, uint64_t> args;
  std::map<ArgDropKey, uint64_t> drops;
  bool operator==(const TracerBaseline&) const = default;
  // Forgets the argument entries of a cgroup (its argument maps were cleared).
  void forget_args(uint64_t cgroup_id);
};

// state.json's "daemon.tracer_baseline": {"counts": [...], "args": [...], "drops": [...]},
// each entry an object of the key's fields and "count".
nlohmann::json tracer_baseline_json(const TracerBaseline& b);
// Reads that, and the flat form earlier versions wrote ({"cg/arch/nr/action/error": n,
// "args/cg/arch/nr/a0,...,a5": n, "argsdrop/cg/arch/nr": n}), so an upgrade does not apply
// counts again. Throws std::invalid_argument naming the entry that is neither.
TracerBaseline tracer_baseline_from(const nlohmann::json& j);

}  // namespace sc::audit
