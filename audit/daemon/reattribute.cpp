#include "audit/daemon/reattribute.h"

#include <algorithm>
#include <cstdlib>

namespace sc::audit {

uint64_t merge_container_record(State& state, const std::string& from, const std::string& to) {
  if (from == to) return 0;
  auto f = state.containers.find(from);
  if (f == state.containers.end()) return 0;
  ContainerRecord src = std::move(f->second);
  state.containers.erase(f);
  auto [it, created] = state.containers.try_emplace(to);
  ContainerRecord& dst = it->second;
  if (created) {
    dst = src;
    dst.container_id = to;
    dst.verdicts.clear();
    dst.learned.clear();
  }
  if (src.first_seen_ns && (dst.first_seen_ns == 0 || src.first_seen_ns < dst.first_seen_ns))
    dst.first_seen_ns = src.first_seen_ns;
  dst.last_seen_ns = std::max(dst.last_seen_ns, src.last_seen_ns);
  uint64_t moved = 0;
  for (auto& [key, v] : src.verdicts) {
    moved += v.count;
    auto [d, fresh] = dst.verdicts.try_emplace(key, v);
    if (fresh) continue;
    VerdictStats& dv = d->second;
    if (v.count) {
      if (dv.count == 0 || (v.first_seen_ns && v.first_seen_ns < dv.first_seen_ns)) dv.first_seen_ns = v.first_seen_ns;
      dv.last_seen_ns = std::max(dv.last_seen_ns, v.last_seen_ns);
      dv.count += v.count;
    }
    if (dv.syscall.empty()) dv.syscall = v.syscall;
    if (!dv.would_be_action) dv.would_be_action = v.would_be_action;
    if (v.sample && (!dv.sample || (!dv.sample->has_args && v.sample->has_args))) dv.sample = v.sample;
  }
  for (auto& [arch, nrs] : src.learned) dst.learned[arch].insert(nrs.begin(), nrs.end());
  return moved;
}

namespace {

// A record kept under a bare cgroup: registry container ids never contain '/', rule ids are
// not paths either; "cgroup:<id>" is the tracer's unknown cgroup id.
bool bare_cgroup_record(const ContainerRecord& r) {
  if (r.runtime != "cgroup" && r.runtime != "seccomp-companion" && !r.runtime.empty()) return false;
  return (!r.container_id.empty() && r.container_id[0] == '/') || r.container_id.rfind("cgroup:", 0) == 0;
}

}  // namespace

std::vector<Reattribution> reattribute_bare_cgroups(State& state, const attribution::Attributor& attributor) {
  std::vector<Reattribution> done;
  if (attributor.registry().empty()) return done;
  std::vector<std::pair<std::string, const registry::Entry*>> moves;
  for (const auto& [id, record] : state.containers) {
    if (!bare_cgroup_record(record)) continue;
    const registry::Entry* entry = nullptr;
    if (id[0] == '/') {
      entry = attributor.attribute(id).entry;
    } else {
      uint64_t cgroup_id = std::strtoull(id.c_str() + 7, nullptr, 10);
      for (const auto& e : attributor.registry())
        if (cgroup_id && e.cgroup_id == cgroup_id && (!entry || e.started_at_ns > entry->started_at_ns)) entry = &e;
    }
    if (entry && entry->container_id != id) moves.emplace_back(id, entry);
  }
  for (const auto& [from, entry] : moves) {
    uint64_t counts = merge_container_record(state, from, entry->container_id);
    ContainerRecord& c = state.containers.at(entry->container_id);
    c.runtime = entry->runtime;
    if (!entry->container_name.empty()) c.container_name = entry->container_name;
    c.cgroup_path = entry->cgroup_path;
    if (entry->cgroup_id) c.cgroup_id = entry->cgroup_id;
    c.mode = entry->mode;
    c.profile_name = entry->profile_name;
    c.profile_path = entry->profile_path;
    c.profile_sha256 = entry->profile_sha256;
    done.push_back({from, entry->container_id, counts});
  }
  return done;
}

}  // namespace sc::audit
