// Verdict tables of a filter stack, and the comparison `inspect` makes between the filters a
// process really has and the filter its container's profile compiles to. Two stacks match
// when every syscall number (0..kMaxSyscallNr) of the native arch and its sub-arches gets
// the same verdict, probing arguments at zero, all ones, and around every value the
// expected profile compares against.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <linux/filter.h>

#include "isolator/profile/resolver.h"

namespace sc::launch {

inline constexpr int kMaxSyscallNr = 1023;

using FilterStack = std::vector<std::vector<sock_filter>>;  // installation order

struct ProbeArch {
  uint32_t scmp_arch;   // SCMP_ARCH_* token
  std::string name;     // "x86_64", "x86", "x32"
};
// The native arch and its sub-architectures (x86_64: x86, x32; aarch64: arm), plus any
// further arch in `extra` (SCMP tokens), without duplicates, native first.
std::vector<ProbeArch> probe_arches(const std::vector<uint32_t>& extra = {});

// Raw SECCOMP_RET_* for (arch, nr) with the given args. An empty stack allows everything.
uint32_t stack_verdict(const FilterStack& stack, uint32_t scmp_arch, int nr, const uint64_t args[6]);

struct VerdictGroup {
  std::string verdict;                 // compiler::describe_ret()
  std::vector<std::string> syscalls;   // names known on that arch
  int unnamed = 0;                     // numbers without a name that get this verdict
};
struct ArchVerdicts {
  std::string arch;
  std::vector<VerdictGroup> groups;    // most frequent verdict first
};
// Verdicts with all arguments zero.
std::vector<ArchVerdicts> verdict_table(const FilterStack& stack, const std::vector<ProbeArch>& arches);

struct Difference {
  std::string arch;
  int nr = 0;
  std::string syscall;
  std::string installed, expected;     // compiler::describe_ret()
  std::vector<uint64_t> args;          // the argument values that showed it
};
struct Comparison {
  bool identical = false;              // byte-identical programs
  std::vector<Difference> differences; // empty: match
  uint64_t probes = 0;                 // evaluations compared
};
Comparison compare_stacks(const FilterStack& installed, const FilterStack& expected,
                          const std::vector<ProbeArch>& arches,
                          const profile::ResolvedProfile* expected_rules);

}  // namespace sc::launch
