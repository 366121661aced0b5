// libseccomp's part of the arch table (common/arch.cpp has the table) and syscall-name
// lookups on top of libseccomp's own tables.
#include "isolator/profile/arch.h"

#include <linux/audit.h>
#include <seccomp.h>

#include <cstdlib>

#include "isolator/profile/kernel_syscalls.h"

namespace sc::profile {

// common/arch.h states x32's value and the others as AUDIT_ARCH_*: libseccomp agrees
// (tests/profile/tables_test.cpp checks every name against seccomp_arch_resolve_name).
static_assert(common::kArchX32 == SCMP_ARCH_X32);

namespace {
// libseccomp 2.5 has no LoongArch support; profiles name it, so we know the token and can
// skip its archMap entry, but a filter cannot be built for it.
#ifndef SCMP_ARCH_LOONGARCH64
constexpr bool kLoongKnown = false;
#else
constexpr bool kLoongKnown = true;
#endif

const ArchInfo* find_by_value(uint32_t value) {
  for (const auto& a : known_arches())
    if (a.value == value) return &a;
  return nullptr;
}
}  // namespace

const std::vector<ArchInfo>& known_arches() {
  static const std::vector<ArchInfo> arches = [] {
    std::vector<ArchInfo> out;
    for (const auto& a : common::known_arches())
      out.push_back({a.token, a.short_name, a.name, a.value, a.value != AUDIT_ARCH_LOONGARCH64 || kLoongKnown});
    return out;
  }();
  return arches;
}

std::optional<uint32_t> scmp_arch_from_token(const std::string& token) { return common::arch_from_token(token); }

std::optional<uint32_t> scmp_arch_from_short(const std::string& short_name) {
  return common::arch_from_short(short_name);
}

std::string arch_short_name(uint32_t scmp_arch) { return common::arch_short_name(scmp_arch); }

std::string arch_token(uint32_t scmp_arch) { return common::arch_token(scmp_arch); }

uint32_t native_arch() { return common::native_arch(); }

std::string arch_name(uint32_t scmp_arch) { return common::arch_name(scmp_arch); }

std::optional<uint32_t> arch_from_name(const std::string& name) { return common::arch_from_name(name); }

uint32_t scmp_arch_of(uint32_t audit_arch, int nr) { return common::arch_of(audit_arch, nr); }

uint32_t audit_arch_of(uint32_t scmp_arch) { return common::audit_arch_of(scmp_arch); }

bool arch_is_32bit(uint32_t scmp_arch) { return common::arch_is_32bit(scmp_arch); }

std::string syscall_name(uint32_t arch, int nr) {
  uint32_t token = scmp_arch_of(arch, nr);
  const ArchInfo* a = find_by_value(token);
  if (a && a->libseccomp_knows) {
    if (char* name = seccomp_syscall_resolve_num_arch(token, nr)) {
      std::string result(name);
      free(name);
      return result;
    }
  }
  // Newer than this libseccomp: the kernel table names it. Only names libseccomp lacks
  // altogether: where libseccomp knows a name and says this arch has no such syscall (x32's
  // map_shadow_stack), its word stands, as it does for the filter it compiles.
  std::string name = kernel_table_name(token, nr);
  if (!name.empty() && seccomp_syscall_resolve_name(name.c_str()) == __NR_SCMP_ERROR) return name;
  return "#" + std::to_string(nr);
}

std::optional<int> syscall_number(uint32_t arch, const std::string& name) {
  const ArchInfo* a = find_by_value(arch);
  if (!a) return std::nullopt;
  if (a->libseccomp_knows) {
    int nr = seccomp_syscall_resolve_name_arch(arch, name.c_str());
    // A negative pseudo number: libseccomp knows the name and says this arch lacks it.
    if (nr != __NR_SCMP_ERROR) return nr < 0 ? std::nullopt : std::optional<int>(nr);
  }
  return kernel_table_number(arch, name);
}

bool syscall_name_known(const std::string& name) {
  if (seccomp_syscall_resolve_name(name.c_str()) != __NR_SCMP_ERROR) return true;
  for (const auto& a : known_arches())
    if (kernel_table_number(a.value, name)) return true;
  return false;
}

}  // namespace sc::profile
