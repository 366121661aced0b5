// `seccomp-isolator check PROFILE`: parse and resolve a profile for one container and say
// whether it is valid. Exit 0 valid (warnings on stderr), 1 invalid, 2 usage error.
#include <cstdio>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "isolator/cli/commands.h"
#include "isolator/cli/resolve_flags.h"
#include "isolator/compiler/filter.h"
#include "isolator/profile/arch.h"
#include "isolator/profile/context_options.h"
#include "isolator/profile/parser.h"
#include "isolator/profile/resolver.h"

namespace sc::cli {

namespace {
struct CheckFlags {
  std::string profile;
  std::string arch;
  ResolveFlags resolve;
  std::string format = "text";
  std::string dialect = "docker";
};

int run_check(const CheckFlags& f) {
  profile::ResolveContext context;
  try {
    context = resolve_context(f.resolve, f.arch);
  } catch (const profile::UsageError& e) {
    std::fprintf(stderr, "seccomp-isolator check: %s\n", e.what());
    return 2;
  }
  const bool json = f.format == "json";
  profile::ParseOptions options;
  options.dialect = f.dialect == "mesos" ? profile::Dialect::Mesos : profile::Dialect::Docker;
  profile::ResolvedProfile resolved;
  try {
    profile::Profile parsed = profile::load_profile(f.profile, options);
    resolved = profile::resolve(parsed, context);
    // Compiling proves libseccomp accepts every rule; nothing is loaded.
    compiler::Filter filter(resolved, compiler::CompileOptions{});
  } catch (const profile::ParseError& e) {
    std::fprintf(stderr, "seccomp-isolator check: invalid: %s\n", e.what());
    if (json)
      std::printf("%s\n", nlohmann::json{{"profile", f.profile}, {"valid", false},
                                         {"error", e.what()}, {"json_path", e.path()}}
                              .dump(2).c_str());
    return 1;
  } catch (const compiler::FilterError& e) {
    std::fprintf(stderr, "seccomp-isolator check: invalid: %s\n", e.what());
    if (json)
      std::printf("%s\n", nlohmann::json{{"profile", f.profile}, {"valid", false}, {"error", e.what()}}
                              .dump(2).c_str());
    return 1;
  }

  for (const auto& w : resolved.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  for (const auto& n : resolved.notes) std::fprintf(stderr, "note: %s\n", n.c_str());
  nlohmann::json enosys = nlohmann::json::object();
  std::string enosys_text;
  for (const auto& [arch, last] : resolved.enosys_above) {
    enosys[profile::arch_name(arch)] = last;
    enosys_text += (enosys_text.empty() ? "" : ", ") + profile::arch_name(arch) + " above " +
                   std::to_string(last & ~static_cast<int>(profile::kX32SyscallBit));
  }
  std::map<std::string, size_t> by_action;
  for (const auto& r : resolved.rules) ++by_action[profile::describe(r.action)];
  std::vector<std::string> arches;
  for (uint32_t a : resolved.arches) arches.push_back(profile::arch_name(a));
  const std::string kernel = std::to_string(resolved.kernel.major) + "." + std::to_string(resolved.kernel.minor);

  if (json) {
    nlohmann::json out{{"profile", f.profile},
                       {"valid", true},
                       {"mode", resolved.audit ? "audit" : "enforce"},
                       {"native_arch", profile::arch_name(resolved.native_arch)},
                       {"arches", arches},
                       {"kernel", kernel},
                       {"default_action", profile::describe(resolved.default_action)},
                       {"rules", resolved.rules.size()},
                       {"rules_by_action", by_action},
                       {"rules_skipped", resolved.rules_skipped},
                       {"rules_redundant", resolved.rules_redundant},
                       {"new_syscalls", profile::new_syscalls_name(resolved.new_syscalls)},
                       {"enosys_above", enosys},
                       {"by_kernel_table", resolved.notes},
                       {"warnings", resolved.warnings}};
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }
  std::string arch_list;
  for (const auto& a : arches) arch_list += (arch_list.empty() ? "" : ", ") + a;
  std::printf("%s: valid (%s mode)\n", f.profile.c_str(), resolved.audit ? "audit" : "enforce");
  std::printf("  arches:          %s\n", arch_list.c_str());
  std::printf("  kernel:          %s\n", kernel.c_str());
  std::printf("  default action:  %s\n", profile::describe(resolved.default_action).c_str());
  std::printf("  syscall rules:   %zu\n", resolved.rules.size());
  for (const auto& [action, count] : by_action) std::printf("    %-14s %zu\n", action.c_str(), count);
  std::printf("  profile rules skipped by includes/excludes: %zu\n", resolved.rules_skipped);
  std::printf("  newer syscalls:  %s\n", enosys_text.empty() ? "the default action (no ENOSYS rule)"
                                                             : ("ERRNO(ENOSYS) on " + enosys_text).c_str());
  std::printf("  by kernel table: %zu (names this libseccomp does not know, added by number)\n",
              resolved.notes.size());
  std::printf("  warnings:        %zu\n", resolved.warnings.size());
  return 0;
}
}  // namespace

Run add_check_command(CLI::App& app) {
  auto flags = std::make_shared<CheckFlags>();
  CLI::App* sub = app.add_subcommand("check", "Validate a seccomp profile (Docker or Mesos format) for one container");
  sub->add_option("PROFILE", flags->profile, "The profile (JSON file)")->required();
  sub->add_option("--arch", flags->arch, "Resolve for this arch (x86_64, aarch64, ...); default: this host");
  add_caps_option(sub, flags->resolve);
  add_kernel_option(sub, flags->resolve);
  sub->add_option("--format", flags->format, "Output format")->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  sub->add_option("--dialect", flags->dialect, "Required keys: docker (modern) or mesos (Mesos-era, strict)")
      ->check(CLI::IsMember({"docker", "mesos"}))->capture_default_str();
  add_audit_flag(sub, flags->resolve);
  add_new_syscalls_option(sub, flags->resolve);
  return [flags] { return run_check(*flags); };
}

}  // namespace sc::cli
