// The tracer's BPF programs one by one: what each serves, and whether the running kernel's
// verifier accepts it when loaded on its own. A kernel build can reject one program (its
// verifier drifts between builds of the same release); the tracer then switches off that
// program alone and keeps the rest (tracer.cpp), and the drift-guard test prints the verdict
// for every program of the project (tests/bpf/program_load_test.cpp).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "bpf/hook_probe.h"

struct tracer_bpf;  // the skeleton (tracer.skel.h, generated)

namespace sc::bpf {

struct TracerProgram {
  const char* program;  // the BPF program's name in tracer.bpf.c
  const char* hook;     // the hook name shown in statuses ("tp_btf/signal_generate")
  const char* serves;   // the verdict classes (or other service) it provides, for operators
  Hook probe;           // the attach probe of its hook (hook_probe.h)
};

// Every program of tracer.bpf.c, in the order of the statuses.
const std::vector<TracerProgram>& tracer_programs();
const TracerProgram* tracer_program(const std::string& program_or_hook);

// The read-only configuration the loader sets before loading (the verifier's verdict can
// depend on it: it prunes code behind constant flags).
struct TracerRodata {
  uint64_t sample_rate_per_sec = 100;
  bool audit_hook_live = false;   // fentry/kprobe on audit_seccomp loaded
  bool signal_hook_live = true;   // signal_generate loaded (sched_process_exit relies on its marks)
};
void set_rodata(tracer_bpf* skel, const TracerRodata& rodata);

struct ProgramLoad {
  std::string object;         // "tracer" or "probe"
  std::string program;
  bool loaded = false;
  std::string error;          // "" when loaded, else the errno text
  std::string verifier_tail;  // the last lines of the verifier's log when rejected
};

// Loads `program` of tracer.bpf.c alone (no pins, small throwaway maps) and unloads it.
ProgramLoad load_tracer_program_alone(const std::string& program, const TracerRodata& rodata);
// Every program of both objects (tracer.bpf.c and probe.bpf.c), each alone: the drift guard.
std::vector<ProgramLoad> load_every_program_alone(const TracerRodata& rodata);

// Programs switched off on purpose: a comma-separated list of program names ("sc_sys_exit")
// or hook names ("raw_tp/sys_exit"), from TracerOptions.disable or else SC_TRACER_DISABLE.
// Throws std::invalid_argument naming an unknown entry and where it came from.
std::set<std::string> disabled_programs(const std::string& option);

}  // namespace sc::bpf
