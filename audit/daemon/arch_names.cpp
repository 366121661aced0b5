#include "audit/daemon/arch_names.h"


#include "isolator/profile/arch.h"

namespace sc::audit {

// The one arch table is isolator/profile/arch.cpp; the kernel's AUDIT_ARCH_* value is the
// SCMP_ARCH_* token of every arch but x32 (profile::scmp_arch_of tells x32 by the nr bit).
namespace {
bool known(uint32_t scmp_arch) { return !profile::arch_token(scmp_arch).empty(); }
}  // namespace

std::string syscall_name(uint32_t audit_arch, int32_t nr) {
  // libseccomp's table, then the kernel table for syscalls newer than this libseccomp.
  if (known(profile::scmp_arch_of(audit_arch, nr))) return profile::syscall_name(audit_arch, nr);
  return "#" + std::to_string(nr);
}

}  // namespace sc::audit
