// AUDIT_ARCH_* values (what the kernel reports) -> libseccomp arch names and syscall names.
// x32 shares AUDIT_ARCH_X86_64 with x86_64; its syscall numbers carry __X32_SYSCALL_BIT.
#pragma once

#include <cstdint>
#include <string>

namespace sc::audit {

// "x86_64", "x86", "x32", "aarch64", ... or "0x<hex>" for an arch libseccomp does not know.
std::string arch_name(uint32_t audit_arch, int32_t nr);
// The syscall's name in that arch's table, or "#<nr>" when unknown.
std::string syscall_name(uint32_t audit_arch, int32_t nr);

}  // namespace sc::audit
