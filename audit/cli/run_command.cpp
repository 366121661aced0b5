// `seccomp-audit run`: the daemon. Flags may also come from a config file (--config=FILE,
// INI/TOML "key = value" lines with the flag names).
#include <spdlog/spdlog.h>

#include "audit/cli/commands.h"
#include "audit/daemon/daemon.h"
#include "bpf/bpffs.h"

namespace sc::audit::cli {

Run add_run_command(CLI::App& app) {
  auto* sub = app.add_subcommand("run", "the audit companion daemon: records every seccomp verdict per container");
  auto opts = std::make_shared<DaemonOptions>();
  auto log_level = std::make_shared<std::string>("info");
  auto reset = std::make_shared<bool>(false);
  sub->add_option("--listen", opts->listen, "metrics address host:port (\"off\" disables)")->capture_default_str();
  sub->add_option("--metrics_retention", opts->metrics_retention_s,
                  "seconds an exited container's series stay in the metrics (then they leave the scrape)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{10} * 365 * 24 * 3600));
  sub->add_option("--metrics_max_series", opts->metrics_max_series,
                  "verdict series per container; the rarest beyond it are folded into syscall=\"other\" "
                  "(bounds the label cardinality; at least 8, one per action, are kept)")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{1000000}));
  sub->add_option("--workload_label", opts->workload_label,
                  "registry entry label holding the workload name (e.g. app.kubernetes.io/name); entries without "
                  "it use their own workload field. The workload labels every verdict series");
  sub->add_option("--state_dir", opts->state_dir, "where state.json and the journal live")->capture_default_str();
  sub->add_option("--runtime_dir", opts->runtime_dir, "the isolator's runtime dir (registry in containers/)")
      ->capture_default_str();
  sub->add_option("--flush_interval", opts->flush_interval_s, "seconds between writes of state.json")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 3600.0));
  sub->add_option("--syscall_hooks", opts->syscall_hooks, "tracer sys_enter/sys_exit hooks: off, auto or on")
      ->capture_default_str()
      ->check(CLI::IsMember({"off", "auto", "on"}));
  sub->add_option("--cgroup_rules", opts->cgroup_rules, "JSON file replacing the default cgroup attribution rules");
  sub->add_option("--pin_dir", opts->pin_dir, "bpffs directory for the tracer's pinned maps")->capture_default_str();
  sub->add_option("--disable_hooks", opts->disable_programs,
                  "switch tracer programs off on purpose: comma-separated program or hook names "
                  "(e.g. tp_btf/signal_generate); what they serve is then counted by the audit stream or not seen "
                  "(also: SC_TRACER_DISABLE)");
  sub->add_option("--sources", opts->sources, "which sources to open: auto, audit or bpf")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "audit", "bpf"}));
  sub->add_option("--scan_interval", opts->scan_interval_s, "seconds between rescans of the registry and cgroup tree")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 3600.0));
  sub->add_option("--proc_connector", opts->proc_connector,
                  "netlink process connector keeping pid -> cgroup from fork time (places processes gone "
                  "before their audit record is read): auto or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "off"}));
  sub->add_option("--log_level", *log_level, "trace, debug, info, warn, error, critical or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  sub->add_flag("--reset", *reset,
                "remove the tracer's pins under --pin_dir (maps and attached programs: their counts are "
                "lost) and exit; refuses a directory that is not on bpffs");
  // CLI11 (2.1) reads a config file for the main app only: set_config on this subcommand was
  // silently ignored. The file is read here, after the command line, which takes precedence.
  auto config = std::make_shared<std::string>();
  sub->add_option("--config", *config,
                  "read flags from this file: one 'name = value' per line (INI/TOML, optional [run] section); "
                  "the command line takes precedence")
      ->check(CLI::ExistingFile);
  return [sub, opts, log_level, reset, config] {
    if (!config->empty()) {
      for (const CLI::ConfigItem& item : CLI::ConfigINI().from_file(*config)) {
        if (item.name == "++" || item.name == "--") continue;  // CLI11's section start and end marks
        if (!item.parents.empty() && !(item.parents.size() == 1 && item.parents[0] == "run"))
          throw std::runtime_error(*config + ": unknown section [" + item.parents[0] + "]");
        CLI::Option* o = item.name == "config" ? nullptr : sub->get_option_no_throw("--" + item.name);
        if (o == nullptr || item.name == "help")
          throw std::runtime_error(*config + ": unknown key '" + item.name + "'");
        if (o->count() > 0) continue;  // given on the command line
        o->add_result(item.inputs);
        try {
          o->run_callback();
        } catch (const CLI::Error& e) {
          throw std::runtime_error(*config + ": " + item.name + ": " + e.what());
        }
      }
    }
    spdlog::set_level(spdlog::level::from_str(*log_level));
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ seccomp-audit: %v");
    if (*reset) {
      try {
        size_t n = bpf::reset_pins(opts->pin_dir);
        spdlog::info("reset: removed {} pinned entr{} under {}", n, n == 1 ? "y" : "ies", opts->pin_dir);
        return 0;
      } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
        return 1;
      }
    }
    return run_daemon(*opts);
  };
}

}  // namespace sc::audit::cli
