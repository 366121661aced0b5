// `seccomp-isolator inspect PID [--format=text|json] [--runtime_dir=DIR]`: read back the
// seccomp filters installed in a running process (PTRACE_SECCOMP_GET_FILTER), show their
// size and verdict per syscall, and, for a registered container, whether they match what its
// profile compiles to. Exit 0 when read (and matching, if compared), 3 on drift, 1 on error.
#include <cstdio>
#include <map>
#include <string>
#include <tuple>
#include <vector>

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
  std::printf("drift: %zu syscall number(s) differ from the profile:\n", r.comparison->differences.size());
  // Grouped by (arch, installed, profile): a foreign filter can differ on a whole arch.
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<std::string>> groups;
  std::vector<std::tuple<std::string, std::string, std::string>> order;
  for (const auto& d : r.comparison->differences) {
    auto key = std::make_tuple(d.arch, d.installed, d.expected);
    auto [it, added] = groups.try_emplace(key);
    if (added) order.push_back(key);
    it->second.push_back(d.syscall + "(" + std::to_string(d.nr) + ")");
  }
  for (const auto& key : order) {
    const auto& names = groups[key];
    std::printf("  %s: installed %s, profile %s: %zu:", std::get<0>(key).c_str(), std::get<1>(key).c_str(),
                std::get<2>(key).c_str(), names.size());
    for (size_t i = 0; i < names.size() && i < 20; ++i) std::printf(" %s", names[i].c_str());
    if (names.size() > 20) std::printf(" ... (--format=json lists all)");
    std::printf("\n");
  }
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
