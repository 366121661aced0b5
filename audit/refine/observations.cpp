#include "audit/refine/observations.h"

#include <algorithm>
#include <stdexcept>

#include "audit/refine/syscall_names.h"
#include "common/arch.h"

namespace sc::refine {
namespace {

void finish(ContainerGroup& group) {
  // The newest container's profile file is the one a patch should apply to.
  const audit::ContainerRecord* newest = nullptr;
  std::set<std::string> digests;
  for (const auto* c : group.containers) {
    if (!newest || c->first_seen_ns >= newest->first_seen_ns) newest = c;
    if (!c->profile_sha256.empty()) digests.insert(c->profile_sha256);
  }
  if (newest) {
    group.profile_path = newest->profile_path;
    group.profile_sha256 = newest->profile_sha256;
  }
  if (digests.size() > 1)
    group.warnings.push_back("containers of profile '" + group.profile_name + "' ran " +
                             std::to_string(digests.size()) +
                             " different versions of the file; the patch is computed against " +
                             (group.profile_path.empty() ? "the newest" : "'" + group.profile_path + "'"));
}

}  // namespace

ContainerGroup select_container(const audit::State& state, const std::string& container_id) {
  auto it = state.containers.find(container_id);
  if (it == state.containers.end())
    throw std::runtime_error("container '" + container_id + "' is not in the recorded state");
  ContainerGroup group;
  group.profile_name = it->second.profile_name;
  group.containers.push_back(&it->second);
  finish(group);
  return group;
}

ContainerGroup select_profile(const audit::State& state, const std::string& profile_name) {
  ContainerGroup group;
  group.profile_name = profile_name;
  for (const auto& [id, c] : state.containers)
    if (c.profile_name == profile_name) group.containers.push_back(&c);
  if (group.containers.empty())
    throw std::runtime_error("no recorded container ran profile '" + profile_name + "'");
  finish(group);
  return group;
}

std::vector<ContainerGroup> group_by_profile(const audit::State& state) {
  std::map<std::string, ContainerGroup> groups;
  for (const auto& [id, c] : state.containers) {
    auto& g = groups[c.profile_name];
    g.profile_name = c.profile_name;
    g.containers.push_back(&c);
  }
  std::vector<ContainerGroup> out;
  for (auto& [name, g] : groups) {
    finish(g);
    out.push_back(std::move(g));
  }
  return out;
}

std::vector<RecordedVerdict> recorded_verdicts(const ContainerGroup& group) {
  std::vector<RecordedVerdict> out;
  for (const auto* c : group.containers)
    for (const auto& [key, stats] : c->verdicts) {
      std::string name = stats.syscall;
      if (name.empty() || name[0] == '#') name = syscall_name(key.arch, key.nr).value_or("");
      out.push_back({c, key, &stats, name});
    }
  return out;
}

void merge_into(std::map<std::string, MergedCall>& calls, const RecordedVerdict& v, const EnforcingVerdict& would_be) {
  MergedCall& m = calls[v.name];
  bool first = m.count == 0 && m.containers.empty();
  m.name = v.name;
  m.count += v.stats->count;
  if (first || v.stats->first_seen_ns < m.first_seen_ns) m.first_seen_ns = v.stats->first_seen_ns;
  if (first || v.stats->last_seen_ns > m.last_seen_ns) m.last_seen_ns = v.stats->last_seen_ns;
  m.containers.insert(v.container->container_id);
  if (!v.container->host.empty()) m.hosts.insert(v.container->host);
  m.actions.insert(common::action_text(v.key.action));
  if (would_be.judged()) m.would_be.insert(would_be);
  m.arch_numbers.insert({common::arch_name(v.key.arch), v.key.nr});
  if (v.stats->sample && v.stats->sample->has_args) m.recorded_args.insert(v.stats->sample->args);
  if (v.stats->args) {
    m.args_recorded = true;
    m.args_dropped += v.stats->args->dropped;
    for (const auto& [t, n] : v.stats->args->tuples) m.arg_counts[{common::arch_name(v.key.arch), t}] += n;
  }
  if (v.stats->sample && (!m.sample || (!m.sample->has_args && v.stats->sample->has_args))) {
    m.sample = v.stats->sample;
    m.sample_arch = common::arch_name(v.key.arch);
    m.sample_nr = v.key.nr;
  }
}

}  // namespace sc::refine
