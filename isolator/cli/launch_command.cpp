// `seccomp-isolator launch [FLAGS] -- CMD [ARG...]`: run CMD as a container under its
// seccomp profile (Mesos's linux/seccomp semantics). Exit codes follow `docker run`.
#include <cstdio>

#include "isolator/cli/commands.h"
#include "isolator/profile/context_options.h"
#include "isolator/launch/launcher.h"
#include "isolator/registry/registry.h"

namespace sc::cli {

Run add_launch_command(CLI::App& app) {
  auto* sub = app.add_subcommand("launch", "Run a command as a container under a seccomp profile (Mesos semantics)");
  auto request = std::make_shared<launch::LaunchRequest>();
  request->runtime_dir = registry::kDefaultRuntimeDir;
  auto config_dir = std::make_shared<std::string>();
  auto profile_name = std::make_shared<std::string>();
  auto container_info = std::make_shared<std::string>();
  auto container_id = std::make_shared<std::string>();
  auto rootfs = std::make_shared<std::string>();
  auto user = std::make_shared<std::string>();
  auto working_dir = std::make_shared<std::string>();

  // expected(0, 1): `--isolation=` (no isolators) is a value of its own; with CLI11's default
  // it would take the next word (`--container_id=...`) as the list.
  sub->add_option("--isolation", request->flags.isolation,
                  "Comma-separated isolators; the filter applies only with linux/seccomp (default: linux/seccomp)")
      ->expected(0, 1);
  auto* dir_opt = sub->add_option("--seccomp_config_dir", *config_dir, "Directory of seccomp profiles");
  auto* name_opt = sub->add_option("--seccomp_profile_name", *profile_name,
                                   "Default profile, relative to --seccomp_config_dir (none: no default)");
  auto* info_opt = sub->add_option("--container_info", *container_info,
                                   "Mesos ContainerInfo as JSON, or @FILE (linux_info.seccomp, capabilities, rlimit_info)");
  auto* id_opt = sub->add_option("--container_id", *container_id, "Container id (generated when absent)");
  sub->add_flag("--audit", request->audit, "Audit mode: every non-ALLOW action becomes LOG");
  auto new_syscalls = std::make_shared<std::string>("enosys");
  sub->add_option("--new_syscalls", *new_syscalls, profile::kNewSyscallsHelp)
      ->check(CLI::IsMember({"enosys", "default"}))->capture_default_str();
  auto* rootfs_opt = sub->add_option("--rootfs", *rootfs, "Root filesystem: new mount namespace, pivot_root, /proc");
  sub->add_option("--runtime_dir", request->runtime_dir, "Where the registry entries live")->capture_default_str();
  auto cache_dir = std::make_shared<std::string>();
  auto* cache_dir_opt = sub->add_option("--seccomp_cache_dir", *cache_dir,
                                        "Cache of compiled programs (default: <runtime_dir>/cache)");
  auto no_cache = std::make_shared<bool>(false);
  sub->add_flag("--no_seccomp_cache", *no_cache, "Always compile the profile; neither read nor write the cache");
  auto* user_opt = sub->add_option("--user", *user, "Run as NAME|UID[:GROUP|GID] (looked up on the host)");
  auto* wd_opt = sub->add_option("--working_dir", *working_dir, "Working directory (inside the rootfs)");
  // allow_extra_args(false): one value per --rlimit, else CLI11 swallows the "--" after it.
  sub->add_option("--rlimit", request->rlimits, "NAME=SOFT:HARD or NAME=LIMIT (e.g. nofile=1024:4096); repeatable")
      ->allow_extra_args(false);
  sub->add_option("--seccomp_log", request->seccomp_log,
                  "LOG flag on the filter (an audit record per ERRNO/TRAP denial): auto (off while the "
                  "companion's tracer counts the container's denials exactly), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  sub->add_option("--tracer_pin_dir", request->tracer_pin_dir,
                  "bpffs directory of the companion tracer's pins (seccomp-audit run --pin_dir), for --seccomp_log=auto")
      ->capture_default_str();
  sub->add_option("--workload", request->workload,
                  "Workload this container belongs to, recorded in its registry entry (the daemon's metrics "
                  "label it, fleet merges group by it)");
  auto labels = std::make_shared<std::vector<std::string>>();
  sub->add_option("--label", *labels, "KEY=VALUE recorded in the registry entry's labels (seccomp-audit run "
                                      "--workload_label=KEY reads the workload from it); repeatable")
      ->allow_extra_args(false);
  auto command = std::make_shared<std::vector<std::string>>();
  sub->add_option("command", *command, "CMD [ARG...] (put -- before it)");
  sub->prefix_command();
  sub->footer(
      "The command follows the flags (after --).\n"
      "Exit codes: 125 isolator failure (nothing ran), 126 cannot invoke, 127 not found,\n"
      "else the command's status, 128+N when it died of signal N.");

  return [=] {
    if (*dir_opt) request->flags.seccomp_config_dir = *config_dir;
    if (*name_opt) request->flags.seccomp_profile_name = *profile_name;
    if (*info_opt) request->container_info = *container_info;
    if (*id_opt) request->container_id = *container_id;
    if (*rootfs_opt) request->rootfs = *rootfs;
    if (*user_opt) request->user = *user;
    if (*wd_opt) request->working_dir = *working_dir;
    if (*cache_dir_opt) request->seccomp_cache_dir = *cache_dir;
    request->seccomp_cache = !*no_cache;
    request->new_syscalls = profile::parse_new_syscalls(*new_syscalls);
    for (const auto& l : *labels) {
      auto eq = l.find('=');
      if (eq == 0 || eq == std::string::npos) {
        std::fprintf(stderr, "seccomp-isolator launch: --label '%s' is not KEY=VALUE\n", l.c_str());
        return 2;
      }
      request->labels[l.substr(0, eq)] = l.substr(eq + 1);
    }
    // With "--", CLI11 gives every word to `command` and leaves a "--" in remaining();
    // without it, words starting with '-' land in remaining() out of order: refuse those.
    request->command = *command;
    auto rest = sub->remaining();
    if (!rest.empty() && rest.front() == "--") rest.erase(rest.begin());
    if (!rest.empty()) {
      std::fprintf(stderr, "seccomp-isolator launch: put -- before the command when it has options: "
                           "launch [FLAGS] -- CMD [ARG...]\n");
      return 2;
    }
    return launch::launch(*request);
  };
}

}  // namespace sc::cli
