#include "state/observation.h"

namespace sc::audit {

void apply(State& state, const Observation& o) {
  auto [it, created] = state.containers.try_emplace(o.container_id);
  ContainerRecord& c = it->second;
  if (created) {
    c.container_id = o.container_id;
    c.first_seen_ns = o.first_ns;
  }
  // Metadata follows the latest knowledge (a registry entry may appear after the rules matched).
  if (!o.runtime.empty()) c.runtime = o.runtime;
  if (!o.cgroup_path.empty()) c.cgroup_path = o.cgroup_path;
  if (o.cgroup_id) c.cgroup_id = o.cgroup_id;
  if (!o.mode.empty()) c.mode = o.mode;
  if (!o.profile_name.empty()) c.profile_name = o.profile_name;
  if (!o.profile_path.empty()) c.profile_path = o.profile_path;
  if (!o.profile_sha256.empty()) c.profile_sha256 = o.profile_sha256;
  if (c.first_seen_ns == 0 || (o.first_ns && o.first_ns < c.first_seen_ns)) c.first_seen_ns = o.first_ns;
  if (o.last_ns > c.last_seen_ns) c.last_seen_ns = o.last_ns;

  auto [vit, vcreated] = c.verdicts.try_emplace(o.key);
  VerdictStats& v = vit->second;
  if (vcreated || v.syscall.empty()) v.syscall = o.syscall;
  if (o.count > 0) {
    if (v.count == 0 || (o.first_ns && o.first_ns < v.first_seen_ns)) v.first_seen_ns = o.first_ns;
    if (o.last_ns > v.last_seen_ns) v.last_seen_ns = o.last_ns;
    v.count += o.count;
  }
  if (o.would_be_action) v.would_be_action = o.would_be_action;
  // Keep the first sample with arguments if any source has them; else the first one seen.
  if (o.sample && (!v.sample || (!v.sample->has_args && o.sample->has_args))) v.sample = o.sample;
}

}  // namespace sc::audit
