#include "state/coverage.h"

#include <algorithm>

namespace sc::audit {
namespace {

bool hook_live(const State& state, const std::string& name) {
  auto bpf = state.sources.find("bpf");
  if (bpf == state.sources.end() || !bpf->second.live) return false;
  return std::any_of(bpf->second.hooks.begin(), bpf->second.hooks.end(),
                     [&](const HookHealth& h) { return h.name == name && h.live; });
}

}  // namespace

bool Coverage::complete() const {
  return lost == 0 && std::none_of(gaps.begin(), gaps.end(), [](const CoverageGap& g) { return !g.partial; });
}

std::string Coverage::summary() const {
  if (complete() && gaps.empty() && unattributed_calls == 0)
    return "complete: every verdict class was seen, every call attributed, nothing lost";
  std::string out;
  auto add = [&](const std::string& s) { out += (out.empty() ? "" : "; ") + s; };
  for (const auto& g : gaps) add((g.partial ? "partly not seen: " : "NOT SEEN: ") + g.verdict_class + " (" + g.why + ")");
  if (unattributed_calls) add(std::to_string(unattributed_calls) + " call(s) not attributed to a container");
  if (lost) add(std::to_string(lost) + " event(s) lost by the sources");
  return (complete() ? "complete, but: " : "INCOMPLETE: ") + out;
}

Coverage coverage_of(const State& state) {
  Coverage c;
  for (const auto& [id, container] : state.containers) {
    if (id != "unattributed" && id.rfind("cgroup:", 0) != 0) continue;
    for (const auto& [key, stats] : container.verdicts) c.unattributed_calls += stats.count;
  }
  for (const auto& [name, s] : state.sources) c.lost += s.lost;
  // A state that records no source at all (hand-made, or merged from elsewhere) says nothing
  // about what was seen: no gap is claimed.
  if (state.sources.empty()) return c;
  auto audit = state.sources.find("audit");
  bool audit_live = audit != state.sources.end() && audit->second.live;
  bool audit_hook = hook_live(state, "fentry/audit_seccomp") || hook_live(state, "kprobe/audit_seccomp");
  bool signal = hook_live(state, "tp_btf/signal_generate");
  bool exit = hook_live(state, "tp_btf/sched_process_exit");
  bool skips = hook_live(state, "raw_tp/sys_enter") && hook_live(state, "raw_tp/sys_exit");
  auto gap = [&](const char* cls, bool partial, const std::string& why) { c.gaps.push_back({cls, partial, why}); };
  const std::string no_audit = "the audit stream is off";
  // LOG and KILL verdicts are always in the audit stream; ERRNO and TRAP only for filters
  // loaded with the LOG flag (seccomp-isolator's are; runc's, Docker's and Podman's are not).
  if (!audit_live && !audit_hook) gap("log", false, no_audit + " and no audit_seccomp hook is live");
  if (!audit_live && !audit_hook && !signal)
    gap("kill_process", false, no_audit + " and tp_btf/signal_generate is not live");
  if (!audit_live && !audit_hook && !(exit && signal))
    gap("kill_thread", false, no_audit + " and tp_btf/sched_process_exit with signal_generate is not live");
  if (!audit_hook && !signal)
    gap("trap", audit_live, audit_live ? "tp_btf/signal_generate is not live: only filters with the LOG flag"
                                       : no_audit + " and tp_btf/signal_generate is not live");
  if (!audit_hook && !skips)
    gap("errno", audit_live, audit_live ? "the syscall hooks are not live: only filters with the LOG flag"
                                        : no_audit + " and the syscall hooks are not live");
  return c;
}

}  // namespace sc::audit
