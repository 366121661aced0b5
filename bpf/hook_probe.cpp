#include "bpf/hook_probe.h"

#include <bpf/libbpf.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "bpf/libbpf_log.h"
#include "probe.skel.h"

namespace sc::bpf {
namespace {

bpf_program* program_for(probe_bpf* skel, Hook hook) {
  switch (hook) {
    case Hook::FentryAudit: return skel->progs.probe_fentry_audit;
    case Hook::KprobeAudit: return skel->progs.probe_kprobe_audit;
    case Hook::SignalGenerate: return skel->progs.probe_signal_generate;
    case Hook::ProcessEvents: return skel->progs.probe_process_exit;
    case Hook::SysEnter: return skel->progs.probe_sys_enter;
    case Hook::SysExit: return skel->progs.probe_sys_exit;
  }
  return nullptr;
}

struct SkelDeleter {
  void operator()(probe_bpf* s) const { probe_bpf__destroy(s); }
};

}  // namespace

const char* hook_name(Hook hook) {
  switch (hook) {
    case Hook::FentryAudit: return "fentry/audit_seccomp";
    case Hook::KprobeAudit: return "kprobe/audit_seccomp";
    case Hook::SignalGenerate: return "tp_btf/signal_generate";
    case Hook::ProcessEvents: return "tp_btf/sched_process_exit";
    case Hook::SysEnter: return "raw_tp/sys_enter";
    case Hook::SysExit: return "raw_tp/sys_exit";
  }
  return "?";
}

ProbeResult probe_hook(Hook hook) {
  install_libbpf_log();
  std::unique_ptr<probe_bpf, SkelDeleter> skel(probe_bpf__open());
  if (!skel) return {false, "open: " + errno_text(errno)};
  bpf_program* wanted = program_for(skel.get(), hook);
  bpf_program* prog = nullptr;
  bpf_object__for_each_program(prog, skel->obj) bpf_program__set_autoload(prog, prog == wanted);
  // Only the syscall-hook probes need the task storage map (kernels >= 5.11).
  bool syscall_hook = hook == Hook::SysEnter || hook == Hook::SysExit;
  bpf_map__set_autocreate(skel->maps.probe_threads, syscall_hook);
  if (int err = probe_bpf__load(skel.get()); err != 0) return {false, "load: " + errno_text(err)};
  bpf_link* link = bpf_program__attach(wanted);
  if (!link) return {false, "attach: " + errno_text(errno)};
  bpf_link__destroy(link);
  return {true, ""};
}

bool fallback_forced(const std::string& force_hooks) {
  std::string value = force_hooks;
  std::string source = "TracerOptions.force_hooks";
  if (value.empty()) {
    const char* env = std::getenv("SC_TRACER_HOOKS");
    value = env ? env : "";
    source = "SC_TRACER_HOOKS";
  }
  if (value.empty() || value == "auto") return false;
  if (value == "fallback") return true;
  throw std::invalid_argument(source + "='" + value + "': expected 'auto' or 'fallback'");
}

HookPlan plan_hooks(const std::string& force_hooks) {
  HookPlan plan;
  bool forced = fallback_forced(force_hooks);
  auto add = [&](const std::string& name, bool live, const std::string& reason) {
    plan.statuses.push_back(HookStatus{name, live, reason});
  };
  const std::string forced_reason = "skipped: fallback forced (SC_TRACER_HOOKS/force_hooks=fallback)";

  if (forced) {
    add(hook_name(Hook::FentryAudit), false, forced_reason);
    add(hook_name(Hook::KprobeAudit), false, forced_reason);
  } else {
    ProbeResult fentry = probe_hook(Hook::FentryAudit);
    plan.fentry_audit = fentry.ok;
    add(hook_name(Hook::FentryAudit), fentry.ok, fentry.ok ? "every logged verdict" : fentry.reason);
    // Probed also when fentry works: the tracer falls back to it when its fentry program is
    // rejected or disabled (it reports "not needed" when fentry is used).
    ProbeResult kprobe = probe_hook(Hook::KprobeAudit);
    plan.kprobe_audit = kprobe.ok;
    add(hook_name(Hook::KprobeAudit), kprobe.ok, kprobe.ok ? "every logged verdict" : kprobe.reason);
  }
  ProbeResult signal = probe_hook(Hook::SignalGenerate);
  plan.signal_generate = signal.ok;
  add(hook_name(Hook::SignalGenerate), signal.ok, signal.ok ? "SIGSYS from seccomp: TRAP and KILL" : signal.reason);

  ProbeResult process = probe_hook(Hook::ProcessEvents);
  plan.process_events = process.ok;
  for (const char* name : {"tp_btf/sched_process_fork", "tp_btf/sched_process_exec", "tp_btf/sched_process_exit"})
    add(name, process.ok, process.ok ? "tgid -> cgroup; KILL_THREAD without a signal" : process.reason);

  ProbeResult enter = probe_hook(Hook::SysEnter);
  ProbeResult exit = enter.ok ? probe_hook(Hook::SysExit) : enter;
  plan.syscall_hooks = enter.ok && exit.ok;
  add(hook_name(Hook::SysEnter), false, enter.ok ? "attachable" : enter.reason);
  add(hook_name(Hook::SysExit), false, exit.ok ? "attachable" : exit.reason);
  return plan;
}

}  // namespace sc::bpf
