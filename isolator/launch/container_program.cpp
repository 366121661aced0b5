#include "isolator/launch/container_program.h"

#include "isolator/launch/container_filter.h"
#include "isolator/launch/launch_error.h"

namespace sc::launch {

ContainerProgram container_program(const ProfileSource& profile, const std::set<std::string>& bounding_capabilities,
                                   bool audit, const std::optional<ProgramCache>& cache,
                                   profile::NewSyscalls new_syscalls) {
  ContainerProgram out;
  std::string key;
  if (cache) {
    ProgramKeyInput input;
    input.profile_sha256 = profile.sha256;
    input.capabilities = bounding_capabilities;
    input.audit = audit;
    input.new_syscalls = new_syscalls;
    input.options = container_compile_options();
    key = program_cache_key(input);
    std::string problem;
    if (auto hit = cache->lookup(key, &problem)) {
      out.program = std::move(hit->program);
      out.warnings = std::move(hit->warnings);
      out.from_cache = true;
      return out;
    }
    if (!problem.empty()) out.cache_notes.push_back(problem + "; recompiling");
  }

  ContainerFilter filter = build_container_filter(profile.profile(), bounding_capabilities, audit, new_syscalls);
  try {
    out.program = filter.filter.program();
  } catch (const std::exception& e) {
    throw LaunchError(std::string("Failed to create Seccomp filter: ") + e.what());
  }
  out.warnings = filter.resolved.warnings;
  if (cache) {
    try {
      cache->store(key, CachedProgram{out.program, out.warnings});
    } catch (const std::exception& e) {
      out.cache_notes.push_back(std::string("could not cache the compiled program: ") + e.what());
    }
  }
  return out;
}

}  // namespace sc::launch
