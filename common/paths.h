// Where the companion keeps things by default: one place for the defaults that the daemon,
// the CLIs, the isolator and the tracer share (each can be overridden by a flag).
#pragma once

#include <string>

namespace sc::common {

// The daemon's state: <state_dir>/state.json, the journal, shadows.
inline constexpr const char* kDefaultStateDir = "/var/lib/seccomp-companion";
// The registry of workloads the isolator launched (<runtime_dir>/containers/...).
inline constexpr const char* kDefaultRuntimeDir = "/run/seccomp-companion";
// The tracer's pinned maps and links on bpffs.
inline constexpr const char* kDefaultPinDir = "/sys/fs/bpf/seccomp-companion";

// <state_dir>/state.json.
inline std::string state_file_path(const std::string& state_dir) { return state_dir + "/state.json"; }

}  // namespace sc::common
