// Which containers a suggestion or report is about, and what they recorded, merged by
// syscall name (profiles name syscalls, not numbers; one name may be seen on several arches).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "audit/refine/enforcing_verdict.h"
#include "state/aggregate.h"

namespace sc::refine {

// Containers that ran one profile (the fleet view), or a single container.
struct ContainerGroup {
  std::string profile_name;
  std::string profile_path;     // of the most recently seen container
  std::string profile_sha256;   // idem
  std::vector<const audit::ContainerRecord*> containers;
  std::vector<std::string> warnings;  // e.g. containers ran different versions of the file
};

// --container=ID: that container. Throws std::runtime_error when it is not in the state.
ContainerGroup select_container(const audit::State& state, const std::string& container_id);
// --profile=NAME: every container that ran NAME. Throws when none did.
ContainerGroup select_profile(const audit::State& state, const std::string& profile_name);
// Every container, grouped by profile name ("" for containers without a known profile).
std::vector<ContainerGroup> group_by_profile(const audit::State& state);

// One recorded verdict key of one container, with its syscall name resolved.
struct RecordedVerdict {
  const audit::ContainerRecord* container;
  audit::VerdictKey key;
  const audit::VerdictStats* stats;
  std::string name;             // "" when the number could not be named
};

// All recorded verdicts of a group, in a stable order (container, key).
std::vector<RecordedVerdict> recorded_verdicts(const ContainerGroup& group);

// A syscall name merged over the verdicts chosen by the caller.
struct MergedCall {
  std::string name;
  uint64_t count = 0;
  int64_t first_seen_ns = 0;
  int64_t last_seen_ns = 0;
  std::set<std::string> containers;
  std::set<std::string> hosts;           // fleet merges: the hosts of those containers
  std::set<std::string> actions;         // recorded actions
  std::set<EnforcingVerdict> would_be;   // enforcing verdicts (judged ones)
  std::set<std::pair<std::string, int32_t>> arch_numbers;  // (arch, nr)
  std::optional<audit::Sample> sample;   // one with arguments when any has them
  std::string sample_arch;
  int32_t sample_nr = 0;
  // Every distinct argument tuple recorded (one sample per container and verdict key).
  std::set<std::array<uint64_t, 6>> recorded_args;
  // Argument recording merged over the verdicts: per (arch, tuple) the calls made with it, and
  // the calls whose tuple was over the bound. args_recorded: at least one verdict had a record.
  std::map<std::pair<std::string, audit::ArgTuple>, uint64_t> arg_counts;
  uint64_t args_dropped = 0;
  bool args_recorded = false;
};

void merge_into(std::map<std::string, MergedCall>& calls, const RecordedVerdict& verdict,
                const EnforcingVerdict& would_be);

}  // namespace sc::refine
