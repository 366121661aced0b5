// The daemon's one truth: per container, per (arch, syscall, action, errno), how many
// verdicts, when first and last, and a sample. Written to <state_dir>/state.json by the
// daemon; read by `events`, the metrics collector, `suggest` and `report`.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "state/shadow_record.h"
#include "state/verdict_key.h"

namespace sc::audit {

struct Sample {
  std::string comm;            // raw bytes as the kernel gave them (may be hostile/non-UTF-8)
  std::string exe;
  int32_t pid = 0;
  int32_t tid = 0;
  bool has_args = false;       // the audit stream carries no arguments; the tracer does
  std::array<uint64_t, 6> args{};
  uint64_t instruction_pointer = 0;
};

// Argument recording (audit mode, tracer live): the distinct raw argument tuples of the calls
// behind one verdict, as the syscall-entry hook saw them, first kArgTuplesPerSyscall per
// (container, arch, syscall), plus how many calls had a tuple beyond that bound.
using ArgTuple = std::array<uint64_t, 6>;
inline constexpr size_t kArgTuplesPerSyscall = 16;
struct ArgRecord {
  std::map<ArgTuple, uint64_t> tuples;  // tuple -> calls made with it
  uint64_t dropped = 0;                 // calls whose tuple was not kept (over the bound)
  bool operator==(const ArgRecord&) const = default;
};

struct VerdictStats {
  std::string syscall;         // name in that arch's table ("uname"), or "#<nr>" when unknown
  uint64_t count = 0;
  int64_t first_seen_ns = 0;   // CLOCK_REALTIME
  int64_t last_seen_ns = 0;
  // In audit mode: the action the enforcing profile would have taken; nullopt when not known
  // or not in audit mode. state.json writes its word (common::action_text), "" for nullopt.
  std::optional<common::Action> would_be_action;
  std::optional<Sample> sample;
  // The argument tuples of these calls; absent when they were not recorded (no tracer, not in
  // audit mode, or a verdict the audit stream alone saw).
  std::optional<ArgRecord> args;
};

struct ContainerRecord {
  std::string container_id;
  std::string runtime;         // "seccomp-companion", "mesos", "docker", "containerd", "crio", "runc", "systemd", "cgroup"
  std::string container_name;  // the runtime's name (Docker, Podman, CRI-O), from the registry; "" if none
  std::string cgroup_path;     // relative to the cgroup2 mount
  uint64_t cgroup_id = 0;
  std::string profile_name;
  std::string profile_path;
  std::string profile_sha256;
  std::string mode;            // "enforce" "audit" "unconfined" or "" when unknown (foreign)
  // From the registry entry (optional in state.json: files of earlier versions lack them):
  // the workload (the entry's `workload`, or the label named by `run --workload_label`), and
  // the bounding set its profile's rules resolve against, so that a state file copied to
  // another machine (`suggest --state_file`) judges calls with the container's own
  // capabilities. nullopt: not known (foreign container, older file).
  std::string workload;
  std::optional<std::vector<std::string>> capabilities;
  // Not stored: the host a fleet merge read this record from (a state file's path, a
  // Prometheus instance); "" for a local state.
  std::string host;
  int64_t first_seen_ns = 0;
  int64_t last_seen_ns = 0;
  std::optional<int64_t> exited_at_ns;
  std::map<VerdictKey, VerdictStats> verdicts;
  // Learning: syscall numbers actually entered, per arch (common/arch.h value; state.json
  // names it), from the tracer's bitmaps.
  std::map<uint32_t, std::set<int32_t>> learned;
  // Argument recording, the other half: per (arch, nr), the tuples of calls the enforcing
  // filter ALLOWS by their arguments (it has argument-checked rules for that syscall, as
  // Docker's personality rules). `suggest --tighten` narrows such rules to these. `dropped`
  // counts the calls of that syscall whose tuple was over the bound (their verdict unknown).
  std::map<std::pair<uint32_t, int32_t>, ArgRecord> allowed_args;
};

// One BPF hook of the tracer: whether it is live (attached, or attachable on demand for the
// syscall hooks), the verdict classes it serves, and why it is not live.
struct HookHealth {
  std::string name;            // "tp_btf/signal_generate"
  bool live = false;
  std::string serves;          // "trap, kill_process (SIGSYS from seccomp)"
  std::string reason;          // what it covers, or why not live (verifier's last lines, ...)
  bool operator==(const HookHealth&) const = default;
};

struct SourceHealth {
  bool live = false;
  std::string detail;          // which hooks, or why not
  uint64_t events = 0;
  uint64_t lost = 0;           // events/records the source reports as lost
  uint64_t samples_dropped = 0;// context samples dropped (ring buffer full / rate limit); counts are unaffected
  std::vector<HookHealth> hooks{}; // the tracer's hooks (source "bpf" only), as of the daemon's start
};

struct State {
  int version = 1;
  std::map<std::string, ContainerRecord> containers;   // by container id
  std::map<std::string, SourceHealth> sources;         // "bpf", "audit"
  int64_t last_flush_ns = 0;
  std::map<std::string, ShadowRecord> shadows;         // by shadow name (state/shadow.h)
};

std::string to_json_text(const State& state);
// Throws std::runtime_error naming what is wrong (JSON path) for a corrupt file.
State from_json_text(const std::string& text);

// One flat row per (container, verdict key), the shape `seccomp-audit events --format=json`
// prints: container, syscall, arch, action, errno, count, first_seen, last_seen, mode, ...
struct EventRow {
  const ContainerRecord* container;
  const VerdictKey* key;
  const VerdictStats* stats;
};
std::vector<EventRow> event_rows(const State& state, const std::string& container_filter = "");

}  // namespace sc::audit
