#include "isolator/launch/inspection.h"

#include <set>

#include "host/cgroup2.h"
#include "isolator/launch/container_filter.h"
#include "isolator/launch/filter_readback.h"
#include "isolator/launch/launch_error.h"
#include "isolator/launch/profile_source.h"
#include "isolator/profile/parser.h"

namespace sc::launch {

std::optional<registry::Entry> find_container(pid_t pid, const std::string& runtime_dir, std::string* matched_by) {
  auto entries = registry::read_all(runtime_dir);
  for (const auto& e : entries)
    if (!e.exited_at_ns && e.pid == pid) {
      *matched_by = "pid";
      return e;
    }
  auto path = host::cgroup2_path_of(pid);
  if (!path) return std::nullopt;
  for (const auto& e : entries)
    if (!e.exited_at_ns && !e.cgroup_path.empty() && e.cgroup_path == *path) {
      *matched_by = "cgroup";
      return e;
    }
  return std::nullopt;
}

Inspection inspect_process(pid_t pid, const std::string& runtime_dir) {
  Inspection result;
  result.pid = pid;
  result.filters = read_installed_filters(pid);
  result.container = find_container(pid, runtime_dir, &result.matched_by);

  FilterStack expected;
  std::optional<ContainerFilter> built;
  std::vector<uint32_t> extra_arches;
  if (result.container && result.container->mode != "unconfined") {
    try {
      std::string bytes = read_profile_bytes(result.container->profile_path);
      if (sha256_hex(bytes) != result.container->profile_sha256)
        throw LaunchError("the profile file '" + result.container->profile_path +
                          "' changed since the container started (SHA-256 differs); comparing with its current content");
    } catch (const LaunchError& e) {
      result.comparison_problem = e.what();
    }
    try {
      std::string bytes = read_profile_bytes(result.container->profile_path);
      profile::Profile parsed = profile::parse_profile(bytes);
      std::set<std::string> caps(result.container->capabilities.begin(), result.container->capabilities.end());
      built.emplace(build_container_filter(parsed, caps, result.container->mode == "audit",
                                           result.container->new_syscalls == "enosys"
                                               ? profile::NewSyscalls::Enosys
                                               : profile::NewSyscalls::ProfileDefault));
      expected.push_back(built->filter.bpf());
      extra_arches = built->resolved.arches;
    } catch (const std::exception& e) {
      result.comparison_problem = std::string("cannot rebuild the container's filter: ") + e.what();
      built.reset();
    }
  }
  result.arches = probe_arches(extra_arches);
  result.verdicts = verdict_table(result.filters, result.arches);
  if (result.container && (result.container->mode == "unconfined" || built))
    result.comparison = compare_stacks(result.filters, expected, result.arches, built ? &built->resolved : nullptr);
  return result;
}

}  // namespace sc::launch
