#include "audit/daemon/arch_names.h"

#include <seccomp.h>

#include <cstdio>
#include <cstdlib>

#include "isolator/profile/arch.h"

namespace sc::audit {
namespace {

constexpr int32_t kX32SyscallBit = 0x40000000;

struct ArchInfo {
  uint32_t audit_arch;
  uint32_t token;  // libseccomp's SCMP_ARCH_* token
  const char* name;
};

const ArchInfo kArches[] = {
    {0xc000003eu, SCMP_ARCH_X86_64, "x86_64"},   {0x40000003u, SCMP_ARCH_X86, "x86"},
    {0xc00000b7u, SCMP_ARCH_AARCH64, "aarch64"}, {0x40000028u, SCMP_ARCH_ARM, "arm"},
    {0x80000016u, SCMP_ARCH_S390X, "s390x"},     {0x00000016u, SCMP_ARCH_S390, "s390"},
    {0xc0000015u, SCMP_ARCH_PPC64LE, "ppc64le"}, {0x80000015u, SCMP_ARCH_PPC64, "ppc64"},
    {0x00000014u, SCMP_ARCH_PPC, "ppc"},         {0xc00000f3u, SCMP_ARCH_RISCV64, "riscv64"},
    {0x40000008u, SCMP_ARCH_MIPSEL, "mipsel"},   {0x00000008u, SCMP_ARCH_MIPS, "mips"},
    {0xc0000008u, SCMP_ARCH_MIPSEL64, "mipsel64"}, {0x80000008u, SCMP_ARCH_MIPS64, "mips64"},
};

const ArchInfo* find(uint32_t audit_arch, int32_t nr) {
  if (audit_arch == 0xc000003eu && (nr & kX32SyscallBit)) {
    static const ArchInfo x32{0xc000003eu, SCMP_ARCH_X32, "x32"};
    return &x32;
  }
  for (const auto& a : kArches)
    if (a.audit_arch == audit_arch) return &a;
  return nullptr;
}

}  // namespace

std::string arch_name(uint32_t audit_arch, int32_t nr) {
  if (const ArchInfo* a = find(audit_arch, nr)) return a->name;
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "0x%08x", audit_arch);
  return buffer;
}

std::string syscall_name(uint32_t audit_arch, int32_t nr) {
  // libseccomp's table, then the kernel table for syscalls newer than this libseccomp.
  if (find(audit_arch, nr)) return profile::syscall_name(audit_arch, nr);
  return "#" + std::to_string(nr);
}

}  // namespace sc::audit
