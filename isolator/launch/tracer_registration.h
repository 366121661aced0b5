// Registers a container's cgroup with the companion's tracer, from `launch`, before the
// container runs: what `--seccomp_log=auto` needs to leave the LOG flag off.
//
// Without SECCOMP_FILTER_FLAG_LOG the kernel writes no audit record for an ERRNO (or TRAP)
// denial: that is 20-30 times cheaper per denied call, but the audit stream no longer sees the
// denial. The tracer's syscall hooks (raw_tp sys_enter/sys_exit, see bpf/tracer.bpf.c) count
// such denials exactly for the cgroups in its pinned `sc_watched` map that carry
// SC_WATCH_EXACT. The daemon adds a container there once it has read its registry entry, which
// is after the container started; launch adds it itself, before the first instruction, so that
// not one denial goes uncounted. It uses the bpf(2) system call directly (two map operations
// and an object lookup), which keeps libbpf out of the launcher.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sc::launch {

// True when the tracer's syscall hooks are attached right now: their links are pinned in
// `pin_dir` (a pinned link stays attached while its pin exists, also while no daemon runs).
// `why` says what is missing when false.
bool syscall_hooks_attached(const std::string& pin_dir, std::string* why);

// The container's entry in the tracer's pinned sc_watched map, removed when the container is
// gone (the daemon keeps what the tracer counted: counts live in another map).
class TracerRegistration {
 public:
  // Adds `cgroup_id` as watched with exact counting and a fresh pairing generation. nullopt,
  // with the reason in `why`, when the map cannot be opened or updated.
  static std::optional<TracerRegistration> add(const std::string& pin_dir, uint64_t cgroup_id, std::string* why);
  TracerRegistration(TracerRegistration&& other) noexcept;
  TracerRegistration& operator=(TracerRegistration&& other) noexcept;
  TracerRegistration(const TracerRegistration&) = delete;
  ~TracerRegistration();

 private:
  TracerRegistration(int map_fd, uint64_t cgroup_id) : map_fd_(map_fd), cgroup_id_(cgroup_id) {}
  void remove() noexcept;
  int map_fd_ = -1;
  uint64_t cgroup_id_ = 0;
};

}  // namespace sc::launch
