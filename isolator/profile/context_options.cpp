#include "isolator/profile/context_options.h"

#include "isolator/profile/arch.h"
#include "isolator/profile/capabilities.h"

namespace sc::profile {

ResolveContext make_context(const std::string& arch, const std::optional<std::string>& caps,
                            const std::string& kernel, bool audit) {
  ResolveContext context;
  context.audit = audit;
  if (!arch.empty()) {
    auto token = arch_from_name(arch);
    if (!token) throw UsageError("--arch: unknown architecture '" + arch + "'");
    context.native_arch = *token;
  }
  if (!caps) {
    context.capabilities = current_bounding_set();
  } else {
    size_t start = 0;
    while (start <= caps->size()) {
      size_t comma = caps->find(',', start);
      if (comma == std::string::npos) comma = caps->size();
      std::string name = caps->substr(start, comma - start);
      if (!name.empty()) {
        auto canonical = normalize_capability(name);
        if (!canonical) throw UsageError("--caps: unknown capability '" + name + "'");
        context.capabilities.insert(*canonical);
      }
      start = comma + 1;
    }
  }
  if (!kernel.empty()) {
    auto version = parse_kernel_version(kernel);
    if (!version) throw UsageError("--kernel: invalid kernel version '" + kernel + "' (expected e.g. 5.10)");
    context.kernel = *version;
  }
  return context;
}

NewSyscalls parse_new_syscalls(const std::string& value) {
  if (value == "enosys") return NewSyscalls::Enosys;
  if (value == "default") return NewSyscalls::ProfileDefault;
  throw UsageError("--new_syscalls: '" + value + "' is neither 'enosys' nor 'default'");
}

}  // namespace sc::profile
