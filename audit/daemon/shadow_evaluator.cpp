#include "audit/daemon/shadow_evaluator.h"

#include <seccomp.h>

#include <algorithm>
#include <set>
#include <tuple>

#include <spdlog/spdlog.h>

#include "audit/daemon/arch_names.h"
#include "audit/oracle/compiled_profile.h"
#include "common/arch.h"
#include "state/shadow.h"
#include "state/shadow_files.h"
#include "bytes/untrusted.h"
#include "isolator/compiler/action_codes.h"
#include "isolator/compiler/evaluator.h"
#include "isolator/compiler/filter.h"
#include "isolator/profile/arch.h"
#include "isolator/profile/capabilities.h"
#include "isolator/profile/context_options.h"
#include "isolator/profile/parser.h"
#include "isolator/profile/semantics.h"

#include "bpf/tracer.h"
static_assert(sc::audit::ShadowEvaluator::kMaxSlots == sc::bpf::kShadowMaxSlots);
static_assert(sc::audit::ShadowEvaluator::kSlotsPerCgroup == sc::bpf::kShadowSlotsPerCgroup);

namespace sc::audit {

namespace {

// The AUDIT_ARCH_* of a recorded arch (VerdictKey.arch), for the arches the tracer's shadow
// tables cover: x86_64, x32 and i386 (SC_SHADOW_ARCH_CLASSES).
std::optional<uint32_t> shadow_audit_arch(uint32_t arch) {
  if (arch != SCMP_ARCH_X86_64 && arch != SCMP_ARCH_X32 && arch != SCMP_ARCH_X86) return std::nullopt;
  return common::audit_arch_of(arch);
}


std::set<std::string> caps_of(const ShadowCandidateTarget& t) {
  if (t.entry) return {t.entry->capabilities.begin(), t.entry->capabilities.end()};
  return profile::current_bounding_set();  // a foreign container: as if launched by this host's root
}

std::string identity_of(const ShadowCandidateTarget& t) {
  std::string id;
  if (t.entry && t.entry->mode != "unconfined" && !t.entry->profile_path.empty())
    id = t.entry->profile_sha256 + "|" + t.entry->profile_path + "|" + t.entry->mode + "|" + t.entry->new_syscalls;
  id += "|caps:";
  for (const auto& c : caps_of(t)) id += c + ",";
  return id;
}

}  // namespace

std::shared_ptr<const ShadowEvaluator::Program> ShadowEvaluator::candidate_for(const std::string& shadow,
                                                                                 const ShadowCandidateTarget& t,
                                                                                 std::string* error) {
  try {
    profile::ResolveContext ctx;
    ctx.capabilities = caps_of(t);
    return compile_profile(profile::parse_profile(candidate_text_.at(shadow)), ctx);
  } catch (const std::exception& e) {
    if (error) *error = e.what();
    return nullptr;
  }
}

std::shared_ptr<const ShadowEvaluator::Program> ShadowEvaluator::current_for(const ShadowCandidateTarget& t) {
  if (!t.entry || t.entry->mode == "unconfined" || t.entry->profile_path.empty()) return nullptr;
  try {
    profile::ResolveContext ctx;
    ctx.capabilities = caps_of(t);
    ctx.audit = t.entry->mode == "audit";
    ctx.new_syscalls = profile::parse_new_syscalls(t.entry->new_syscalls.empty() ? "default" : t.entry->new_syscalls);
    return compile_profile(profile::load_profile(t.entry->profile_path), ctx);
  } catch (const std::exception& e) {
    spdlog::warn("shadow: the filter of container {} ({}) cannot be rebuilt: {}; its calls count as current=allow",
                 bytes::display_text(t.container_id), bytes::display_text(t.entry->profile_path), e.what());
    return nullptr;
  }
}

void ShadowEvaluator::fill(bpf::Tracer* tracer, uint32_t slot) {
  const Slot& s = slots_.at(slot);
  tracer->shadow_fill(slot, [&](uint32_t audit_arch, int32_t nr) {
    static const uint64_t zeros[6] = {0, 0, 0, 0, 0, 0};
    bpf::ShadowEntry e;
    e.ret = verdict_ret(*s.candidate, audit_arch, nr, zeros);
    // Per tuple where either filter looks at the arguments: the current one decides whether
    // the call ran as allow or log.
    e.needs_args = depends_on_args(*s.candidate, audit_arch, nr) || (s.current && depends_on_args(*s.current, audit_arch, nr));
    return e;
  });
}

void ShadowEvaluator::restore(bpf::Tracer* tracer, State& state) {
  const ShadowRequests requests = read_shadow_requests(state_dir_);
  for (auto& [name, record] : state.shadows) {
    if (record.status != "active") continue;
    auto request = requests.valid.find(name);
    if (request == requests.valid.end()) continue;  // sync() stops it (request gone or broken)
    candidate_text_[name] = request->second.profile_text;
    for (auto& [id, target] : record.targets) {
      if (slots_.count(target.slot)) continue;
      ShadowCandidateTarget t{id, target.cgroup_id, std::nullopt};
      Slot s{name, "", candidate_for(name, t, nullptr), nullptr};
      if (!s.candidate) continue;
      slots_[target.slot] = std::move(s);
    }
  }
  // The tables are filled again at the next sync, once the targets' registry entries are known.
  (void)tracer;
}

void ShadowEvaluator::stop(bpf::Tracer* tracer, ShadowRecord& record, State& state, int64_t now_ns) {
  if (record.status == "active") record.rows = rows_of(tracer, record, state);  // final
  record.status = "stopped";
  record.stopped_ns = now_ns;
  std::set<uint32_t> mine;
  for (const auto& [id, target] : record.targets) mine.insert(target.slot);
  for (uint32_t slot : mine) {
    auto it = slots_.find(slot);
    if (it == slots_.end() || it->second.shadow != record.name) continue;
    if (tracer) try { tracer->shadow_forget(slot); } catch (const std::exception& e) { spdlog::warn("shadow: forget slot {}: {}", slot, e.what()); }
    slots_.erase(it);
  }
  candidate_text_.erase(record.name);
  spdlog::info("shadow {}: stopped ({} result row(s) kept)", bytes::display_text(record.name), record.rows.size());
}

bool ShadowEvaluator::sync(bpf::Tracer* tracer, const std::vector<ShadowCandidateTarget>& watched, State& state,
                           int64_t now_ns) {
  bool changed = false;
  // 1. Requests.
  ShadowRequests read = read_shadow_requests(state_dir_);
  std::map<std::string, ShadowRequest>& requests = read.valid;
  std::set<std::string> bad_now;
  for (const auto& [path, error] : read.bad) {
    bad_now.insert(path);
    if (logged_[path] != error) spdlog::error("shadow: request {} ignored: {}", bytes::display_text(path), error);
    logged_[path] = error;
  }
  std::erase_if(logged_, [&](const auto& kv) { return !bad_now.count(kv.first); });
  // 2. Records: stop those whose request is gone, start (or refuse) new ones.
  for (auto& [name, record] : state.shadows)
    if (record.status == "active" && !requests.count(name)) {
      stop(tracer, record, state, now_ns);
      changed = true;
    }
  for (auto& [name, request] : requests) {
    auto it = state.shadows.find(name);
    if (it != state.shadows.end() && it->second.requested_ns == request.requested_ns) {
      if (it->second.status == "active" && !candidate_text_.count(name)) candidate_text_[name] = request.profile_text;
      continue;
    }
    if (it != state.shadows.end() && it->second.status == "active") stop(tracer, it->second, state, now_ns);
    ShadowRecord record;
    record.name = name;
    record.profile_path = request.profile_path;
    record.profile_sha256 = request.profile_sha256;
    record.containers = request.containers;
    record.all = request.all;
    record.requested_ns = request.requested_ns;
    record.started_ns = now_ns;
    bool available = false;
    available = tracer && tracer->shadow_available();
    if (available) record.lost_base = tracer->shadow_lost();
    candidate_text_[name] = request.profile_text;
    std::string error;
    if (!available) {
      record.status = "refused";
      record.detail = "the BPF tracer's syscall-entry hook (raw_tp/sys_enter) is not live here (or --syscall_hooks=off): "
                      "the audit stream alone cannot see allowed calls";
    } else if (!candidate_for(name, ShadowCandidateTarget{}, &error)) {
      record.status = "refused";
      record.detail = "the candidate profile cannot be compiled: " + error;
    } else {
      record.status = "active";
    }
    if (record.status != "active") candidate_text_.erase(name);
    spdlog::info("shadow {}: {}{}{}", bytes::display_text(name), record.status, record.detail.empty() ? "" : ": ",
                 record.detail);
    state.shadows[name] = std::move(record);
    changed = true;
  }
  // 3. Targets: every watched container a record asks for gets a slot per filter identity.
  std::map<std::string, const ShadowCandidateTarget*> by_id;
  for (const auto& t : watched) by_id[t.container_id] = &t;
  for (auto& [name, record] : state.shadows) {
    if (record.status != "active") continue;
    std::vector<const ShadowCandidateTarget*> wanted;
    if (record.all) {
      for (const auto& t : watched) wanted.push_back(&t);
    } else {
      for (const auto& id : record.containers)
        if (auto it = by_id.find(id); it != by_id.end()) wanted.push_back(it->second);
    }
    for (const ShadowCandidateTarget* t : wanted) {
      auto existing = record.targets.find(t->container_id);
      if (existing != record.targets.end() && existing->second.cgroup_id == t->cgroup_id) {
        Slot& s = slots_[existing->second.slot];
        if (s.identity.empty()) {  // restored after a restart: its filters and table again
          s.shadow = name;
          s.identity = identity_of(*t);
          if (!s.candidate) s.candidate = candidate_for(name, *t, nullptr);
          s.current = current_for(*t);
          if (s.candidate) try { fill(tracer, existing->second.slot); } catch (const std::exception& e) { spdlog::warn("shadow {}: {}", name, e.what()); }
        }
        continue;
      }
      const std::string identity = identity_of(*t);
      std::optional<uint32_t> slot;
      for (const auto& [n, s] : slots_)
        if (s.shadow == name && s.identity == identity) slot = n;
      if (!slot) {
        for (uint32_t n = 0; n < kMaxSlots && !slot; ++n)
          if (!slots_.count(n)) slot = n;
        if (!slot) {
          record.detail = "no free kernel slot for container " + t->container_id + " (at most " +
                          std::to_string(kMaxSlots) + " candidate/filter pairs at once)";
          continue;
        }
        std::string error;
        Slot s{name, identity, candidate_for(name, *t, &error), current_for(*t)};
        if (!s.candidate) {
          record.detail = "container " + t->container_id + ": the candidate cannot be compiled for it: " + error;
          continue;
        }
        slots_[*slot] = std::move(s);
        try {
          fill(tracer, *slot);
        } catch (const std::exception& e) {
          record.detail = std::string("the kernel table could not be filled: ") + e.what();
          slots_.erase(*slot);
          continue;
        }
      }
      ShadowTarget target;
      target.since_ns = now_ns;
      target.cgroup_id = t->cgroup_id;
      target.slot = *slot;
      if (auto c = state.containers.find(t->container_id); c != state.containers.end())
        for (const auto& [k, v] : c->second.verdicts) target.baseline[k] = v.count;
      record.targets[t->container_id] = std::move(target);
      changed = true;
      spdlog::info("shadow {}: container {} shadowed (slot {})", bytes::display_text(name),
                   bytes::display_text(t->container_id), *slot);
    }
  }
  apply_cgroups(tracer, state);
  return changed;
}

void ShadowEvaluator::apply_cgroups(bpf::Tracer* tracer, const State& state) {
  std::map<uint64_t, std::vector<uint32_t>> want;
  for (const auto& [name, record] : state.shadows) {
    if (record.status != "active") continue;
    for (const auto& [id, target] : record.targets) {
      auto& v = want[target.cgroup_id];
      if (std::find(v.begin(), v.end(), target.slot) == v.end() && v.size() < kSlotsPerCgroup) v.push_back(target.slot);
    }
  }
  for (const auto& [cg, slots] : applied_)
    if (!want.count(cg)) want[cg];  // no longer shadowed: an empty list clears it
  for (const auto& [cg, slots] : want) {
    auto it = applied_.find(cg);
    if (it != applied_.end() && it->second == slots) continue;
    if (!tracer) continue;
    try {
      tracer->shadow_cgroup(cg, slots);
    } catch (const std::exception& e) {
      spdlog::warn("shadow: cgroup {}: {}", cg, e.what());
      continue;  // not watched (yet, or any more): tried again at the next sync
    }
    applied_[cg] = slots;
  }
  std::erase_if(applied_, [](const auto& kv) { return kv.second.empty(); });
}

std::vector<ShadowRow> ShadowEvaluator::rows_of(const bpf::Tracer* tracer, const ShadowRecord& record,
                                                const State& state) {
  // (container, arch, nr, current, current errno, candidate, candidate errno) -> count
  using Key = std::tuple<std::string, uint32_t, int32_t, common::Action, int32_t, common::Action, int32_t>;
  std::map<Key, uint64_t> counts;
  std::map<uint64_t, std::string> container_of;  // cgroup id -> container id (this record's targets)
  std::set<uint32_t> mine;
  for (const auto& [id, t] : record.targets) {
    container_of[t.cgroup_id] = id;
    mine.insert(t.slot);
  }
  static const uint64_t zeros[6] = {0, 0, 0, 0, 0, 0};
  // Calls that ran: the kernel's counts.
  if (tracer) {
    for (const auto& c : tracer->shadow_counts()) {
      if (!mine.count(c.slot)) continue;
      auto who = container_of.find(c.cgroup_id);
      auto slot = slots_.find(c.slot);
      if (who == container_of.end() || slot == slots_.end() || !slot->second.candidate) continue;
      const Slot& s = slot->second;
      uint32_t cand = c.ret;
      if (c.ret == bpf::kShadowUndecided || depends_on_args(*s.candidate, c.audit_arch, c.nr))
        cand = verdict_ret(*s.candidate, c.audit_arch, c.nr, c.args);
      common::Action current = common::Action::Allow;
      if (s.current) {
        uint32_t ret = verdict_ret(*s.current, c.audit_arch, c.nr, c.args);
        if (call_runs(common::action_of(ret))) current = verdict_of(ret).action;  // (a call that ran was not denied, whatever a rebuilt filter says)
      }
      Verdict candidate = verdict_of(cand);
      counts[{who->second, common::arch_of(c.audit_arch, c.nr), c.nr, current, -1, candidate.action, candidate.error}] += c.count;
    }
  }
  // Calls the container's filter denied: the recorded verdicts since the target's baseline.
  for (const auto& [id, t] : record.targets) {
    auto c = state.containers.find(id);
    if (c == state.containers.end()) continue;
    auto slot = slots_.find(t.slot);
    const Program* cand = slot != slots_.end() ? slot->second.candidate.get() : nullptr;
    for (const auto& [k, v] : c->second.verdicts) {
      if (call_runs(k.action)) continue;  // counted at sys_enter
      uint64_t base = 0;
      if (auto b = t.baseline.find(k); b != t.baseline.end()) base = b->second;
      if (v.count <= base) continue;
      Verdict candidate{common::Action::Unknown, -1};
      auto audit_arch = shadow_audit_arch(k.arch);
      if (cand && audit_arch && !depends_on_args(*cand, *audit_arch, k.nr))
        candidate = verdict_of(verdict_ret(*cand, *audit_arch, k.nr, zeros));
      counts[{id, k.arch, k.nr, k.action, k.error, candidate.action, candidate.error}] += v.count - base;
    }
  }
  std::vector<ShadowRow> rows;
  for (const auto& [k, n] : counts) {
    const auto& [container, arch, nr, current, current_errno, candidate, candidate_errno] = k;
    auto audit_arch = shadow_audit_arch(arch);
    rows.push_back(ShadowRow{container, arch, nr, audit_arch ? syscall_name(*audit_arch, nr) : "#" + std::to_string(nr),
                             current, current_errno, candidate, candidate_errno, n});
  }
  return rows;
}

void ShadowEvaluator::collect(bpf::Tracer* tracer, State& state) {
  for (auto& [name, record] : state.shadows) {
    if (record.status != "active") continue;
    try {
      record.rows = rows_of(tracer, record, state);
    } catch (const std::exception& e) {
      spdlog::warn("shadow {}: reading its counts failed: {}", bytes::display_text(name), e.what());
    }
    if (tracer) {
      uint64_t lost = tracer->shadow_lost();
      record.lost = lost >= record.lost_base ? lost - record.lost_base : lost;
    }
  }
}

}  // namespace sc::audit
