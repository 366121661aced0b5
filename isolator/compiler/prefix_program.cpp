// The prefix: table-numbered rules and runc's ENOSYS stub (see prefix_program.h).
#include "isolator/compiler/prefix_program.h"

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <map>
#include <optional>
#include <stdexcept>

#include "isolator/compiler/action_codes.h"
#include "isolator/profile/arch.h"
#include "isolator/profile/kernel_syscalls.h"

namespace sc::compiler {
namespace {

constexpr uint32_t kNrOffset = offsetof(seccomp_data, nr);
constexpr uint32_t kArchOffset = offsetof(seccomp_data, arch);

// The two 32-bit halves of args[i] in struct seccomp_data (host byte order).
uint32_t arg_low(unsigned index) {
  uint32_t base = static_cast<uint32_t>(offsetof(seccomp_data, args)) + 8 * index;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return base;
#else
  return base + 4;
#endif
}
uint32_t arg_high(unsigned index) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return arg_low(index) + 4;
#else
  return arg_low(index) - 4;
#endif
}

// A forward-only assembler with labels. In direct mode a conditional jump is one instruction
// whose 8-bit offsets point at its labels, and finish() gives up (nullopt) if an offset does
// not fit; the program is then generated again in long mode, where every conditional jump is
// `jcc k, 0, 1` followed by two unconditional jumps (32-bit offsets), which always fits.
class Assembler {
 public:
  explicit Assembler(bool direct) : direct_(direct) {}
  int label() {
    labels_.push_back(-1);
    return static_cast<int>(labels_.size() - 1);
  }
  void bind(int label) { labels_[static_cast<size_t>(label)] = static_cast<long>(code_.size()); }
  void load(uint32_t offset) { code_.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offset)); }
  void and_k(uint32_t k) { code_.push_back(BPF_STMT(BPF_ALU | BPF_AND | BPF_K, k)); }
  void ret(uint32_t k) { code_.push_back(BPF_STMT(BPF_RET | BPF_K, k)); }
  void jump(int label) {
    fixups_.push_back({code_.size(), label, -1});
    code_.push_back(BPF_STMT(BPF_JMP | BPF_JA, 0));
  }
  // if (A <op> k) goto yes; else goto no.   op: BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET
  void branch(uint16_t op, uint32_t k, int yes, int no) {
    if (direct_) {
      fixups_.push_back({code_.size(), yes, no});
      code_.push_back(BPF_JUMP(BPF_JMP | op | BPF_K, k, 0, 0));
      return;
    }
    code_.push_back(BPF_JUMP(BPF_JMP | op | BPF_K, k, 0, 1));
    jump(yes);
    jump(no);
  }
  std::optional<std::vector<sock_filter>> finish() {
    auto offset = [this](size_t at, int label) {
      long target = labels_[static_cast<size_t>(label)];
      if (target <= static_cast<long>(at)) throw std::logic_error("prefix program: unbound or backward label");
      return target - static_cast<long>(at) - 1;
    };
    for (const auto& f : fixups_) {
      if (f.no < 0) {
        code_[f.at].k = static_cast<uint32_t>(offset(f.at, f.yes));
        continue;
      }
      long jt = offset(f.at, f.yes), jf = offset(f.at, f.no);
      if (jt > 255 || jf > 255) return std::nullopt;
      code_[f.at].jt = static_cast<uint8_t>(jt);
      code_[f.at].jf = static_cast<uint8_t>(jf);
    }
    return std::move(code_);
  }

 private:
  struct Fixup {
    size_t at;
    int yes, no;  // no < 0: an unconditional jump to yes
  };
  bool direct_;
  std::vector<sock_filter> code_;
  std::vector<long> labels_;
  std::vector<Fixup> fixups_;
};

