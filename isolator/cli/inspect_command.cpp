// `seccomp-isolator inspect PID [--format=text|json] [--runtime_dir=DIR]`: read back the
// seccomp filters installed in a running process (PTRACE_SECCOMP_GET_FILTER), show their
// size and verdict per syscall, and, for a registered container, whether they match what its
// profile compiles to. Exit 0 when read (and matching, if compared), 3 on drift, 1 on error.
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "isolator/cli/commands.h"
#include "isolator/launch/inspection.h"
#include "isolator/registry/registry.h"

namespace sc::cli {
namespace {

constexpr int kExitDrift = 3;

nlohmann::json to_json(const launch::Inspection& r) {
  using nlohmann::json;
  json out;
  out["pid"] = r.pid;
  json filters = json::array();
  for (size_t i = 0; i < r.filters.size(); ++i)
    filters.push_back({{"index", i}, {"instructions", r.filters[i].size()}});
  out["filters"] = filters;
  json verdicts = json::object();
  for (const auto& arch : r.verdicts) {
    json groups = json::array();
    for (const auto& g : arch.groups)
      groups.push_back({{"verdict", g.verdict}, {"syscalls", g.syscalls}, {"unnamed", g.unnamed}});
    verdicts[arch.arch] = groups;
  }
  out["verdicts"] = verdicts;
  if (r.container) {
    const auto& c = *r.container;
    out["container"] = {{"container_id", c.container_id}, {"matched_by", r.matched_by},
                        {"pid", c.pid}, {"cgroup_path", c.cgroup_path},
                        {"profile_name", c.profile_name}, {"profile_path", c.profile_path},
                        {"profile_sha256", c.profile_sha256}, {"mode", c.mode}};
  } else {
    out["container"] = nullptr;
  }
  if (r.comparison) {
    json diffs = json::array();
    for (const auto& d : r.comparison->differences)
      diffs.push_back({{"arch", d.arch}, {"nr", d.nr}, {"syscall", d.syscall},
                       {"installed", d.installed}, {"expected", d.expected}, {"args", d.args}});
    out["comparison"] = {{"result", r.match() ? "match" : "drift"},
                         {"identical_programs", r.comparison->identical},
                         {"probes", r.comparison->probes}, {"differences", diffs}};
  } else {
    out["comparison"] = nullptr;
  }
  if (!r.comparison_problem.empty()) out["comparison_problem"] = r.comparison_problem;
  return out;
}

void print_text(const launch::Inspection& r) {
  std::printf("pid %d: %zu seccomp filter(s)\n", r.pid, r.filters.size());
  for (size_t i = 0; i < r.filters.size(); ++i)
    std::printf("  filter %zu (installed %s): %zu instructions\n", i,
                i == 0 ? "first" : (i + 1 == r.filters.size() ? "last" : "in between"), r.filters[i].size());
  for (const auto& arch : r.verdicts) {
    std::printf("verdicts on %s (arguments 0):\n", arch.arch.c_str());
    for (const auto& g : arch.groups) {
      std::printf("  %-14s %zu syscall(s)", g.verdict.c_str(), g.syscalls.size());
      if (g.unnamed) std::printf(" + %d unnamed number(s)", g.unnamed);
      // The most frequent verdict is usually the profile's default; list the others.
      if (&g != &arch.groups.front() || arch.groups.size() == 1) {
        std::printf(":");
        size_t shown = 0;
        for (const auto& name : g.syscalls) {
          if (++shown > 40) {
            std::printf(" ...");
            break;
          }
          std::printf(" %s", name.c_str());
        }
      }
      std::printf("\n");
    }
  }
  if (!r.container) {
    std::printf("container: none registered for this pid\n");
    return;
  }
  const auto& c = *r.container;
  std::printf("container: %s (matched by %s), mode %s, profile %s\n", c.container_id.c_str(),
              r.matched_by.c_str(), c.mode.c_str(), c.profile_name.empty() ? "(none)" : c.profile_name.c_str());
  if (!r.comparison_problem.empty()) std::printf("note: %s\n", r.comparison_problem.c_str());
  if (!r.comparison) return;
  if (r.match()) {
    std::printf("match: the installed filters give the same verdict as the profile for every syscall (%llu probes%s)\n",
                static_cast<unsigned long long>(r.comparison->probes),
                r.comparison->identical ? ", identical programs" : "");
    return;
  }
  std::printf("drift: %zu syscall(s) differ from the profile:\n", r.comparison->differences.size());
  for (const auto& d : r.comparison->differences)
    std::printf("  %s %s (nr %d): installed %s, profile %s\n", d.arch.c_str(), d.syscall.c_str(), d.nr,
                d.installed.c_str(), d.expected.c_str());
}

}  // namespace

Run add_inspect_command(CLI::App& app) {
  auto* sub = app.add_subcommand("inspect", "Read back the seccomp filters of a running process and check them against its container's profile");
  auto pid = std::make_shared<int>(0);
  auto format = std::make_shared<std::string>("text");
  auto runtime_dir = std::make_shared<std::string>(registry::kDefaultRuntimeDir);
  sub->add_option("PID", *pid, "Process id")->required()->check(CLI::PositiveNumber);
  sub->add_option("--format", *format, "text or json")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  sub->add_option("--runtime_dir", *runtime_dir, "Where the registry entries live")->capture_default_str();
  sub->footer("Exit codes: 0 read (and matching, when compared), 3 drift, 1 error, 2 usage.");
  return [=] {
    try {
      launch::Inspection r = launch::inspect_process(*pid, *runtime_dir);
      if (*format == "json") std::printf("%s\n", to_json(r).dump(2).c_str());
      else print_text(r);
      return (r.comparison && !r.match()) ? kExitDrift : 0;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "seccomp-isolator inspect: %s\n", e.what());
      return 1;
    }
  };
}

}  // namespace sc::cli
