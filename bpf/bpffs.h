// The bpf filesystem our pins live on. systemd mounts it at /sys/fs/bpf; minimal hosts and
// containers may not: then we mount it there ourselves (as systemd would), or fail clearly.
#pragma once

#include <string>

namespace sc::bpf {

inline constexpr const char* kBpffsMount = "/sys/fs/bpf";

// Makes `pin_dir` exist on a bpffs (creating parents). Mounts bpffs at /sys/fs/bpf when
// pin_dir lies below it and nothing is mounted there. Throws std::runtime_error naming the
// directory and the errno otherwise.
void ensure_pin_dir(const std::string& pin_dir);

// True when `path` is on a bpf filesystem.
bool on_bpffs(const std::string& path);

}  // namespace sc::bpf