// One 32-bit comparison step of a 64-bit condition: jumps to `pass` or `fail`.
void condition(Assembler& a, const profile::ArgCondition& c, bool narrow, int pass, int fail) {
  const uint32_t vlo = static_cast<uint32_t>(c.value), vhi = static_cast<uint32_t>(c.value >> 32);
  const uint32_t tlo = static_cast<uint32_t>(c.value_two), thi = static_cast<uint32_t>(c.value_two >> 32);
  using profile::CmpOp;
  // On a 32-bit arch only the low words take part (profile::condition_holds).
  auto low = [&](uint16_t op, bool negate, uint32_t k) {
    a.load(arg_low(c.index));
    if (c.op == CmpOp::MaskedEqual) a.and_k(vlo);
    a.branch(op, k, negate ? fail : pass, negate ? pass : fail);
  };
  if (narrow) {
    switch (c.op) {
      case CmpOp::Equal: return low(BPF_JEQ, false, vlo);
      case CmpOp::NotEqual: return low(BPF_JEQ, true, vlo);
      case CmpOp::GreaterThan: return low(BPF_JGT, false, vlo);
      case CmpOp::GreaterEqual: return low(BPF_JGE, false, vlo);
      case CmpOp::LessThan: return low(BPF_JGE, true, vlo);
      case CmpOp::LessEqual: return low(BPF_JGT, true, vlo);
      case CmpOp::MaskedEqual: return low(BPF_JEQ, false, tlo);
    }
    return;
  }
  int on_low = a.label();
  switch (c.op) {
    case CmpOp::Equal:
    case CmpOp::NotEqual: {
      const bool ne = c.op == CmpOp::NotEqual;
      a.load(arg_high(c.index));
      a.branch(BPF_JEQ, vhi, on_low, ne ? pass : fail);
      a.bind(on_low);
      return low(BPF_JEQ, ne, vlo);
    }
    case CmpOp::MaskedEqual:
      a.load(arg_high(c.index));
      a.and_k(vhi);
      a.branch(BPF_JEQ, thi, on_low, fail);
      a.bind(on_low);
      return low(BPF_JEQ, false, tlo);
    case CmpOp::GreaterThan:
    case CmpOp::GreaterEqual:
    case CmpOp::LessThan:
    case CmpOp::LessEqual: {
      // high > vhi decides "greater", high < vhi "less", equal highs go on to the low words.
      const bool greater = c.op == CmpOp::GreaterThan || c.op == CmpOp::GreaterEqual;
      int equal_high = a.label();
      a.load(arg_high(c.index));
      a.branch(BPF_JGT, vhi, greater ? pass : fail, equal_high);
      a.bind(equal_high);
      a.branch(BPF_JEQ, vhi, on_low, greater ? fail : pass);
      a.bind(on_low);
      switch (c.op) {
        case CmpOp::GreaterThan: return low(BPF_JGT, false, vlo);
        case CmpOp::GreaterEqual: return low(BPF_JGE, false, vlo);
        case CmpOp::LessThan: return low(BPF_JGE, true, vlo);
        default: return low(BPF_JGT, true, vlo);
      }
    }
  }
}

struct Section {
  std::map<int, std::vector<const profile::ResolvedRule*>> rules;  // nr -> rules in profile order
  std::optional<int> enosys_above;
};

// With the syscall number in A: the ENOSYS check, the table rules, then libseccomp. Ordered
// for the common call (a number below every table number): one comparison, then libseccomp.
void subsection(Assembler& a, const Section* s, bool narrow, int enosys, int filter) {
  if (!s) return a.jump(filter);
  int rules = a.label();
  if (!s->rules.empty()) {
    int check = a.label();
    a.branch(BPF_JGE, static_cast<uint32_t>(s->rules.begin()->first), check, filter);
    a.bind(check);
  }
  if (s->enosys_above) a.branch(BPF_JGT, static_cast<uint32_t>(*s->enosys_above), enosys, s->rules.empty() ? filter : rules);
  else if (s->rules.empty()) a.jump(filter);
  a.bind(rules);
  if (s->rules.empty()) return;
  // The numbers in runs of consecutive ones (x86_64: 335, 457-466): a call between two runs
  // leaves after two comparisons, one inside a run is found by equality.
  std::vector<std::vector<int>> runs;
  for (const auto& [nr, group] : s->rules) {
    if (runs.empty() || nr != runs.back().back() + 1) runs.emplace_back();
    runs.back().push_back(nr);
  }
  std::map<int, int> bodies;  // nr -> label
  for (size_t k = 0; k < runs.size(); ++k) {
    const auto& run = runs[k];
    if (k > 0) {  // the first run's start was checked on the way in
      int inside = a.label();
      a.branch(BPF_JGE, static_cast<uint32_t>(run.front()), inside, filter);
      a.bind(inside);
    }
    int checks = a.label(), next_run = a.label();
    if (k + 1 < runs.size()) {
      a.branch(BPF_JGT, static_cast<uint32_t>(run.back()), next_run, checks);
      a.bind(checks);
    }
    for (int nr : run) {
      int body = a.label(), next = a.label();
      a.branch(BPF_JEQ, static_cast<uint32_t>(nr), body, next);
      a.bind(next);
      bodies[nr] = body;
    }
    a.jump(filter);
    a.bind(next_run);
  }
  for (const auto& [nr, group] : s->rules) {
    a.bind(bodies.at(nr));
    const profile::ResolvedRule* unconditional = nullptr;
    for (const auto* r : group)
      if (!unconditional && r->args.empty()) unconditional = r;
    if (unconditional) {
      a.ret(seccomp_ret(unconditional->action));
      continue;
    }
    for (const auto* r : group) {
      int next_rule = a.label();
      for (const auto& c : r->args) {
        int holds = a.label();
        condition(a, c, narrow, holds, next_rule);
        a.bind(holds);
      }
      a.ret(seccomp_ret(r->action));
      a.bind(next_rule);
    }
    a.jump(filter);  // no rule matched: libseccomp's program gives the default action
  }
}

}  // namespace

