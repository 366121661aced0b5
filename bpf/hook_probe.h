// Which hooks this kernel allows, found by loading AND attaching a tiny program per hook
// (probe.bpf.c): a kernel may accept a program type and still refuse the attachment. All the
// hook-selection policy lives here; tracer.cpp only follows the plan.
#pragma once

#include <string>
#include <vector>

#include "bpf/tracer.h"

namespace sc::bpf {

enum class Hook { FentryAudit, KprobeAudit, SignalGenerate, ProcessEvents, SysEnter, SysExit };

const char* hook_name(Hook hook);  // "fentry/audit_seccomp", ...

struct ProbeResult {
  bool ok = false;
  std::string reason;  // "" when ok, else "load: Operation not permitted (errno 1)" etc.
};

// Loads and attaches the probe program for `hook`, then detaches and unloads it.
ProbeResult probe_hook(Hook hook);

// "" or "auto": probe and pick the best; "fallback": never use fentry/kprobe. The option wins
// over SC_TRACER_HOOKS. Throws std::invalid_argument naming the bad value and where it came from.
bool fallback_forced(const std::string& force_hooks);

struct HookPlan {
  bool fentry_audit = false;
  bool kprobe_audit = false;
  bool signal_generate = false;
  bool process_events = false;
  bool syscall_hooks = false;  // loadable and attachable; attached on demand
  std::vector<HookStatus> statuses;  // one per hook, in the order of the Hook enum (process
                                     // events reported as three tp_btf entries)
};

HookPlan plan_hooks(const std::string& force_hooks);

}  // namespace sc::bpf
