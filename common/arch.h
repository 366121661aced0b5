// The architectures, stated once: how profiles name each (the SCMP_ARCH_* token; the short
// name of includes/excludes.arches in Docker and Mesos profiles), the name events, state.json
// and metrics labels use (libseccomp's: "x86_64", "x86", "x32", "aarch64", ...), and its value:
// the AUDIT_ARCH_* the kernel reports in seccomp_data and audit records (<linux/audit.h>),
// which is also libseccomp's SCMP_ARCH_* value, for every arch except x32. x32 has its own
// value (kArchX32, libseccomp's SCMP_ARCH_X32) but runs with AUDIT_ARCH_X86_64, and its
// syscall numbers carry __X32_SYSCALL_BIT. What libseccomp can build filters for is
// isolator/profile/arch.h's part.
#pragma once

#include <linux/audit.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace sc::common {

inline constexpr uint32_t kX32SyscallBit = 0x40000000u;                 // __X32_SYSCALL_BIT
inline constexpr uint32_t kArchX32 = EM_X86_64 | __AUDIT_ARCH_LE;       // SCMP_ARCH_X32

struct Arch {
  const char* token;       // "SCMP_ARCH_X86_64": how profiles name it (archMap, architectures)
  const char* short_name;  // "amd64": includes/excludes.arches (Docker/Mesos), "" if none
  const char* name;        // "x86_64": libseccomp's name, also used in events and metrics
  uint32_t value;          // AUDIT_ARCH_* (== SCMP_ARCH_*; kArchX32 for x32)
};

// Every arch a profile may name, in a fixed order.
std::span<const Arch> known_arches();
// The entry of `value`; nullptr if unknown.
const Arch* find_arch(uint32_t value);

// "SCMP_ARCH_X86_64" -> AUDIT_ARCH_X86_64.
std::optional<uint32_t> arch_from_token(const std::string& token);
// includes/excludes.arches short names: "amd64", "x86", "x32", "arm", "arm64", "mips", ...
std::optional<uint32_t> arch_from_short(const std::string& short_name);
// The name ("x86_64"), also accepting the token and the short name.
std::optional<uint32_t> arch_from_name(const std::string& name);
// The name of an arch: "x86_64", "x86", "x32", "aarch64", ...; "0x<hex>" if unknown.
std::string arch_name(uint32_t arch);
// The inverse of arch_name: a name or "0x<hex>" (any value); nullopt for anything else.
std::optional<uint32_t> arch_from_text(const std::string& text);
// The short name ("amd64" for x86_64); "" if it has none or is unknown.
std::string arch_short_name(uint32_t arch);
// The "SCMP_ARCH_*" token; "" if unknown.
std::string arch_token(uint32_t arch);

// The arch this program was built for (libseccomp's seccomp_arch_native() decides the same
// way, from the compiler's target), and its name. Series of this arch carry no arch label.
uint32_t native_arch();
const std::string& native_arch_name();

// The arch a syscall really ran under, from what the kernel reports (seccomp_data.arch /
// audit arch=, and the syscall nr): AUDIT_ARCH_X86_64 with the x32 bit set in nr is x32;
// everything else is its audit arch unchanged.
uint32_t arch_of(uint32_t audit_arch, int nr);
// The AUDIT_ARCH_* the kernel puts in seccomp_data for an arch (x32 -> X86_64).
uint32_t audit_arch_of(uint32_t arch);
// True for arches whose syscall arguments are 32 bits wide (x86, x32, arm, mips, ppc, s390).
bool arch_is_32bit(uint32_t arch);

}  // namespace sc::common
