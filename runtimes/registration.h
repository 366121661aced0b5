// A container of another runtime (Docker through the runc wrapper, Podman and CRI-O through
// the OCI hook) enters the isolator's registry, in the same format `seccomp-isolator launch`
// writes, so the daemon, `suggest` and `report` treat it as one of ours: the runtime's
// container id and name, its cgroup, its mode, and the Docker-format profile it runs.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "isolator/registry/registry.h"

namespace sc::runtimes {

struct RegistrationOptions {
  std::string runtime_dir = registry::kDefaultRuntimeDir;
  std::string runtime;                       // "" = from the bundle's annotations
  // Where the profiles a container may run are looked for (profile_match.h), in this order:
  // the runtimes' defaults (bundled_profiles_dir, Podman's seccomp.json), then these.
  std::string bundled_profiles_dir;
  std::vector<std::string> profile_files;    // e.g. /usr/share/containers/seccomp.json
  std::vector<std::string> profile_dirs;     // the operator's profiles
};

struct ContainerStart {
  std::string id;
  pid_t pid = 0;
  std::string bundle;                        // the OCI bundle directory (holds config.json)
};

struct Registered {
  registry::Entry entry;
  std::vector<std::string> notes;            // what could not be learned, and why
};

// Reads <bundle>/config.json and writes the entry (and, for a profile that is no known file,
// <runtime_dir>/profiles/<sha256>.json, its Docker-format form). Throws std::runtime_error
// naming the file and JSON path of what is wrong.
Registered register_container(const ContainerStart& start, const RegistrationOptions& options);

// The container is gone: its entry gets exited_at_ns (and the status when known). No entry,
// nothing to do.
void register_exit(const std::string& runtime_dir, const std::string& container_id, std::optional<int> status);

}  // namespace sc::runtimes