bool decided_by_prefix(const profile::ResolvedRule& rule) {
  if (seccomp_syscall_resolve_name(rule.name.c_str()) != __NR_SCMP_ERROR) return false;
  for (const auto& a : profile::known_arches())
    if (profile::kernel_table_number(a.value, rule.name)) return true;
  return false;
}

Prefix prefix_program(const profile::ResolvedProfile& resolved) {
  std::map<uint32_t, Section> sections;  // SCMP_ARCH_* -> what its calls check first
  std::string description;
  for (const auto& rule : resolved.rules) {
    if (!decided_by_prefix(rule)) continue;
    for (uint32_t arch : resolved.arches)
      if (auto nr = profile::table_only_number(arch, rule.name)) {
        sections[arch].rules[*nr].push_back(&rule);
        description += "# " + profile::arch_name(arch) + " " + std::to_string(*nr) + " (" + rule.name + "): " +
                       rule.json_path + " " + profile::describe(rule.action) +
                       (rule.args.empty() ? "" : " with " + std::to_string(rule.args.size()) + " argument checks") +
                       " (by number: unknown to this libseccomp)\n";
      }
  }
  for (const auto& [arch, last] : resolved.enosys_above) {
    sections[arch].enosys_above = last;
    description += "# " + profile::arch_name(arch) + ": numbers above " + std::to_string(last) +
                   " get ERRNO(ENOSYS) (runc's stub for syscalls newer than the profile)\n";
  }
  if (sections.empty()) return {};

  // Native x86_64 and x32 share AUDIT_ARCH_X86_64: one section, split on the x32 bit. The
  // native arch's section comes first.
  std::vector<std::pair<uint32_t, std::vector<uint32_t>>> by_audit_arch;
  for (const auto& [arch, section] : sections) {
    const uint32_t audit = profile::audit_arch_of(arch);
    auto it = std::find_if(by_audit_arch.begin(), by_audit_arch.end(), [&](const auto& e) { return e.first == audit; });
    if (it == by_audit_arch.end()) by_audit_arch.push_back({audit, {arch}});
    else it->second.push_back(arch);
  }
  const uint32_t native = profile::audit_arch_of(resolved.native_arch);
  std::stable_partition(by_audit_arch.begin(), by_audit_arch.end(), [&](const auto& e) { return e.first == native; });
  auto find = [&](uint32_t arch) -> const Section* {
    auto it = sections.find(arch);
    return it == sections.end() ? nullptr : &it->second;
  };
  auto generate = [&](bool direct) {
    Assembler a(direct);
    const int enosys = a.label(), filter = a.label();
    a.load(kArchOffset);
    for (const auto& [audit_arch, arches] : by_audit_arch) {
      int body = a.label(), next = a.label();
      a.branch(BPF_JEQ, audit_arch, body, next);
      a.bind(body);
      a.load(kNrOffset);
      if (audit_arch == AUDIT_ARCH_X86_64) {
        int x32 = a.label(), x86_64 = a.label();
        a.branch(BPF_JSET, profile::kX32SyscallBit, x32, x86_64);
        a.bind(x86_64);
        subsection(a, find(SCMP_ARCH_X86_64), false, enosys, filter);
        a.bind(x32);
        subsection(a, find(SCMP_ARCH_X32), profile::arch_is_32bit(SCMP_ARCH_X32), enosys, filter);
      } else {
        subsection(a, find(arches.front()), profile::arch_is_32bit(arches.front()), enosys, filter);
      }
      a.bind(next);
    }
    a.jump(filter);
    a.bind(enosys);
    a.ret(SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
    a.bind(filter);
    return a.finish();
  };
  std::optional<std::vector<sock_filter>> code = generate(true);
  if (!code) code = generate(false);  // a jump longer than 255 instructions
  Prefix out;
  out.code = std::move(*code);
  out.description = "# seccomp-companion: " + std::to_string(out.code.size()) +
                    " instructions run before libseccomp's program:\n" + description;
  return out;
}

}  // namespace sc::compiler
