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
  Verdict verdict;
  verdict.action = resolved.default_action;
  auto covers = [&](uint32_t a) { return std::find(resolved.arches.begin(), resolved.arches.end(), a) != resolved.arches.end(); };
  auto bad_arch = [&] {
    verdict.action = bad_arch_action;
    verdict.bad_arch = true;
    return verdict;
  };
  // x86_64 and x32 share AUDIT_ARCH_X86_64: asked about one the filter does not cover, the
  // answer is the other's block's (which sends foreign numbers to the bad-arch action).
  if (arch == SCMP_ARCH_X32 && !covers(SCMP_ARCH_X32) && covers(SCMP_ARCH_X86_64))
    return verdict_of(resolved, SCMP_ARCH_X86_64, nr, args, bad_arch_action);
  if (arch == SCMP_ARCH_X86_64 && !covers(SCMP_ARCH_X86_64) && covers(SCMP_ARCH_X32))
    return verdict_of(resolved, SCMP_ARCH_X32, nr, args, bad_arch_action);
  if (!covers(arch)) return bad_arch();
  // The x32 bit in the number says which ABI runs.
  const uint32_t unr = static_cast<uint32_t>(nr);
  const bool x32_bit = (unr & kX32SyscallBit) != 0;
  if (arch == SCMP_ARCH_X86_64 && x32_bit && covers(SCMP_ARCH_X32))
    return verdict_of(resolved, SCMP_ARCH_X32, nr, args, bad_arch_action);
  if (arch == SCMP_ARCH_X32 && !x32_bit && covers(SCMP_ARCH_X86_64))
    return verdict_of(resolved, SCMP_ARCH_X86_64, nr, args, bad_arch_action);
  // runc's stub runs before libseccomp's program and splits on the x32 bit (jset): its x86_64
  // part sees the numbers without the bit, its x32 part those with it.
  const bool stub_applies = arch == SCMP_ARCH_X86_64 ? !x32_bit : arch == SCMP_ARCH_X32 ? x32_bit : true;
  if (auto stub = resolved.enosys_above.find(arch);
      stub_applies && stub != resolved.enosys_above.end() && unr > static_cast<uint32_t>(stub->second)) {
    verdict.action = Action{ActionKind::Errno, ENOSYS};
    verdict.newer_than_profile = true;
    return verdict;
  }
  // libseccomp, when the filter covers only one of the two ABIs, sends the other's numbers
  // (compared unsigned: jge 0x40000000) to the bad-arch action, except -1 on x86_64: the
  // number a tracer uses to skip a call, which goes on to the rules.
  if (arch == SCMP_ARCH_X86_64 && !covers(SCMP_ARCH_X32) && unr >= kX32SyscallBit && unr != 0xffffffffu)
    return bad_arch();
  if (arch == SCMP_ARCH_X32 && !covers(SCMP_ARCH_X86_64) && unr < kX32SyscallBit) return bad_arch();
  const bool narrow = arch_is_32bit(arch);
  const std::string name = syscall_name(arch, nr);
  int mux_base = 0;
  if (syscall_number(arch, "socketcall") == std::optional<int>(nr)) mux_base = 100;
  if (syscall_number(arch, "ipc") == std::optional<int>(nr)) mux_base = 200;
  for (const auto& rule : resolved.rules) {
    bool holds = true;
    if (rule.name != name) {
      // A rule for socket, shmget, ... on socketcall/ipc: libseccomp replaces its a0
      // condition with `a0 == subcall` and keeps those on a1..a5, applied to socketcall's
      // own registers.
      const int subcall = mux_base ? mux_subcall(arch, rule.name, mux_base) : -1;
      if (subcall < 0) continue;
      holds = (args[0] & 0xffffffffu) == static_cast<uint64_t>(subcall);
      for (const auto& c : rule.args)
        if (c.index != 0) holds = holds && condition_holds(c, args[c.index], narrow);
    } else if (rule.args.empty()) {
      // An unconditional rule decides the syscall, whatever else holds.
      verdict.action = rule.action;
      verdict.rule = &rule;
      verdict.holding.clear();
      return verdict;
    } else {
      for (const auto& c : rule.args) holds = holds && condition_holds(c, args[c.index], narrow);
    }
    if (holds) verdict.holding.push_back(&rule);
  }
  if (!verdict.holding.empty()) {
    verdict.rule = verdict.holding.front();
    verdict.action = verdict.rule->action;
    for (const ResolvedRule* r : verdict.holding)
      if (!(r->action == verdict.action)) verdict.order_decides = true;
  }
  return verdict;
}

bool depends_on_arguments(const ResolvedProfile& resolved, uint32_t arch, int nr) {
  const uint64_t zeros[6] = {0, 0, 0, 0, 0, 0};
  const Verdict v = verdict_of(resolved, arch, nr, zeros);
  if (v.bad_arch || v.newer_than_profile) return false;
  const uint32_t unr = static_cast<uint32_t>(nr);
  if (arch == SCMP_ARCH_X86_64 && unr >= kX32SyscallBit && unr != 0xffffffffu) arch = SCMP_ARCH_X32;
  if (arch == SCMP_ARCH_X32 && unr < kX32SyscallBit) arch = SCMP_ARCH_X86_64;
  const std::string name = syscall_name(arch, nr);
  int mux_base = 0;
  if (syscall_number(arch, "socketcall") == std::optional<int>(nr)) mux_base = 100;
  if (syscall_number(arch, "ipc") == std::optional<int>(nr)) mux_base = 200;
  bool checked = false;
  for (const auto& rule : resolved.rules) {
    if (rule.name == name) {
      if (rule.args.empty()) return false;  // an unconditional rule decides, whatever the arguments
      checked = true;
    } else if (mux_base && mux_subcall(arch, rule.name, mux_base) >= 0) {
      checked = true;
    }
  }
  return checked;
}

}  // namespace sc::profile
