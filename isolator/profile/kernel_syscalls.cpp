// The kernel syscall table (see kernel_syscalls.h for where the numbers come from).
#include "isolator/profile/kernel_syscalls.h"

#include <seccomp.h>

#include "isolator/profile/arch.h"

namespace sc::profile {

const std::vector<KernelSyscall>& kernel_syscalls() {
  // From Linux 6.19: arch/x86/entry/syscalls/syscall_64.tbl ("common" entries 335-336 and
  // 424-470), syscall_32.tbl (i386 424-470), scripts/syscall.tbl (asm-generic 424-470) and
  // arch/riscv/include/uapi/asm/unistd.h (__NR_riscv_hwprobe = __NR_arch_specific_syscall + 14).
  // 424-456 are in libseccomp 2.5.4 too; they are here so a test can check the table's
  // numbering (offsets, the x32 bit) against libseccomp's on every arch.
  static const std::vector<KernelSyscall> table = {
      {"riscv_hwprobe", 258, "6.4", SCMP_ARCH_RISCV64, false},
      {"uretprobe", 335, "6.11", SCMP_ARCH_X86_64, true},
      {"uprobe", 336, "6.18", SCMP_ARCH_X86_64, true},
      {"pidfd_send_signal", 424, "5.1", 0, false},
      {"io_uring_setup", 425, "5.1", 0, false},
      {"io_uring_enter", 426, "5.1", 0, false},
      {"io_uring_register", 427, "5.1", 0, false},
      {"open_tree", 428, "5.2", 0, false},
      {"move_mount", 429, "5.2", 0, false},
      {"fsopen", 430, "5.2", 0, false},
      {"fsconfig", 431, "5.2", 0, false},
      {"fsmount", 432, "5.2", 0, false},
      {"fspick", 433, "5.2", 0, false},
      {"pidfd_open", 434, "5.3", 0, false},
      {"clone3", 435, "5.3", 0, false},
      {"close_range", 436, "5.9", 0, false},
      {"openat2", 437, "5.6", 0, false},
      {"pidfd_getfd", 438, "5.6", 0, false},
      {"faccessat2", 439, "5.8", 0, false},
      {"process_madvise", 440, "5.10", 0, false},
      {"epoll_pwait2", 441, "5.11", 0, false},
      {"mount_setattr", 442, "5.12", 0, false},
      {"quotactl_fd", 443, "5.14", 0, false},
      {"landlock_create_ruleset", 444, "5.13", 0, false},
      {"landlock_add_rule", 445, "5.13", 0, false},
      {"landlock_restrict_self", 446, "5.13", 0, false},
      {"memfd_secret", 447, "5.14", 0, false},
      {"process_mrelease", 448, "5.15", 0, false},
      {"futex_waitv", 449, "5.16", 0, false},
      {"set_mempolicy_home_node", 450, "5.17", 0, false},
      {"cachestat", 451, "6.5", 0, false},
      {"fchmodat2", 452, "6.6", 0, false},
      {"map_shadow_stack", 453, "6.6", 0, false},
      {"futex_wake", 454, "6.7", 0, false},
      {"futex_wait", 455, "6.7", 0, false},
      {"futex_requeue", 456, "6.7", 0, false},
      {"statmount", 457, "6.8", 0, false},
      {"listmount", 458, "6.8", 0, false},
      {"lsm_get_self_attr", 459, "6.8", 0, false},
      {"lsm_set_self_attr", 460, "6.8", 0, false},
      {"lsm_list_modules", 461, "6.8", 0, false},
      {"mseal", 462, "6.10", 0, false},
      {"setxattrat", 463, "6.13", 0, false},
      {"getxattrat", 464, "6.13", 0, false},
      {"listxattrat", 465, "6.13", 0, false},
      {"removexattrat", 466, "6.13", 0, false},
      {"open_tree_attr", 467, "6.15", 0, false},
      {"file_getattr", 468, "6.17", 0, false},
      {"file_setattr", 469, "6.17", 0, false},
      {"listns", 470, "6.19", 0, false},
  };
  return table;
}

namespace {

// The generic number's place on one ABI; nullopt when the entry does not exist there.
std::optional<int> on_arch(const KernelSyscall& s, uint32_t arch) {
  if (s.only_arch) {
    if (arch == s.only_arch) return s.number;
    if (arch == SCMP_ARCH_X32 && s.with_x32) return static_cast<int>(static_cast<uint32_t>(s.number) | kX32SyscallBit);
    return std::nullopt;
  }
  switch (arch) {
    case SCMP_ARCH_X32: return static_cast<int>(static_cast<uint32_t>(s.number) | kX32SyscallBit);
    case SCMP_ARCH_MIPS:
    case SCMP_ARCH_MIPSEL: return s.number + 4000;
    case SCMP_ARCH_MIPS64:
    case SCMP_ARCH_MIPSEL64: return s.number + 5000;
    case SCMP_ARCH_MIPS64N32:
    case SCMP_ARCH_MIPSEL64N32: return s.number + 6000;
    default: return s.number;
  }
}

}  // namespace

std::optional<int> kernel_table_number(uint32_t scmp_arch, const std::string& name) {
  for (const auto& s : kernel_syscalls())
    if (name == s.name) return on_arch(s, scmp_arch);
  return std::nullopt;
}

std::string kernel_table_name(uint32_t scmp_arch, int nr) {
  for (const auto& s : kernel_syscalls())
    if (on_arch(s, scmp_arch) == std::optional<int>(nr)) return s.name;
  return "";
}

std::optional<int> table_only_number(uint32_t scmp_arch, const std::string& name) {
  if (seccomp_syscall_resolve_name(name.c_str()) != __NR_SCMP_ERROR) return std::nullopt;
  return kernel_table_number(scmp_arch, name);
}

}  // namespace sc::profile
