#include "isolator/profile/semantics.h"

#include <algorithm>
#include <cerrno>

#include <seccomp.h>

#include "isolator/profile/arch.h"

namespace sc::profile {

bool condition_holds(const ArgCondition& c, uint64_t arg, bool arch_32bit) {
  uint64_t value = c.value, two = c.value_two;
  if (arch_32bit) {
    arg &= 0xffffffffu;
    value &= 0xffffffffu;
    two &= 0xffffffffu;
  }
  switch (c.op) {
    case CmpOp::NotEqual: return arg != value;
    case CmpOp::LessThan: return arg < value;
    case CmpOp::LessEqual: return arg <= value;
    case CmpOp::Equal: return arg == value;
    case CmpOp::GreaterEqual: return arg >= value;
    case CmpOp::GreaterThan: return arg > value;
    case CmpOp::MaskedEqual: return (arg & value) == two;
  }
  return false;
}

namespace {
// libseccomp's multiplexed calls: on arches where socket(2) & co. go through socketcall(2)
// (i386, s390, ...), libseccomp names them with pseudo numbers __PNR_socket = -101 ... and
// ipc(2)'s subcalls -2xx. A rule for such a name is compiled twice: for the direct syscall
// with its conditions, and for socketcall/ipc with only `a0 == subcall` (the real arguments
// are in user memory, out of the filter's reach).
int mux_subcall(uint32_t arch, const std::string& rule_name, int base) {
  const ArchInfo* info = nullptr;
  for (const auto& a : known_arches())
    if (a.value == arch && a.libseccomp_knows) info = &a;
  if (!info) return -1;
  int pseudo = seccomp_syscall_resolve_name_arch(arch, rule_name.c_str());
  if (pseudo <= -base && pseudo > -(base + 100)) return -pseudo - base;
  return -1;
}
}  // namespace

Verdict verdict_of(const ResolvedProfile& resolved, uint32_t arch, int nr, const uint64_t args[6],
                   const Action& bad_arch_action) {
  Verdict verdict{resolved.default_action, nullptr, false};
  if (std::find(resolved.arches.begin(), resolved.arches.end(), arch) == resolved.arches.end()) {
    verdict.action = bad_arch_action;
    verdict.bad_arch = true;
    return verdict;
  }
  if (auto stub = resolved.enosys_above.find(arch); stub != resolved.enosys_above.end() &&
      static_cast<uint32_t>(nr) > static_cast<uint32_t>(stub->second)) {
    verdict.action = Action{ActionKind::Errno, ENOSYS};
    verdict.newer_than_profile = true;
    return verdict;
  }
  const bool narrow = arch_is_32bit(arch);
  const std::string name = syscall_name(arch, nr);
  int mux_base = 0;
  if (syscall_number(arch, "socketcall") == std::optional<int>(nr)) mux_base = 100;
  if (syscall_number(arch, "ipc") == std::optional<int>(nr)) mux_base = 200;
  const ResolvedRule* first_match = nullptr;
  for (const auto& rule : resolved.rules) {
    if (rule.name != name) {
      if (!mux_base) continue;
      int subcall = mux_base ? mux_subcall(arch, rule.name, mux_base) : -1;
      if (subcall < 0) continue;
      if (!first_match && (args[0] & 0xffffffffu) == static_cast<uint64_t>(subcall)) first_match = &rule;
      continue;
    }
    if (rule.args.empty()) {
      verdict.action = rule.action;
      verdict.rule = &rule;
      return verdict;
    }
    if (first_match) continue;
    bool all = true;
    for (const auto& c : rule.args) all = all && condition_holds(c, args[c.index], narrow);
    if (all) first_match = &rule;
  }
  if (first_match) {
    verdict.action = first_match->action;
    verdict.rule = first_match;
  }
  return verdict;
}

}  // namespace sc::profile
