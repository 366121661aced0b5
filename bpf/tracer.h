// The tracer's loader API: probes which hooks this kernel allows (load AND attach), loads the
// BPF programs (tracer.bpf.c, skeleton from bpftool), pins the maps so counts survive a
// restart of the daemon, and reads the in-kernel aggregates. Used by the audit daemon.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/paths.h"

namespace sc::bpf {

enum class SyscallHooks { Off, Auto, On };  // Auto: attached while a watched cgroup wants them

struct TracerOptions {
  std::string pin_dir = common::kDefaultPinDir;
  SyscallHooks syscall_hooks = SyscallHooks::Auto;
  // "" = probe and choose the best; "fallback" = skip fentry/kprobe even where they work;
  // also settable by the environment variable SC_TRACER_HOOKS.
  std::string force_hooks;
  uint32_t sample_rate_per_sec = 100;  // ring-buffer samples per second, at most
  // Pin the program links too, so the kernel keeps counting while no loader runs (a daemon
  // restart, even after SIGKILL, loses nothing); a new Tracer adopts them. When false the
  // programs detach when the Tracer is destroyed (the maps stay pinned).
  bool pin_links = true;
  // Programs switched off on purpose (tests force each one off in turn): a comma-separated
  // list of program names ("sc_signal_generate") or hook names ("tp_btf/signal_generate").
  // "" = none, unless the environment variable SC_TRACER_DISABLE names some.
  std::string disable;
};

// Kernel-side counters (the sc_stats array map).
struct TracerStats {
  uint64_t samples_ringbuf_full = 0;  // samples dropped: ring buffer full
  uint64_t samples_rate_limited = 0;  // samples dropped: over sample_rate_per_sec
  uint64_t counts_map_full = 0;       // verdicts NOT counted: aggregation map full
  uint64_t learn_out_of_range = 0;    // syscalls not learned: nr beyond the bitmap
  uint64_t skips_seen = 0;            // seccomp skips seen by the sys_exit pairing
};

// VerdictCount.action for a skipped syscall whose return value is neither an errno nor the
// TRAP/KILL rollback (a USER_NOTIF or TRACE answer). Not a kernel SECCOMP_RET_* value.
inline constexpr uint32_t kActionSkippedOther = 0x7ff80000u;

struct HookStatus {
  std::string name;    // "fentry/audit_seccomp", "kprobe/audit_seccomp", "tp_btf/signal_generate", "raw_tp/sys_enter", ...
  bool live = false;
  std::string reason;  // why not live (the errno text of the failed load/attach, the verifier's
                       // last lines), or what it covers
  std::string program{}; // the BPF program behind it ("sc_signal_generate")
  std::string serves{};  // the verdict classes it serves ("trap, kill_process (SIGSYS from seccomp)")
};

// What the live programs let the tracer see. The daemon decides from this which source
// counts which verdict class; everything else comes from the audit stream or is not seen.
struct TracerCoverage {
  bool logged_verdicts = false;   // fentry/kprobe on audit_seccomp: every logged verdict
  bool traps_and_kills = false;   // signal_generate: TRAP and KILL_PROCESS (SIGSYS)
  bool kill_thread = false;       // sched_process_exit (+ signal_generate): KILL_THREAD without a signal
  bool errno_skips = false;       // sys_enter + sys_exit loadable: ERRNO skips, attached on demand
  bool learning = false;          // sys_enter: the syscalls a watched cgroup uses
  bool exited_processes = false;  // fork/exec/exit: tgid -> cgroup after the process is gone
};

struct VerdictCount {
  uint64_t cgroup_id = 0;
  uint32_t audit_arch = 0;   // AUDIT_ARCH_*
  int32_t nr = 0;
  uint32_t action = 0;       // SECCOMP_RET_* action (full action bits, data masked off)
  int32_t error = -1;        // errno for ERRNO skips, else -1
  uint64_t count = 0;
  uint64_t first_ns = 0;     // CLOCK_BOOTTIME / bpf_ktime_get_boot_ns
  uint64_t last_ns = 0;
};

struct SampleEvent {
  uint64_t cgroup_id = 0;
  uint32_t audit_arch = 0;
  int32_t nr = 0;
  uint32_t action = 0;
  int32_t error = -1;
  int32_t pid = 0;           // tgid
  int32_t tid = 0;
  std::string comm;          // raw bytes, up to 16
  uint64_t args[6] = {0, 0, 0, 0, 0, 0};
  uint64_t instruction_pointer = 0;
  uint64_t ts_ns = 0;        // boot time
};

// Shadow evaluation (bpf/tracer_events.h): per slot, the candidate's verdict table; per
// watched cgroup, its slots; counts per (cgroup, slot, arch, nr, candidate ret[, args]).
inline constexpr uint32_t kShadowMaxSlots = 32;
inline constexpr uint32_t kShadowSlotsPerCgroup = 8;
inline constexpr int32_t kShadowTableNr = 1024;      // numbers 0..1023 per arch class are in the table
inline constexpr uint32_t kShadowUndecided = 0xffffffffu;  // ShadowCount.ret: decide from (arch, nr)

struct ShadowEntry {
  uint32_t ret = 0;          // the candidate's SECCOMP_RET_* value for this (arch, nr)
  bool needs_args = false;   // it depends on the arguments: count per argument tuple
};

struct ShadowCount {
  uint64_t cgroup_id = 0;
  uint32_t slot = 0;
  uint32_t audit_arch = 0;
  int32_t nr = 0;
  uint32_t ret = kShadowUndecided;
  bool has_args = false;
  uint64_t args[6] = {0, 0, 0, 0, 0, 0};
  uint64_t count = 0;
};

// Argument recording (bpf/tracer_events.h): per watched cgroup, the syscalls whose argument
// tuples sys_enter keeps, at most kArgTuplesPerSyscall distinct ones per (cgroup, arch, nr).
inline constexpr uint32_t kArgTuplesPerSyscall = 16;

// The syscalls to record, per (AUDIT_ARCH_*, nr) with x32 numbers carrying the x32 bit;
// numbers at or above 1024 (per arch class) cannot be recorded.
using ArgsWanted = std::map<uint32_t, std::vector<int32_t>>;

struct ArgCount {
  uint64_t cgroup_id = 0;
  uint32_t audit_arch = 0;
  int32_t nr = 0;
  uint64_t args[6] = {0, 0, 0, 0, 0, 0};
  uint64_t count = 0;  // absolute, since the maps were created
};

struct ArgDrops {
  uint64_t cgroup_id = 0;
  uint32_t audit_arch = 0;
  int32_t nr = 0;
  uint64_t dropped = 0;  // absolute: calls whose tuple was over the bound
};

class Tracer {
 public:
  // Throws std::runtime_error with context (which step, errno) when nothing can be loaded.
  explicit Tracer(const TracerOptions& options);
  ~Tracer();
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;

