// Arch tables and syscall-name lookups on top of libseccomp's own tables.
#include "isolator/profile/arch.h"

#include <linux/audit.h>
#include <seccomp.h>

#include <cstdio>
#include <cstdlib>

#include "isolator/profile/kernel_syscalls.h"

namespace sc::profile {

namespace {
// libseccomp 2.5 has no LoongArch support; profiles name it, so we know the token and can
// skip its archMap entry, but a filter cannot be built for it.
#ifndef SCMP_ARCH_LOONGARCH64
constexpr uint32_t kLoongArch64 = AUDIT_ARCH_LOONGARCH64;
constexpr bool kLoongKnown = false;
#else
constexpr uint32_t kLoongArch64 = SCMP_ARCH_LOONGARCH64;
constexpr bool kLoongKnown = true;
#endif
}  // namespace

const std::vector<ArchInfo>& known_arches() {
  static const std::vector<ArchInfo> arches = {
      {"SCMP_ARCH_X86_64", "amd64", "x86_64", SCMP_ARCH_X86_64, true},
      {"SCMP_ARCH_X86", "x86", "x86", SCMP_ARCH_X86, true},
      {"SCMP_ARCH_X32", "x32", "x32", SCMP_ARCH_X32, true},
      {"SCMP_ARCH_ARM", "arm", "arm", SCMP_ARCH_ARM, true},
      {"SCMP_ARCH_AARCH64", "arm64", "aarch64", SCMP_ARCH_AARCH64, true},
      {"SCMP_ARCH_MIPS", "mips", "mips", SCMP_ARCH_MIPS, true},
      {"SCMP_ARCH_MIPS64", "mips64", "mips64", SCMP_ARCH_MIPS64, true},
      {"SCMP_ARCH_MIPS64N32", "mips64n32", "mips64n32", SCMP_ARCH_MIPS64N32, true},
      {"SCMP_ARCH_MIPSEL", "mipsel", "mipsel", SCMP_ARCH_MIPSEL, true},
      {"SCMP_ARCH_MIPSEL64", "mipsel64", "mipsel64", SCMP_ARCH_MIPSEL64, true},
      {"SCMP_ARCH_MIPSEL64N32", "mipsel64n32", "mipsel64n32", SCMP_ARCH_MIPSEL64N32, true},
      {"SCMP_ARCH_PPC", "ppc", "ppc", SCMP_ARCH_PPC, true},
      {"SCMP_ARCH_PPC64", "ppc64", "ppc64", SCMP_ARCH_PPC64, true},
      {"SCMP_ARCH_PPC64LE", "ppc64le", "ppc64le", SCMP_ARCH_PPC64LE, true},
      {"SCMP_ARCH_S390", "s390", "s390", SCMP_ARCH_S390, true},
      {"SCMP_ARCH_S390X", "s390x", "s390x", SCMP_ARCH_S390X, true},
      {"SCMP_ARCH_PARISC", "", "parisc", SCMP_ARCH_PARISC, true},
      {"SCMP_ARCH_PARISC64", "", "parisc64", SCMP_ARCH_PARISC64, true},
      {"SCMP_ARCH_RISCV64", "riscv64", "riscv64", SCMP_ARCH_RISCV64, true},
      {"SCMP_ARCH_LOONGARCH64", "loongarch64", "loongarch64", kLoongArch64, kLoongKnown},
  };
  return arches;
}

namespace {
const ArchInfo* find_by_value(uint32_t value) {
  for (const auto& a : known_arches())
    if (a.value == value) return &a;
  return nullptr;
}
}  // namespace

std::optional<uint32_t> scmp_arch_from_token(const std::string& token) {
  for (const auto& a : known_arches())
    if (token == a.token) return a.value;
  return std::nullopt;
}

std::optional<uint32_t> scmp_arch_from_short(const std::string& short_name) {
  if (short_name.empty()) return std::nullopt;
  for (const auto& a : known_arches())
    if (short_name == a.short_name) return a.value;
  return std::nullopt;
}

std::string arch_short_name(uint32_t scmp_arch) {
  const ArchInfo* a = find_by_value(scmp_arch);
  return a ? a->short_name : "";
}

std::string arch_token(uint32_t scmp_arch) {
  const ArchInfo* a = find_by_value(scmp_arch);
  return a ? a->token : "";
}

uint32_t native_arch() { return seccomp_arch_native(); }

std::string arch_name(uint32_t scmp_arch) {
  if (const ArchInfo* a = find_by_value(scmp_arch)) return a->name;
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", scmp_arch);
  return buf;
}

std::optional<uint32_t> arch_from_name(const std::string& name) {
  for (const auto& a : known_arches())
    if (name == a.name || name == a.token || (a.short_name[0] && name == a.short_name))
      return a.value;
  return std::nullopt;
}

uint32_t scmp_arch_of(uint32_t audit_arch, int nr) {
  if (audit_arch == AUDIT_ARCH_X86_64 && (static_cast<uint32_t>(nr) & kX32SyscallBit))
    return SCMP_ARCH_X32;
  return audit_arch;
}

uint32_t audit_arch_of(uint32_t scmp_arch) {
  return scmp_arch == SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64 : scmp_arch;
}

bool arch_is_32bit(uint32_t scmp_arch) {
  // AUDIT_ARCH_* carry __AUDIT_ARCH_64BIT for 64-bit ABIs; x32 and mips n32 lack it.
  return (scmp_arch & __AUDIT_ARCH_64BIT) == 0;
}

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
