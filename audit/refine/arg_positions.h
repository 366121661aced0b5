// Which arguments of a syscall a seccomp condition can usefully check, per arch. seccomp sees
// only the six raw registers: a pointer's value says nothing about what it points to (and the
// memory can change after the check), a file descriptor number or a length changes from run
// to run; only plain values (an option, a command) and flag words are worth a condition.
// Argument ORDER differs between arches for some calls (clone on i386 passes tls before
// child_tid), so the table is per arch family: x86_64 and x32 share the 64-bit layout, x86
// (i386) has its own. Other arches have no table yet: no condition is synthesised there.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "audit/refine/arg_names.h"

namespace sc::refine {

enum class ArgKind {
  Value,     // an enumeration: a condition is arg == value (SCMP_CMP_EQ)
  FlagWord,  // bits: a condition pins the `guard` bits (SCMP_CMP_MASKED_EQ), or the word if guard is 0
  Pointer,   // an address: never a condition
  Ignored,   // a number whose value is not meaningful for policy (fd, length, pid)
};

struct ArgPosition {
  unsigned index = 0;
  std::string name;                 // "flags", "persona", ...
  ArgKind kind = ArgKind::Ignored;
  ArgVocabulary vocabulary = ArgVocabulary::None;
  // FlagWord: the bits a condition pins (Docker's clone rule pins the CLONE_NEW* bits and
  // leaves the others free); 0: the whole word must match (SCMP_CMP_EQ).
  uint64_t guard = 0;
  // A Value that means something only for some values of another argument (prctl's arg2 is a
  // capability number for PR_CAPBSET_READ but a pointer for PR_SET_NAME): conditioned only
  // when args[when_index] is in when_values. Empty: always.
  unsigned when_index = 0;
  std::set<uint64_t> when_values;
};

struct ArgLayout {
  std::string syscall;
  std::vector<ArgPosition> positions;  // every argument the call has, in index order
  std::string note;                    // why the layout is as it is, for the decision text
};

// The layout of `syscall` on arch (libseccomp name: "x86_64", "x86", "x32"); nullopt when the
// table does not cover it (then no condition is synthesised).
std::optional<ArgLayout> arg_layout(const std::string& syscall, const std::string& arch);

// The positions a condition can check (Value and FlagWord) for a tuple: prctl-style `when`
// positions only when they apply to it.
std::vector<const ArgPosition*> conditioned_positions(const ArgLayout& layout, const std::array<uint64_t, 6>& args);

// Every syscall the table knows (for docs/refine.md and tests).
std::vector<std::string> arg_table_syscalls();

}  // namespace sc::refine
