// AUDIT_ARCH_* values (what the kernel reports) -> syscall names (the arch names are common/arch.h's).
// x32 shares AUDIT_ARCH_X86_64 with x86_64; its syscall numbers carry __X32_SYSCALL_BIT.
#pragma once

#include <cstdint>
#include <string>

namespace sc::audit {

// The syscall's name in that arch's table, or "#<nr>" when unknown.
std::string syscall_name(uint32_t audit_arch, int32_t nr);

}  // namespace sc::audit
