// OCI bundles for runc and crun: one rootfs holding the static syscall_bench and busybox
// (as /bin/true), and a config.json per run (runc's `runc spec` defaults: pid, network, ipc,
// uts and mount namespaces, read-only rootfs, /proc /dev /sys mounts, masked paths) with
// Docker's default capabilities and, optionally, a linux.seccomp object.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sc::bench {

struct Rootfs {
  std::string path;                 // absolute
  std::string bench = "/syscall_bench";  // inside the rootfs
  std::string true_program = "/bin/true";
  std::string host_path(const std::string& inside) const { return path + inside; }
};

// Creates DIR/rootfs (DIR must exist). Throws std::filesystem::filesystem_error.
Rootfs make_rootfs(const std::string& dir, const std::string& syscall_bench,
                   const std::string& busybox);

// Writes BUNDLE/config.json (BUNDLE is created when missing). `cgroups_path` is the
// container's cgroup ("/sc-bench-runtimes/<id>"), unique per run.
void write_bundle_config(const std::string& bundle, const Rootfs& rootfs,
                         const std::vector<std::string>& args,
                         const std::optional<nlohmann::json>& seccomp,
                         const std::string& cgroups_path);

}  // namespace sc::bench