  // One status per program, in the order of tracer_programs(): live or why not.
  std::vector<HookStatus> hooks() const;
  TracerCoverage coverage() const;

  // Watched cgroups: programs return at once for every other cgroup.
  // `exact` asks for the syscall hooks (sys_enter/sys_exit pairing, learning).
  void watch(uint64_t cgroup_id, bool exact);
  void unwatch(uint64_t cgroup_id);
  // Every cgroup in the watched map: the daemon's, and those `seccomp-isolator launch` added
  // itself (--seccomp_log=auto) before their containers ran.
  std::vector<uint64_t> watched_ids() const;

  std::vector<VerdictCount> counts() const;                   // the whole aggregation map
  std::optional<uint64_t> cgroup_of_tgid(int32_t tgid) const; // also after the process exited
  // Syscalls entered by a watched cgroup, per AUDIT_ARCH_* (learning bitmaps).
  std::map<uint32_t, std::vector<int32_t>> learned(uint64_t cgroup_id) const;

  // Waits up to timeout_ms for samples; returns how many were handled.
  int poll(int timeout_ms, const std::function<void(const SampleEvent&)>& on_sample);
  uint64_t samples_lost() const;   // ring buffer full + rate limited
  TracerStats stats() const;

  // Whether raw_tp/sys_enter and sys_exit are attached right now.
  bool syscall_hooks_attached() const;

  // Shadow evaluation. Needs sys_enter (false: not loadable on this kernel, or syscall hooks off).
  bool shadow_available() const;
  // Fills slot's table: entry(audit_arch, nr) for x86_64, x32 (nr with the x32 bit) and i386,
  // numbers 0..kShadowTableNr-1. Throws with the failing index.
  void shadow_fill(uint32_t slot, const std::function<ShadowEntry(uint32_t audit_arch, int32_t nr)>& entry);
  // The slots shadowing a watched cgroup (at most kShadowSlotsPerCgroup); empty: not shadowed.
  void shadow_cgroup(uint64_t cgroup_id, const std::vector<uint32_t>& slots);
  std::vector<ShadowCount> shadow_counts() const;
  // Drops a slot: its table entries and every count of it.
  void shadow_forget(uint32_t slot);
  uint64_t shadow_lost() const;  // shadowed calls not counted (count map full), since load

  // Argument recording. Needs sys_enter, as shadow evaluation does (shadow_available()).
  // Replaces the watched cgroup's recorded set; empty stops recording (counts are kept).
  void record_args(uint64_t cgroup_id, const ArgsWanted& wanted);
  std::vector<ArgCount> arg_counts() const;
  std::vector<ArgDrops> arg_drops() const;
  // Drops a cgroup's argument counts, budgets and recorded set (after its last collection).
  void forget_args(uint64_t cgroup_id);
  uint64_t args_lost() const;  // tuples not recorded because the map was full (also in dropped)

  // Removes the pins (and with them the kernel's counts). For tests and `--reset`.
  void unpin();

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace sc::bpf
