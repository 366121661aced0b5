#include "isolator/launch/filter_comparison.h"

#include <linux/seccomp.h>
#include <seccomp.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <set>

#include "isolator/compiler/evaluator.h"
#include "isolator/compiler/action_codes.h"
#include "isolator/profile/arch.h"

namespace sc::launch {
namespace {

int wire_nr(uint32_t scmp_arch, int nr) {
  return scmp_arch == SCMP_ARCH_X32 ? static_cast<int>(static_cast<uint32_t>(nr) | profile::kX32SyscallBit) : nr;
}

std::string name_of(uint32_t scmp_arch, int nr) {
  std::string name = profile::syscall_name(profile::audit_arch_of(scmp_arch), wire_nr(scmp_arch, nr));
  return name;
}

// Argument vectors worth probing for one syscall: zeros, all ones, and around every value
// the expected profile compares this syscall's arguments against.
std::vector<std::array<uint64_t, 6>> arg_probes(const profile::ResolvedProfile* rules, const std::string& name) {
  std::vector<std::array<uint64_t, 6>> probes;
  probes.push_back({0, 0, 0, 0, 0, 0});
  probes.push_back({~0ull, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull});
  if (!rules) return probes;
  for (const auto& rule : rules->rules) {
    if (rule.name != name) continue;
    for (const auto& cond : rule.args) {
      if (cond.index > 5) continue;
      std::set<uint64_t> values = {cond.value, cond.value - 1, cond.value + 1, cond.value_two,
                                   cond.value_two | ~cond.value, cond.value & cond.value_two};
      for (uint64_t v : values) {
        std::array<uint64_t, 6> a{0, 0, 0, 0, 0, 0};
        a[cond.index] = v;
        probes.push_back(a);
      }
    }
  }
  return probes;
}

}  // namespace

std::vector<ProbeArch> probe_arches(const std::vector<uint32_t>& extra) {
  std::vector<uint32_t> tokens;
  uint32_t native = profile::native_arch();
  tokens.push_back(native);
  if (native == SCMP_ARCH_X86_64) {
    tokens.push_back(SCMP_ARCH_X86);
    tokens.push_back(SCMP_ARCH_X32);
  } else if (native == SCMP_ARCH_AARCH64) {
    tokens.push_back(SCMP_ARCH_ARM);
  }
  for (uint32_t t : extra) tokens.push_back(t);
  std::vector<ProbeArch> out;
  std::set<uint32_t> seen;
  for (uint32_t t : tokens)
    if (seen.insert(t).second) out.push_back({t, profile::arch_name(t)});
  return out;
}

uint32_t stack_verdict(const FilterStack& stack, uint32_t scmp_arch, int nr, const uint64_t args[6]) {
  if (stack.empty()) return SECCOMP_RET_ALLOW;
  compiler::SyscallData data;
  data.nr = wire_nr(scmp_arch, nr);
  data.arch = profile::audit_arch_of(scmp_arch);
  std::memcpy(data.args, args, sizeof data.args);
  return compiler::evaluate_stack(stack, data).ret;
}

std::vector<ArchVerdicts> verdict_table(const FilterStack& stack, const std::vector<ProbeArch>& arches) {
  std::vector<ArchVerdicts> out;
  const uint64_t zeros[6] = {0, 0, 0, 0, 0, 0};
  for (const auto& arch : arches) {
    std::map<uint32_t, VerdictGroup> groups;
    for (int nr = 0; nr <= kMaxSyscallNr; ++nr) {
      uint32_t ret = stack_verdict(stack, arch.scmp_arch, nr, zeros);
      auto& group = groups[ret];
      group.verdict = compiler::describe_ret(ret);
      std::string name = name_of(arch.scmp_arch, nr);
      if (name.empty() || name[0] == '#') ++group.unnamed;
      else group.syscalls.push_back(name);
    }
    ArchVerdicts av{arch.name, {}};
    for (auto& [ret, group] : groups) av.groups.push_back(std::move(group));
    std::stable_sort(av.groups.begin(), av.groups.end(), [](const VerdictGroup& a, const VerdictGroup& b) {
      return a.syscalls.size() + static_cast<size_t>(a.unnamed) > b.syscalls.size() + static_cast<size_t>(b.unnamed);
    });
    out.push_back(std::move(av));
  }
  return out;
}

Comparison compare_stacks(const FilterStack& installed, const FilterStack& expected,
                          const std::vector<ProbeArch>& arches, const profile::ResolvedProfile* expected_rules) {
  Comparison result;
  auto same_program = [](const std::vector<sock_filter>& a, const std::vector<sock_filter>& b) {
    return a.size() == b.size() &&
           (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(sock_filter)) == 0);
  };
  result.identical = installed.size() == expected.size() &&
                     std::equal(installed.begin(), installed.end(), expected.begin(), same_program);
  for (const auto& arch : arches) {
    for (int nr = 0; nr <= kMaxSyscallNr; ++nr) {
      std::string name = name_of(arch.scmp_arch, nr);
      for (const auto& args : arg_probes(expected_rules, name)) {
        ++result.probes;
        uint32_t got = stack_verdict(installed, arch.scmp_arch, nr, args.data());
        uint32_t want = stack_verdict(expected, arch.scmp_arch, nr, args.data());
        if (got == want) continue;
        result.differences.push_back({arch.name, nr, name, compiler::describe_ret(got), compiler::describe_ret(want),
                                      std::vector<uint64_t>(args.begin(), args.end())});
        break;  // one difference per syscall is enough to name it
      }
    }
  }
  return result;
}

}  // namespace sc::launch
