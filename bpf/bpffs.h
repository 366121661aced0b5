// The bpf filesystem our pins live on. systemd mounts it at /sys/fs/bpf; minimal hosts and
// containers may not: then we mount it there ourselves (as systemd would), or fail clearly.
#pragma once

#include <cstddef>
#include <string>

namespace sc::bpf {

inline constexpr const char* kBpffsMount = "/sys/fs/bpf";

// Makes `pin_dir` exist on a bpffs (creating parents). Mounts bpffs at /sys/fs/bpf when
// pin_dir lies below it and nothing is mounted there. Throws std::runtime_error naming the
// directory and the errno otherwise.
void ensure_pin_dir(const std::string& pin_dir);

// True when `path` is on a bpf filesystem.
bool on_bpffs(const std::string& path);

// `seccomp-audit run --reset`: removes `pin_dir` and everything under it (the tracer's pinned
// maps and program links; stale sys_enter/sys_exit links keep running for every syscall on
// the host until removed). Refuses (throws std::runtime_error naming the path) when it is not
// a directory on bpffs, so a wrong flag can never delete real files. Returns the number of
// entries removed (0 when the directory does not exist). A loaded tracer removes its own pins
// with Tracer::unpin(); this is for pins that no running process holds.
size_t reset_pins(const std::string& pin_dir);

}  // namespace sc::bpf
