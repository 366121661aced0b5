#include "isolator/launch/container_filter.h"

#include <unistd.h>

#include "isolator/launch/launch_error.h"

namespace sc::launch {

compiler::CompileOptions container_compile_options() {
  compiler::CompileOptions options;
  options.binary_tree = true;
  options.log_flag = true;  // ERRNO/TRAP denials reach the audit stream too
  // Root loads without no_new_privs (Mesos); anyone else needs it to load at all.
  options.no_new_privs = ::geteuid() != 0;
  return options;
}

ContainerFilter build_container_filter(const profile::Profile& profile,
                                       const std::set<std::string>& bounding_capabilities,
                                       bool audit, profile::NewSyscalls new_syscalls) {
  try {
    profile::ResolveContext context;
    context.capabilities = bounding_capabilities;
    context.audit = audit;
    context.new_syscalls = new_syscalls;
    profile::ResolvedProfile resolved = profile::resolve(profile, context);
    compiler::Filter filter(resolved, container_compile_options());
    return ContainerFilter{std::move(resolved), std::move(filter)};
  } catch (const LaunchError&) {
    throw;
  } catch (const std::exception& e) {
    throw LaunchError(std::string("Failed to create Seccomp filter: ") + e.what());
  }
}

}  // namespace sc::launch
