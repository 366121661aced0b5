#include "audit/refine/launch_essentials.h"

#include <algorithm>

namespace sc::refine {

// Why a list at all: the learning bitmaps only see what the tracer watched, and a container's
// cgroup joins the watched set when the daemon notices its registry entry, which can be after
// the launcher has loaded the filter and exec'd. Whatever runs in that gap, and whatever the
// kernel itself needs to end a process or return from a signal, must stay allowed or the
// tightened profile stops containers from starting (the failure peers.md reports for generated
// profiles). The Mesos launch order after the filter is loaded: setgid/setgroups/setuid ->
// capset -> PR_SET_NO_NEW_PRIVS -> execve; then the dynamic loader maps the program.
const std::vector<EssentialSyscall>& launch_essentials() {
  static const std::vector<EssentialSyscall> list = {
      // The exec at the end of the launch sequence (execveat: fexecve-based launchers).
      {"execve", "launch execs the command after the filter is loaded"},
      {"execveat", "launchers that exec through a file descriptor (fexecve)"},
      // Dropping to the requested user after the filter is loaded (Mesos order).
      {"setuid", "launch drops to the task user after loading the filter"},
      {"setgid", "launch drops to the task group after loading the filter"},
      {"setgroups", "launch sets supplementary groups after loading the filter"},
      {"setresuid", "glibc implements setuid with setresuid on some paths"},
      {"setresgid", "glibc implements setgid with setresgid on some paths"},
      {"setreuid", "setuid family"},
      {"setregid", "setuid family"},
      {"setfsuid", "setuid family (glibc's credential syncing)"},
      {"setfsgid", "setuid family (glibc's credential syncing)"},
      {"setuid32", "setuid family, 32-bit ABI"},
      {"setgid32", "setuid family, 32-bit ABI"},
      {"setgroups32", "setuid family, 32-bit ABI"},
      {"setresuid32", "setuid family, 32-bit ABI"},
      {"setresgid32", "setuid family, 32-bit ABI"},
      {"setreuid32", "setuid family, 32-bit ABI"},
      {"setregid32", "setuid family, 32-bit ABI"},
      {"setfsuid32", "setuid family, 32-bit ABI"},
      {"setfsgid32", "setuid family, 32-bit ABI"},
      // Capabilities are set after the filter is loaded.
      {"capget", "launch reads capabilities before setting them"},
      {"capset", "launch sets the container's capabilities after loading the filter"},
      {"prctl", "PR_SET_NO_NEW_PRIVS, PR_SET_KEEPCAPS and PR_CAPBSET_DROP in the launch sequence"},
      // The kernel's own needs: returning from a signal handler, ending a process.
      {"rt_sigreturn", "returning from any signal handler"},
      {"sigreturn", "returning from a signal handler, 32-bit ABI"},
      {"exit", "a thread must be able to end"},
      {"exit_group", "a process must be able to end"},
      // The dynamic loader and libc start-up of every exec'd program, which may run before
      // the daemon starts watching the container.
      {"brk", "libc start-up (heap)"},
      {"mmap", "dynamic loader maps the program and its libraries"},
      {"mmap2", "dynamic loader, 32-bit ABI"},
      {"munmap", "dynamic loader"},
      {"mprotect", "dynamic loader (RELRO)"},
      {"arch_prctl", "libc start-up sets the thread pointer (x86_64)"},
      {"set_tid_address", "libc start-up"},
      {"set_robust_list", "libc start-up"},
      {"rseq", "glibc 2.35+ start-up registers rseq"},
      {"openat", "dynamic loader opens libraries"},
      {"read", "dynamic loader reads ELF headers"},
      {"pread64", "dynamic loader reads ELF program headers"},
      {"close", "dynamic loader"},
      {"newfstatat", "dynamic loader stats libraries"},
      {"fstat", "dynamic loader stats libraries"},
      {"access", "dynamic loader checks ld.so.preload"},
      {"futex", "libc locking, thread exit"},
      {"getrandom", "glibc 2.36 start-up seeds malloc and the stack protector"},
      {"prlimit64", "glibc start-up reads the stack limit"},
      {"rt_sigprocmask", "launch restores the signal mask before exec"},
      {"rt_sigaction", "launch resets signal dispositions before exec"},
  };
  return list;
}

bool is_launch_essential(const std::string& name) {
  const auto& list = launch_essentials();
  return std::any_of(list.begin(), list.end(), [&](const EssentialSyscall& e) { return name == e.name; });
}

}  // namespace sc::refine
