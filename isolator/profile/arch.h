// Architecture and syscall-name helpers shared by the engine, the launcher, the tracer and
// the daemon: libseccomp's part (which arches this libseccomp can build filters for, syscall
// names and numbers) on top of the one arch table, common/arch.h (tokens, short names, names,
// values, the native arch). Arch values are libseccomp tokens (SCMP_ARCH_*), which equal the
// kernel's AUDIT_ARCH_* for every arch except x32: x32 has its own token (SCMP_ARCH_X32) but
// runs with AUDIT_ARCH_X86_64 and its syscall numbers carry __X32_SYSCALL_BIT (0x40000000).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/arch.h"

namespace sc::profile {

using common::kX32SyscallBit;  // __X32_SYSCALL_BIT

struct ArchInfo {
  const char* token;       // "SCMP_ARCH_X86_64": how profiles name it (archMap, architectures)
  const char* short_name;  // "amd64": includes/excludes.arches (Docker/Mesos), "" if none
  const char* name;        // "x86_64": libseccomp's name, also used in events and metrics
  uint32_t value;          // SCMP_ARCH_* token value
  bool libseccomp_knows;   // false for arches this libseccomp cannot build filters for
};

// Every arch a profile may name, in common/arch.h's order, with what this libseccomp can do.
const std::vector<ArchInfo>& known_arches();

// "SCMP_ARCH_X86_64" -> SCMP_ARCH_X86_64 (== AUDIT_ARCH_X86_64).
std::optional<uint32_t> scmp_arch_from_token(const std::string& token);
// includes/excludes.arches short names: "amd64", "x86", "x32", "arm", "arm64", "mips", ...
std::optional<uint32_t> scmp_arch_from_short(const std::string& short_name);
// The short name of an arch token ("amd64" for SCMP_ARCH_X86_64); "" if it has none.
std::string arch_short_name(uint32_t scmp_arch);
// The "SCMP_ARCH_*" token of an arch; "" if unknown.
std::string arch_token(uint32_t scmp_arch);

// The arch this program was built for (common::native_arch(); equal to seccomp_arch_native()).
uint32_t native_arch();

// libseccomp's name: "x86_64", "x86", "x32", "aarch64", ...; "0x<hex>" if unknown.
std::string arch_name(uint32_t scmp_arch);
// Inverse of arch_name (also accepts the SCMP_ARCH_* token and the short name).
std::optional<uint32_t> arch_from_name(const std::string& name);

// The scmp token of the arch a syscall really ran under, from what the kernel reports
// (seccomp_data.arch / audit arch=, and the syscall nr): AUDIT_ARCH_X86_64 with the x32
// bit set in nr is SCMP_ARCH_X32; everything else is its audit arch unchanged.
uint32_t scmp_arch_of(uint32_t audit_arch, int nr);
// The AUDIT_ARCH_* the kernel puts in seccomp_data for an arch token (x32 -> X86_64).
uint32_t audit_arch_of(uint32_t scmp_arch);
// True for arches whose syscall arguments are 32 bits wide (x86, x32, arm, mips, ppc, s390).
bool arch_is_32bit(uint32_t scmp_arch);

// Syscall names and numbers: libseccomp's table first, then the project's kernel table
// (kernel_syscalls.h) for syscalls newer than this libseccomp, so a name is never shown as a
// bare number just because libseccomp is old.
// The name of `nr`; "#<nr>" if neither table has it. Accepts AUDIT_ARCH_X86_64 with an x32
// nr (bit set) and resolves it in the x32 table.
std::string syscall_name(uint32_t arch, int nr);
// The number of `name` on `arch`; nullopt if unknown, or if libseccomp knows the name and
// gives a pseudo number (< 0): the arch has no such syscall. x32 numbers include kX32SyscallBit.
std::optional<int> syscall_number(uint32_t arch, const std::string& name);
// True when either table knows the name on some arch.
bool syscall_name_known(const std::string& name);

}  // namespace sc::profile
