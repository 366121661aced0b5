// Resolution: decide which arches the filter covers and exactly which (syscall, action,
// args) rules get compiled, for one container (arch, capability set, kernel, mode).
#include "isolator/profile/resolver.h"

#include <sys/utsname.h>

#include <algorithm>
#include <cerrno>
#include <map>

#include "isolator/profile/arch.h"
#include "isolator/profile/capabilities.h"
#include "isolator/profile/kernel_syscalls.h"

#include <seccomp.h>
#include "isolator/profile/parser.h"

namespace sc::profile {

const char* new_syscalls_name(NewSyscalls value) {
  return value == NewSyscalls::Enosys ? "enosys" : "default";
}

KernelVersion running_kernel() {
  struct utsname u {};
  if (uname(&u) != 0) return {};
  return parse_kernel_version(u.release).value_or(KernelVersion{});
}

namespace {

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// True when the rule's includes/excludes keep it for this container; `why` says otherwise.
bool rule_applies(const SyscallRule& rule, const std::string& native_short,
                  const std::set<std::string>& caps, const KernelVersion& kernel) {
  const Condition& in = rule.includes;
  const Condition& ex = rule.excludes;
  if (!in.arches.empty() && !contains(in.arches, native_short)) return false;
  if (contains(ex.arches, native_short)) return false;
  for (const auto& cap : in.caps)
    if (!caps.count(cap)) return false;
  for (const auto& cap : ex.caps)
    if (caps.count(cap)) return false;
  if (in.min_kernel && kernel < *in.min_kernel) return false;
  if (ex.min_kernel && !(kernel < *ex.min_kernel)) return false;
  return true;
}

// A single argument condition no value can satisfy (on a 64-bit arch).
bool never_true(const ArgCondition& c) {
  switch (c.op) {
    case CmpOp::LessThan: return c.value == 0;
    case CmpOp::GreaterThan: return c.value == UINT64_MAX;
    case CmpOp::MaskedEqual: return (c.value_two & ~c.value) != 0;  // datum bits outside mask
    default: return false;
  }
}

// Two conditions on the same argument that contradict each other (EQ a and EQ b, a != b).
bool contradict(const ArgCondition& a, const ArgCondition& b) {
  if (a.index != b.index) return false;
  if (a.op == CmpOp::Equal && b.op == CmpOp::Equal) return a.value != b.value;
  auto eq_vs = [](const ArgCondition& eq, const ArgCondition& other) {
    if (eq.op != CmpOp::Equal) return false;
    switch (other.op) {
      case CmpOp::NotEqual: return eq.value == other.value;
      case CmpOp::LessThan: return !(eq.value < other.value);
      case CmpOp::LessEqual: return !(eq.value <= other.value);
      case CmpOp::GreaterThan: return !(eq.value > other.value);
      case CmpOp::GreaterEqual: return !(eq.value >= other.value);
      case CmpOp::MaskedEqual: return (eq.value & other.value) != other.value_two;
      default: return false;
    }
  };
  return eq_vs(a, b) || eq_vs(b, a);
}

}  // namespace

ResolvedProfile resolve(const Profile& profile, const ResolveContext& context) {
  ResolvedProfile out;
  const uint32_t native = context.native_arch ? context.native_arch : native_arch();
  out.native_arch = native;
  out.kernel = (context.kernel == KernelVersion{}) ? running_kernel() : context.kernel;
  out.audit = context.audit;
  out.original_default_action = profile.default_action;
  out.default_action = profile.default_action;
  if (context.audit && profile.default_action.kind != ActionKind::Allow)
    out.default_action = Action{ActionKind::Log, std::nullopt};
  for (const auto& flag : profile.flags) {
    if (flag == "SECCOMP_FILTER_FLAG_TSYNC") out.tsync = true;
    if (flag == "SECCOMP_FILTER_FLAG_SPEC_ALLOW") out.spec_allow = true;
  }

  // Arches: the native arch first, then the native archMap entry's sub-architectures, or the
  // top-level `architectures` list. Unlisted arches hit the bad-arch action (kill).
  auto add_arch = [&](uint32_t arch, const std::string& where) {
    if (std::find(out.arches.begin(), out.arches.end(), arch) != out.arches.end()) return;
    bool buildable = false;
    for (const auto& a : known_arches())
      if (a.value == arch) buildable = a.libseccomp_knows;
    if (!buildable) {
      out.warnings.push_back(where + ": libseccomp cannot build filters for " + arch_name(arch) +
                             "; its syscalls get the bad-arch action (kill)");
      return;
    }
    out.arches.push_back(arch);
  };
  add_arch(native, "native arch");
  if (!profile.arch_map.empty()) {
    bool found = false;
    for (size_t i = 0; i < profile.arch_map.size(); ++i) {
      const ArchEntry& entry = profile.arch_map[i];
      if (scmp_arch_from_token(entry.architecture) != native) continue;
      found = true;
      for (size_t j = 0; j < entry.sub_architectures.size(); ++j)
        if (auto sub = scmp_arch_from_token(entry.sub_architectures[j]))
          add_arch(*sub, "archMap[" + std::to_string(i) + "].subArchitectures[" + std::to_string(j) + "]");
    }
    if (!found)
      out.warnings.push_back("archMap: no entry for the native arch " + arch_name(native) +
                             "; the filter covers " + arch_name(native) + " only");
  } else {
    for (size_t i = 0; i < profile.architectures.size(); ++i)
      if (auto arch = scmp_arch_from_token(profile.architectures[i]))
        add_arch(*arch, "architectures[" + std::to_string(i) + "]");
  }

  std::set<std::string> caps;
  for (const auto& cap : context.capabilities) {
    auto canonical = normalize_capability(cap);
    if (!canonical) throw ParseError("", "unknown capability '" + cap + "' in the container's capability set");
    caps.insert(*canonical);
  }

  const std::string native_short = arch_short_name(native);
  const bool deny_default = profile.default_action.kind != ActionKind::Allow;
  // name -> json_path of the first rule that decides it without argument checks: any other
  // rule for that name never matches (libseccomp lets the unconditional rule decide).
  std::map<std::string, std::string> unconditional;
  std::vector<ResolvedRule> candidates;
  std::set<std::string> named;                 // every name of every applying rule (runc's max)
  std::set<std::string> noted;                 // names already reported as table-resolved
  for (const auto& rule : profile.syscalls) {
    if (!rule_applies(rule, native_short, caps, out.kernel)) {
      ++out.rules_skipped;
      continue;
    }
    Action action = rule.action;
    if (context.audit && action.kind != ActionKind::Allow) action = Action{ActionKind::Log, std::nullopt};

    // Rules that can never match: an impossible argument condition.
    bool impossible = false;
    for (size_t a = 0; a < rule.args.size(); ++a) {
      if (never_true(rule.args[a])) {
        out.warnings.push_back(rule.json_path + ".args[" + std::to_string(a) + "]: " +
                               op_name(rule.args[a].op) + " " + std::to_string(rule.args[a].value) +
                               " can never be true; the rule never matches");
        impossible = true;
      }
      for (size_t b = a + 1; b < rule.args.size(); ++b)
        if (contradict(rule.args[a], rule.args[b])) {
          out.warnings.push_back(rule.json_path + ".args[" + std::to_string(b) + "]: contradicts args[" +
                                 std::to_string(a) + "]; the rule never matches");
          impossible = true;
        }
    }

    if (rule.action == profile.default_action) {
      out.warnings.push_back(rule.json_path + ": redundant: its action " + describe(rule.action) +
                             " equals the default action");
    }
    const bool redundant = action == out.default_action;

    for (size_t n = 0; n < rule.names.size(); ++n) {
      const std::string& name = rule.names[n];
      const std::string name_path = rule.json_path + ".names[" + std::to_string(n) + "]";
      if (!syscall_name_known(name)) {
        // Skipping the name hands its calls to the default action. That is safe only when
        // the rule would have allowed them and the default denies them.
        if (rule.action.kind == ActionKind::Allow && deny_default) {
          out.warnings.push_back(name_path + ": unknown syscall '" + name + "' skipped (this libseccomp "
                                 "does not know it; the default action " +
                                 describe(out.default_action) + " applies to it)");
          continue;
        }
        throw ParseError(name_path, "Unrecognized syscall '" + name + "': it is in a " +
                                        describe(rule.action) + " rule under the default action " +
                                        describe(profile.default_action) +
                                        ", so skipping it would let through calls the profile stops");
      }
      named.insert(name);
      if (noted.insert(name).second) {
        std::string numbers;
        for (uint32_t arch : out.arches)
          if (auto nr = table_only_number(arch, name))
            numbers += (numbers.empty() ? "" : ", ") + arch_name(arch) + " " + std::to_string(*nr & ~kX32SyscallBit) +
                       (arch == SCMP_ARCH_X32 ? "|x32 bit" : "");
        if (!numbers.empty())
          out.notes.push_back(name_path + ": '" + name + "' is unknown to this libseccomp; added by number "
                              "from the kernel syscall table (" + numbers + ")");
      }
      bool exists = false;
      for (uint32_t arch : out.arches) exists = exists || syscall_number(arch, name).has_value();
      if (!exists) {
        out.warnings.push_back(name_path + ": '" + name + "' does not exist on the filtered arches; "
                               "the rule never matches it");
        continue;
      }
      if (impossible || redundant) continue;
      if (rule.args.empty()) unconditional.emplace(name, rule.json_path);  // first one wins
      candidates.push_back(ResolvedRule{name, action, rule.action, rule.args, rule.json_path});
    }
    if (redundant) ++out.rules_redundant;
  }
  for (auto& rule : candidates) {
    auto decided = unconditional.find(rule.name);
    if (decided != unconditional.end() && decided->second != rule.json_path) {
      // The same verdict listed twice is harmless; a different one is a rule that never fires.
      const ResolvedRule* winner = nullptr;
      for (const auto& c : out.rules)  // the winner came first and is already kept
        if (c.name == rule.name && c.json_path == decided->second && c.args.empty()) winner = &c;
      if (winner && winner->action == rule.action) continue;
      out.warnings.push_back(rule.json_path + ": '" + rule.name + "' is already decided without "
                             "argument checks by " + decided->second + "; this rule never matches it");
      continue;
    }
    out.rules.push_back(std::move(rule));
  }

  // runc's -ENOSYS stub (patchbpf.generatePatch/findLastSyscalls): for every covered arch,
  // the highest number among the names of every rule that applies, whatever its action.
  out.new_syscalls = context.new_syscalls;
  const ActionKind d = out.default_action.kind;
  const bool permissive = d == ActionKind::Allow || d == ActionKind::Log || d == ActionKind::Trace;
  const bool enosys_default = d == ActionKind::Errno && out.default_action.data == std::optional<uint32_t>(ENOSYS);
  if (context.new_syscalls == NewSyscalls::Enosys && !permissive && !enosys_default) {
    for (uint32_t arch : out.arches) {
      int last = 0;
      for (const auto& name : named)
        if (auto nr = syscall_number(arch, name)) last = std::max(last, *nr);
      if (last > 0) out.enosys_above[arch] = last;  // runc: "could not find any syscalls" otherwise
    }
  }

  // Mesos needs pivot_root allowed: nested launches enter a task's rootfs under this filter.
  if (profile.default_action.kind != ActionKind::Allow) {
    bool allowed = false;
    for (const auto& r : out.rules)
      if (r.name == "pivot_root" && r.original_action.kind == ActionKind::Allow && r.args.empty())
        allowed = true;
    if (!allowed)
      out.warnings.push_back("pivot_root is not allowed: Mesos's nested launches (a command executor "
                             "entering a task's rootfs) call pivot_root under this filter and will fail");
  }
  return out;
}

}  // namespace sc::profile
