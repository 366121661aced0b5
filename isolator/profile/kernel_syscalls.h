// The project's own syscall table, for syscalls the kernel has and this libseccomp may not
// (Debian 12's libseccomp 2.5.4 stops at futex_requeue, 456; Docker's current profile
// allows mseal, statmount, ... that kernel 6.18 has).
//
// Since Linux 5.1 every new syscall gets the same number on every architecture (the
// asm-generic numbering from 424 on, scripts/syscall.tbl), with fixed offsets on a few
// ABIs: MIPS o32 +4000, n64 +5000, n32 +6000, and x32's __X32_SYSCALL_BIT. So the table is
// one generic number per name, plus the few arch-only syscalls that came with it. Sources:
// arch/x86/entry/syscalls/syscall_64.tbl and syscall_32.tbl, scripts/syscall.tbl and
// arch/riscv/include/uapi/asm/unistd.h of Linux 6.19.
//
// Lookups here are the fallback: libseccomp's own table always answers first
// (profile::syscall_number / syscall_name in arch.h consult both).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sc::profile {

struct KernelSyscall {
  const char* name;
  int number;         // generic number (before the MIPS offsets and the x32 bit)
  const char* since;  // the Linux release that added it
  uint32_t only_arch; // 0: every arch; else the one SCMP_ARCH_* token it exists on
  bool with_x32;      // only_arch == SCMP_ARCH_X86_64: x32 has it too ("common" in syscall_64.tbl)
};

// Every entry, in number order.
const std::vector<KernelSyscall>& kernel_syscalls();

// The number of `name` on `scmp_arch` per the kernel table (x32 numbers carry the x32 bit);
// nullopt when the table has no such syscall on that arch.
std::optional<int> kernel_table_number(uint32_t scmp_arch, const std::string& name);
// The name of `nr` on `scmp_arch` per the kernel table; "" if none.
std::string kernel_table_name(uint32_t scmp_arch, int nr);

// The number only the kernel table knows: libseccomp does not know `name` at all, the table
// has it on `scmp_arch`. This is what the compiler adds by number itself.
std::optional<int> table_only_number(uint32_t scmp_arch, const std::string& name);

}  // namespace sc::profile
