#include "audit/refine/syscall_names.h"

#include "common/arch.h"
#include "isolator/profile/arch.h"

namespace sc::refine {

std::optional<uint32_t> arch_token(const std::string& arch_name) { return common::arch_from_name(arch_name); }

std::optional<int32_t> syscall_number(const std::string& arch_name, const std::string& name) {
  auto token = arch_token(arch_name);
  if (!token) return std::nullopt;
  auto nr = profile::syscall_number(*token, name);
  if (!nr) return std::nullopt;
  return static_cast<int32_t>(*nr);
}

std::optional<std::string> syscall_name(const std::string& arch_name, int32_t nr) {
  auto token = arch_token(arch_name);
  if (!token) return std::nullopt;
  std::string name = profile::syscall_name(*token, nr);
  if (name.empty() || name[0] == '#') return std::nullopt;
  return name;
}

}  // namespace sc::refine
