// The daemon's side of shadow evaluation (state/shadow.h): turns the operator's request
// files into State::shadows records, gives each (candidate, container filter) pair a kernel
// slot whose verdict table the tracer's sys_enter reads, and computes the result rows.
//
// Which calls are counted where:
//  - calls the container's own filter lets run (ALLOW, LOG, TRACE) reach sys_enter: the kernel
//    counts them per (cgroup, slot, arch, nr, candidate verdict) from the slot's table, and per
//    argument tuple where either verdict depends on the arguments (evaluated here, exactly,
//    with the engine's compiled filters);
//  - calls it denies (ERRNO, KILL_*, TRAP, USER_NOTIF) never reach sys_enter: they come from the
//    verdicts the daemon recorded since the shadow began (the target's baseline), and their
//    candidate verdict is "unknown" where it depends on arguments the record does not carry.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <linux/filter.h>

#include "audit/oracle/compiled_profile.h"
#include "state/aggregate.h"
#include "isolator/profile/resolver.h"
#include "isolator/registry/registry.h"

namespace sc::bpf {
class Tracer;
}

namespace sc::audit {

// One watched container, as the daemon knows it.
struct ShadowCandidateTarget {
  std::string container_id;
  uint64_t cgroup_id = 0;
  std::optional<registry::Entry> entry;  // our own containers: profile, mode, capabilities
};

class ShadowEvaluator {
 public:
  explicit ShadowEvaluator(std::string state_dir) : state_dir_(std::move(state_dir)) {}

  // After start-up: the slots of the records in `state` (kept in the pinned maps), their
  // tables filled again (a reset of the pins leaves them empty). `tracer` may be null.
  void restore(bpf::Tracer* tracer, State& state);
  // Requests -> records (start, refuse, stop), and targets -> kernel slots. Caller holds the
  // state lock. `tracer` null: every request is refused. True when a record or target changed.
  bool sync(bpf::Tracer* tracer, const std::vector<ShadowCandidateTarget>& watched, State& state, int64_t now_ns);
  // The rows of every active record, from the kernel's counts and the recorded verdicts.
  void collect(bpf::Tracer* tracer, State& state);

  static constexpr uint32_t kMaxSlots = 32;        // bpf::kShadowMaxSlots
  static constexpr uint32_t kSlotsPerCgroup = 8;   // bpf::kShadowSlotsPerCgroup

  using Program = CompiledProfile;

 private:
  struct Slot {
    std::string shadow;    // record name
    std::string identity;  // the container filter's identity (profile digest, mode, caps, ...)
    std::shared_ptr<const Program> candidate;
    std::shared_ptr<const Program> current;  // null: unknown (foreign or unconfined): "allow"
  };
  std::shared_ptr<const Program> candidate_for(const std::string& shadow, const ShadowCandidateTarget& t,
                                                std::string* error);
  std::shared_ptr<const Program> current_for(const ShadowCandidateTarget& t);
  void fill(bpf::Tracer* tracer, uint32_t slot);
  void stop(bpf::Tracer* tracer, ShadowRecord& record, State& state, int64_t now_ns);
  void apply_cgroups(bpf::Tracer* tracer, const State& state);
  std::vector<ShadowRow> rows_of(const bpf::Tracer* tracer, const ShadowRecord& record, const State& state);

  std::string state_dir_;
  std::map<std::string, std::string> candidate_text_;  // shadow -> candidate profile text (from its request)
  std::map<uint32_t, Slot> slots_;
  std::map<uint64_t, std::vector<uint32_t>> applied_;   // cgroup -> slots as last given to the kernel
  std::map<std::string, std::string> logged_;           // request file -> last error logged
};

}  // namespace sc::audit
