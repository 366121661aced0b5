// The ways of running a program that the benchmarks compare. Every contender runs the same
// static binaries (the rootfs's /syscall_bench and busybox /bin/true): on the host directly,
// under a filter our compiler built and loaded between fork and exec, under
// `seccomp-isolator launch`, or as an OCI container under runc / crun.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/runtimes/oci_bundle.h"
#include "bench/runtimes/process.h"

namespace sc::bench {

struct Contender {
  std::string label;          // table column / row
  bool filtered = false;      // runs under the Docker profile (checked on every run)
  std::string unavailable;    // why it is not measured here; "" when it is
  std::vector<std::string> extra_bench_args;  // appended to syscall_bench's arguments
  // Runs argv (argv[0] is a path inside the rootfs) and returns what happened.
  std::function<ProcessResult(const std::vector<std::string>&)> run;
};

// Runs the rootfs's programs directly on the host; `in_child` (may be empty) runs between
// fork and exec, e.g. to load a seccomp filter.
Contender host_contender(std::string label, const Rootfs& rootfs, bool filtered,
                         std::function<void()> in_child = {});

// runc or crun: a config.json written per run with a unique id and cgroupsPath, state kept
// under `state_root` (not the system's), the container deleted if a run fails.
Contender oci_contender(std::string label, const std::string& runtime_binary,
                        const std::string& state_root, const std::string& bundle_dir,
                        const Rootfs& rootfs, std::optional<nlohmann::json> seccomp);

// `seccomp-isolator launch FLAGS -- <program>`: the rootfs's programs by their host paths,
// or, with `pivot_into_rootfs`, `--rootfs=<rootfs>` and the paths inside it.
Contender isolator_contender(std::string label, const std::string& isolator_binary,
                             std::vector<std::string> launch_flags, const Rootfs& rootfs,
                             bool pivot_into_rootfs);

// Runs `probe_argv` once; when that fails, marks the contender unavailable with the reason.
void probe(Contender& contender, const std::vector<std::string>& probe_argv);

// The first executable `name` on PATH, /usr/sbin or /sbin; "" when none.
std::string find_program(const std::string& name);

}  // namespace sc::bench
