// The program a container's child installs: from the program cache when an entry for
// exactly this profile, context and host is there and sound, else resolved and compiled
// (and then stored for the next launch).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "isolator/compiler/filter.h"
#include "isolator/launch/profile_source.h"
#include "isolator/launch/program_cache.h"

namespace sc::launch {

struct ContainerProgram {
  compiler::Program program;
  std::vector<std::string> warnings;  // the resolver's, also on a cache hit
  bool from_cache = false;
  std::vector<std::string> cache_notes;  // entries ignored, stores that failed (for stderr)
};

// `cache` nullopt: always compile, touch no cache. Throws LaunchError
// ("Failed to create Seccomp filter: ...") when the profile cannot be compiled.
ContainerProgram container_program(const ProfileSource& profile, const std::set<std::string>& bounding_capabilities,
                                   bool audit, const std::optional<ProgramCache>& cache,
                                   profile::NewSyscalls new_syscalls = profile::NewSyscalls::Enosys);

}  // namespace sc::launch
