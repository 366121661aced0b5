#include "audit/refine/syscall_names.h"

#include "common/arch.h"
#include "isolator/profile/arch.h"

namespace sc::refine {

std::optional<uint32_t> arch_token(const std::string& arch_name) { return common::arch_from_name(arch_name); }

std::optional<uint32_t> arch_token(uint32_t arch) {
  if (!common::find_arch(arch)) return std::nullopt;
  return arch;
}

std::optional<int32_t> syscall_number(const std::string& arch_name, const std::string& name) {
  auto token = arch_token(arch_name);
  if (!token) return std::nullopt;
  return syscall_number(*token, name);
}

std::optional<std::string> syscall_name(const std::string& arch_name, int32_t nr) {
  auto token = arch_token(arch_name);
  if (!token) return std::nullopt;
  return syscall_name(*token, nr);
}

std::optional<int32_t> syscall_number(uint32_t arch, const std::string& name) {
  auto token = arch_token(arch);
  if (!token) return std::nullopt;
  auto nr = profile::syscall_number(*token, name);
  if (!nr) return std::nullopt;
  return static_cast<int32_t>(*nr);
}

std::optional<std::string> syscall_name(uint32_t arch, int32_t nr) {
  auto token = arch_token(arch);
  if (!token) return std::nullopt;
  std::string name = profile::syscall_name(*token, nr);
  if (name.empty() || name[0] == '#') return std::nullopt;
  return name;
}

}  // namespace sc::refine
