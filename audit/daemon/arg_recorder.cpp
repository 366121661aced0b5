#include "audit/daemon/arg_recorder.h"

#include <linux/audit.h>

#include <spdlog/spdlog.h>

#include "audit/daemon/arch_names.h"
#include "common/arch.h"
#include "bytes/untrusted.h"
#include "isolator/profile/arch.h"
#include "isolator/profile/capabilities.h"
#include "isolator/profile/context_options.h"
#include "isolator/profile/parser.h"

#include "bpf/tracer.h"
static_assert(sc::audit::kArgTuplesPerSyscall == sc::bpf::kArgTuplesPerSyscall);

namespace sc::audit {
namespace {

constexpr int32_t kRecordMaxNr = 1024;  // SC_LEARN_MAX_NR: the kernel's bitmap

std::string enforcing_identity(const registry::Entry& e) {
  std::string id = e.profile_sha256 + "|" + e.profile_path + "|" + e.new_syscalls + "|caps:";
  for (const auto& c : e.capabilities) id += c + ",";
  return id;
}

ArgCountKey count_key(uint64_t cg, uint32_t arch, int32_t nr, const uint64_t args[6]) {
  ArgCountKey k{cg, arch, nr, {}};
  for (int i = 0; i < 6; ++i) k.args[i] = args[i];
  return k;
}

// The "log" verdict a would-be denial of (arch, nr) is recorded under, or null while the audit
// stream (or the audit hook) has not produced it yet.
VerdictStats* log_verdict(ContainerRecord& c, uint32_t audit_arch, int32_t nr) {
  auto it = c.verdicts.find(VerdictKey{common::arch_of(audit_arch, nr), nr, common::Action::Log, -1});
  return it == c.verdicts.end() ? nullptr : &it->second;
}

// Adds `calls` made with tuple `t`, within the bound (the kernel's own bound is per
// (container, arch, syscall); this one also holds after the kernel's maps were reset).
void add_calls(ArgRecord& record, const ArgTuple& t, uint64_t calls) {
  auto known = record.tuples.find(t);
  if (known != record.tuples.end())
    known->second += calls;
  else if (record.tuples.size() < kArgTuplesPerSyscall)
    record.tuples[t] = calls;
  else
    record.dropped += calls;
}

}  // namespace

std::map<uint32_t, std::vector<int32_t>> ArgRecorder::wanted_by(const CompiledProfile& enforcing) {
  static const uint64_t zeros[6] = {0, 0, 0, 0, 0, 0};
  std::map<uint32_t, std::vector<int32_t>> out;
  // x86_64, x32 (AUDIT_ARCH_X86_64 with the x32 bit in the number), i386.
  for (auto [arch, bit] : {std::pair{uint32_t{AUDIT_ARCH_X86_64}, 0u}, std::pair{uint32_t{AUDIT_ARCH_X86_64}, profile::kX32SyscallBit},
                           std::pair{uint32_t{AUDIT_ARCH_I386}, 0u}})
    for (int32_t n = 0; n < kRecordMaxNr; ++n) {
      int32_t nr = static_cast<int32_t>(static_cast<uint32_t>(n) | bit);
      if (depends_on_args(enforcing, arch, nr) || verdict_of(verdict_ret(enforcing, arch, nr, zeros)).action != common::Action::Allow)
        out[arch].push_back(nr);
    }
  return out;
}

void ArgRecorder::sync(bpf::Tracer* tracer, const std::vector<ShadowCandidateTarget>& targets) {
  if (!tracer || !tracer->shadow_available()) return;
  synced_ = true;
  watched_.clear();
  for (const auto& t : targets) {
    watched_.insert(t.cgroup_id);
    bool audit = t.entry && t.entry->mode == "audit" && !t.entry->profile_path.empty();
    auto it = recorded_.find(t.cgroup_id);
    if (!audit) {
      if (it != recorded_.end()) {
        try { tracer->record_args(t.cgroup_id, {}); } catch (const std::exception& e) { spdlog::warn("bpf: {}", e.what()); }
        recorded_.erase(it);
      }
      continue;
    }
    std::string identity = enforcing_identity(*t.entry);
    if (it != recorded_.end() && it->second.identity == identity) continue;
    try {
      profile::ResolveContext ctx;
      ctx.capabilities = {t.entry->capabilities.begin(), t.entry->capabilities.end()};
      ctx.audit = false;  // the filter the container would run enforced
      ctx.new_syscalls = profile::parse_new_syscalls(t.entry->new_syscalls.empty() ? "default" : t.entry->new_syscalls);
      auto enforcing = compile_profile(profile::load_profile(t.entry->profile_path), ctx);
      auto wanted = wanted_by(*enforcing);
      tracer->record_args(t.cgroup_id, wanted);
      size_t n = 0;
      for (const auto& [arch, nrs] : wanted) n += nrs.size();
      recorded_[t.cgroup_id] = Recorded{t.container_id, identity, std::move(enforcing)};
      spdlog::info("bpf: recording the arguments of {} syscall number(s) of container {} (its would-be denials)", n,
                   bytes::display_text(t.container_id));
      logged_.erase(t.container_id);
    } catch (const std::exception& e) {
      std::string why = e.what();
      if (logged_[t.container_id] != why)
        spdlog::warn("bpf: arguments of container {} are not recorded: {}", bytes::display_text(t.container_id), why);
      logged_[t.container_id] = why;
    }
  }
}

void ArgRecorder::collect(bpf::Tracer* tracer, State& state, TracerBaseline& baseline) {
  if (!tracer || recorded_.empty()) return;
  std::vector<bpf::ArgCount> counts;
  std::vector<bpf::ArgDrops> drops;
  try {
    counts = tracer->arg_counts();
    drops = tracer->arg_drops();
  } catch (const std::exception& e) {
    spdlog::error("bpf: reading argument counts failed: {}", e.what());
    return;
  }
  auto container_of = [&](uint64_t cg) -> std::pair<const Recorded*, ContainerRecord*> {
    auto r = recorded_.find(cg);
    if (r == recorded_.end()) return {nullptr, nullptr};
    auto c = state.containers.find(r->second.container_id);
    return {&r->second, c == state.containers.end() ? nullptr : &c->second};
  };
  std::set<uint64_t> orphans;
  for (const auto& a : counts) {
    auto [rec, c] = container_of(a.cgroup_id);
    if (!rec) {
      if (synced_ && !watched_.count(a.cgroup_id)) orphans.insert(a.cgroup_id);
      continue;
    }
    if (!c) continue;
    ArgCountKey key = count_key(a.cgroup_id, a.audit_arch, a.nr, a.args);
    auto b = baseline.args.find(key);
    uint64_t base = b == baseline.args.end() ? 0 : b->second;
    uint64_t delta = a.count >= base ? a.count - base : a.count;  // smaller: the maps were reset
    if (delta == 0) continue;
    ArgTuple t;
    for (int i = 0; i < 6; ++i) t[i] = a.args[i];
    ArgRecord* record = nullptr;
    if (verdict_of(verdict_ret(*rec->enforcing, a.audit_arch, a.nr, a.args)).action == common::Action::Allow) {
      // Allowed by its arguments: what an argument-checked rule matched (for --tighten).
      // Allowed outright cannot be (those syscalls are not recorded).
      record = &c->allowed_args[{common::arch_of(a.audit_arch, a.nr), a.nr}];
    } else {
      VerdictStats* v = log_verdict(*c, a.audit_arch, a.nr);
      if (!v) continue;  // its verdict is not recorded yet: take the calls at a later collect
      if (!v->args) v->args.emplace();
      record = &*v->args;
    }
    add_calls(*record, t, delta);
    baseline.args[key] = a.count;
  }
  for (const auto& d : drops) {
    auto [rec, c] = container_of(d.cgroup_id);
    if (!rec || !c) continue;
    ArgDropKey key{d.cgroup_id, d.audit_arch, d.nr};
    auto b = baseline.drops.find(key);
    uint64_t base = b == baseline.drops.end() ? 0 : b->second;
    uint64_t delta = d.dropped >= base ? d.dropped - base : d.dropped;
    if (delta == 0) continue;
    // A dropped call's verdict is unknown (its tuple was not kept): it is counted on the
    // syscall's would-be denials and, where the filter judges the syscall by its arguments, on
    // its allowed tuples too, so neither looks complete when it is not.
    VerdictStats* v = log_verdict(*c, d.audit_arch, d.nr);
    bool by_args = depends_on_args(*rec->enforcing, d.audit_arch, d.nr);
    if (!v && !by_args) continue;  // its verdict is not recorded yet: take them at a later collect
    if (v) {
      if (!v->args) v->args.emplace();
      v->args->dropped += delta;
    }
    if (by_args) c->allowed_args[{common::arch_of(d.audit_arch, d.nr), d.nr}].dropped += delta;
    baseline.drops[key] = d.dropped;
  }
  // Entries of cgroups no longer watched (gone while no daemon ran): their calls up to the last
  // flush were taken then.
  for (uint64_t cg : orphans) forget(tracer, cg, baseline);
}

void ArgRecorder::forget(bpf::Tracer* tracer, uint64_t cgroup_id, TracerBaseline& baseline) {
  if (tracer) try {
      tracer->forget_args(cgroup_id);
    } catch (const std::exception& e) {
      spdlog::warn("bpf: forgetting the argument counts of cgroup {}: {}", cgroup_id, e.what());
    }
  recorded_.erase(cgroup_id);
  baseline.forget_args(cgroup_id);
}

}  // namespace sc::audit
