// What a resolved profile means for one syscall, computed from the rules themselves, with no
// BPF involved: the reference the compiled filter is checked against (differential tests),
// and how `explain` names the rule that decided a verdict.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "isolator/profile/resolver.h"

namespace sc::profile {

struct Verdict {
  Action action;
  const ResolvedRule* rule = nullptr;  // the deciding rule; nullptr for default / bad arch
  bool bad_arch = false;               // the arch is not covered: the bad-arch action applies
  bool newer_than_profile = false;     // above every number the profile names: ERRNO(ENOSYS)
  // Every argument-checked rule whose conditions all hold, in profile order (`rule` is the
  // first). When their actions differ (`order_decides`), the profile does not say which wins:
  // libseccomp merges the rules into one argument tree, ordered by argument index, operator
  // and value, not by profile order, and the compiled filter's verdict is one of theirs.
  std::vector<const ResolvedRule*> holding;
  bool order_decides = false;
};

// `arch` is the SCMP_ARCH_* token the call runs under (SCMP_ARCH_X32 for x32; its nr carries
// kX32SyscallBit). Semantics, as libseccomp compiles them:
//  - an arch the filter does not cover gets `bad_arch_action`;
//  - a number above the arch's `enosys_above` gets ERRNO(ENOSYS) (runc's stub, compared
//    unsigned as its jgt does; x32 numbers carry their bit);
//  - x86_64 and x32 share one audit arch: a number with the x32 bit asked about as x86_64 is
//    an x32 call (and the reverse), decided as such when the filter covers that ABI and by
//    the bad-arch action when it does not (-1 on x86_64 excepted: it goes to the rules);
//  - a name only the kernel table knows is decided like any other (the compiler adds it);
//  - the first rule without argument checks for the syscall decides it;
//  - otherwise the argument-checked rules whose every condition holds decide it: all with
//    one action, that action; with different actions, one of theirs (`order_decides`);
//  - otherwise the default action.
// On 32-bit arches only the low 32 bits of arguments and values are compared.
// Multiplexed calls (i386 socketcall/ipc): a rule for socket, shmget, ... also matches
// socketcall/ipc when a0 is its subcall number and its conditions on a1..a5 hold on
// socketcall's own registers (its a0 condition is replaced), exactly as libseccomp compiles it.
Verdict verdict_of(const ResolvedProfile& resolved, uint32_t arch, int nr, const uint64_t args[6],
                   const Action& bad_arch_action = Action{ActionKind::KillProcess, std::nullopt});

// Whether verdict_of for (arch, nr) can change with the arguments: some rule that applies to
// the call checks them (on i386 socketcall/ipc, every rule for one of their subcalls does:
// a0 is the subcall) and no rule without checks decides it first. False for calls decided
// by the arch or by the ENOSYS rule.
bool depends_on_arguments(const ResolvedProfile& resolved, uint32_t arch, int nr);

// True when the condition holds for the argument value (on an arch with `bits` 32 or 64).
bool condition_holds(const ArgCondition& condition, uint64_t arg, bool arch_32bit);

}  // namespace sc::profile
