// The part of a container's seccomp program that libseccomp cannot write, placed before
// libseccomp's own program (which starts by loading the arch itself, so the prefix may jump
// to it with anything in the accumulator):
//  1. rules for syscalls this libseccomp does not know, by the number the kernel table gives
//     on each arch. libseccomp 2.5 takes an unknown number only for the native arch; for x86
//     and x32 it must translate it through a name it lacks (arch_syscall_translate fails with
//     EFAULT), so these rules are compiled here for every arch alike;
//  2. runc's -ENOSYS stub (libcontainer/seccomp/patchbpf/enosys_linux.go): a call numbered
//     above the highest syscall the profile names on its arch gets ERRNO(ENOSYS). On x86_64
//     the x32 bit picks which maximum applies; an x32 call with x32 not covered goes on to
//     libseccomp's bad-arch action, as in runc.
// Both follow profile::verdict_of, the semantics the differential tests hold the whole
// program to. Empty when neither is needed: the program is then exactly libseccomp's.
#pragma once

#include <string>
#include <vector>

#include <linux/filter.h>

#include "isolator/profile/resolver.h"

namespace sc::compiler {

// True when libseccomp cannot take the rule (its name is unknown to libseccomp) and the
// prefix decides it instead.
bool decided_by_prefix(const profile::ResolvedRule& rule);

struct Prefix {
  std::vector<sock_filter> code;  // ends by falling through to the next instruction
  std::string description;        // '#'-comment lines for `compile --format=pfc`
};
Prefix prefix_program(const profile::ResolvedProfile& resolved);

}  // namespace sc::compiler
