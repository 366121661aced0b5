// The audit companion daemon: reads verdicts from its sources (the kernel audit stream, the
// BPF tracer), attributes them to containers, folds them into the State, persists it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "audit/ownership/ownership.h"
#include "audit/sources/source.h"
#include "common/paths.h"

namespace sc::audit {

struct DaemonOptions {
  std::string listen = "127.0.0.1:9476";       // metrics; "off" or "" disables
  std::string state_dir = common::kDefaultStateDir;
  std::string runtime_dir = common::kDefaultRuntimeDir;
  double flush_interval_s = 5;
  std::string syscall_hooks = "auto";           // off | auto | on
  std::string cgroup_rules;                     // "" = the default table
  std::string pin_dir = common::kDefaultPinDir;
  std::string sources = "auto";                 // auto | audit | bpf (tests/benchmarks force one)
  double scan_interval_s = 1;                   // registry / cgroup tree rescan
  std::string disable_programs;                 // tracer programs off on purpose (bpf::TracerOptions.disable)
  std::string proc_connector = "auto";          // auto | off: netlink process connector (pid -> cgroup)
  // The exporter's bounds (metrics::ExporterOptions): exited containers leave the metrics
  // after metrics_retention_s; a container's verdict series beyond metrics_max_series are
  // folded into syscall="other".
  int64_t metrics_retention_s = 3600;
  size_t metrics_max_series = 500;
  // The registry entry label the workload is read from (run --workload_label); "" or a label
  // an entry lacks: the entry's own `workload` field (audit/daemon/workload.h).
  std::string workload_label;
};

// What the daemon takes from the host, replaceable for unit tests (tests/audit/
// daemon_unit_test.cpp drives it without root through FakeSource). Empty members: the real
// thing; `seccomp-audit run` passes none.
struct DaemonSeams {
  SourceOpener audit;            // instead of open_audit_stream() (when --sources opens the audit stream)
  SourceOpener proc_connector;   // instead of open_proc_connector() (when --proc_connector=auto)
  std::optional<std::string> cgroup_mount;   // instead of host::cgroup2_mount(); "": none
  // Without a tracer (--sources=audit): apply the ownership rules as if a tracer with these
  // hooks were live (its maps count nothing here; what it owns the audit stream leaves alone).
  std::optional<ownership::TracerHooks> tracer_hooks;
  std::function<bool(int32_t pid)> process_dying;   // instead of reading /proc/<pid>/status
};

// Runs until SIGTERM/SIGINT (or until `stop` becomes true). Returns the exit code:
// 0 after a clean stop, 1 when it cannot run at all (no source, bad rules file, state dir).
int run_daemon(const DaemonOptions& options, std::atomic<bool>* stop = nullptr, const DaemonSeams& seams = {});

}  // namespace sc::audit
