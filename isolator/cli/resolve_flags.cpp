#include "isolator/cli/resolve_flags.h"

#include "isolator/profile/context_options.h"

namespace sc::cli {

void add_audit_flag(CLI::App* sub, ResolveFlags& flags) {
  sub->add_flag("--audit", flags.audit, "Audit mode: every non-ALLOW action becomes LOG");
}

void add_new_syscalls_option(CLI::App* sub, ResolveFlags& flags) {
  sub->add_option("--new_syscalls", flags.new_syscalls, profile::kNewSyscallsHelp)
      ->check(CLI::IsMember({"enosys", "default"}))
      ->capture_default_str();
}

void add_caps_option(CLI::App* sub, ResolveFlags& flags) {
  flags.caps_option = sub->add_option("--caps", flags.caps,
                                      "The container's capability set, comma-separated (CAP_SYS_ADMIN or "
                                      "SYS_ADMIN); default: this process's bounding set; 'none' for none");
}

void add_kernel_option(CLI::App* sub, ResolveFlags& flags) {
  sub->add_option("--kernel", flags.kernel, "Kernel version X.Y for minKernel; default: the running kernel");
}

std::optional<std::string> caps_flag(const ResolveFlags& flags) {
  if (!flags.caps_option || flags.caps_option->count() == 0) return std::nullopt;
  return flags.caps == "none" ? std::string() : flags.caps;
}

profile::ResolveContext resolve_context(const ResolveFlags& flags, const std::string& arch) {
  profile::ResolveContext context = profile::make_context(arch, caps_flag(flags), flags.kernel, flags.audit);
  context.new_syscalls = profile::parse_new_syscalls(flags.new_syscalls);
  return context;
}

}  // namespace sc::cli
