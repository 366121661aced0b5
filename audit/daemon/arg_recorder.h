// Argument recording (audit mode): which syscalls of a watched container the tracer keeps the
// argument tuples of, and how the kernel's counts become VerdictStats::args.
//
// In audit mode a would-be denial runs (its filter says LOG), so the syscall-entry hook sees
// its six raw arguments. For a container launched by us in audit mode, the daemon rebuilds the
// ENFORCING filter (the registry entry's profile, capabilities and new-syscall policy) and asks
// the tracer to record every syscall that filter does not allow for all arguments: the ones it
// denies outright and the ones it judges by their arguments. Each recorded tuple is run through
// that filter here; the tuples it would deny are added to the container's "log" verdict of that
// syscall; the ones it allows by their arguments go to ContainerRecord::allowed_args (what its
// argument-checked rules matched, for `suggest --tighten`). The kernel keeps at most
// bpf::kArgTuplesPerSyscall tuples per (container, arch, syscall) and counts the calls over
// that bound; the state holds the same bound.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "audit/oracle/compiled_profile.h"
#include "audit/daemon/shadow_evaluator.h"
#include "state/aggregate.h"
#include "state/tracer_baseline.h"

namespace sc::bpf {
class Tracer;
}

namespace sc::audit {

class ArgRecorder {
 public:
  // The recorded set of every watched target, as the watched set is now (caller holds the
  // state lock). `tracer` null or without sys_enter: nothing is recorded.
  void sync(bpf::Tracer* tracer, const std::vector<ShadowCandidateTarget>& targets);
  // The kernel's counts into `state`: what is new since `baseline` (the tracer map key ->
  // last absolute count, persisted with the state, so a restart neither loses nor repeats).
  void collect(bpf::Tracer* tracer, State& state, TracerBaseline& baseline);
  // A watched container went: after its last collect, drop its kernel entries.
  void forget(bpf::Tracer* tracer, uint64_t cgroup_id, TracerBaseline& baseline);

  // The syscalls to record for an enforcing filter: per AUDIT_ARCH_*, the numbers (x32 with
  // the x32 bit) below 1024 it does not allow for every argument.
  static std::map<uint32_t, std::vector<int32_t>> wanted_by(const CompiledProfile& enforcing);

 private:
  struct Recorded {
    std::string container_id;
    std::string identity;  // the enforcing filter's identity (digest, path, caps, new syscalls)
    std::shared_ptr<const CompiledProfile> enforcing;
  };
  std::map<uint64_t, Recorded> recorded_;  // by cgroup id
  std::set<uint64_t> watched_;             // every target's cgroup, as of the last sync
  bool synced_ = false;
  std::map<std::string, std::string> logged_;  // container -> last error logged
};

}  // namespace sc::audit
