// Syscall names and numbers per architecture as the recorded state names them (libseccomp
// arch names: "x86_64", "x86", "x32", "aarch64", ...): the names from the one arch table
// (common/arch.h), the syscalls from the engine's tables (isolator/profile/arch.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sc::refine {

// libseccomp arch name -> SCMP_ARCH_* token (equal to the AUDIT_ARCH_* value); nullopt if unknown.
std::optional<uint32_t> arch_token(const std::string& arch_name);
// Number of `name` on `arch`; nullopt when the arch lacks it (libseccomp pseudo numbers).
std::optional<int32_t> syscall_number(const std::string& arch_name, const std::string& name);
// Name of `nr` on `arch`; nullopt when unknown.
std::optional<std::string> syscall_name(const std::string& arch_name, int32_t nr);

// The same for a recorded arch value (VerdictKey.arch): nullopt when the arch table lacks it.
std::optional<uint32_t> arch_token(uint32_t arch);
std::optional<int32_t> syscall_number(uint32_t arch, const std::string& name);
std::optional<std::string> syscall_name(uint32_t arch, int32_t nr);

}  // namespace sc::refine
