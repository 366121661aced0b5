// What a profile does with a syscall, as the engine decides it: the profile parsed, resolved
// for one container context (capabilities, this host's arch and kernel) and compiled in
// enforce mode by the daemon's own evaluator (audit/oracle); verdicts come from the evaluator running the real cBPF program, so `suggest`
// and `report` agree with what `seccomp-isolator launch` would enforce.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "audit/oracle/compiled_profile.h"
#include "isolator/profile/resolver.h"

namespace sc::refine {

// "syscalls[12]" -> 12; -1 when the path is not a rule's.
int rule_index(const std::string& json_path);

class ProfileOracle {
 public:
  // Throws sc::profile::ParseError / sc::compiler::FilterError (what `check` would report).
  ProfileOracle(const std::string& profile_text, const std::set<std::string>& capabilities);

  const profile::ResolvedProfile& resolved() const { return compiled_->resolved; }
  const std::set<std::string>& capabilities() const { return capabilities_; }
  // Enforcing verdict for one call (an action the kernel does not know: KillProcess, as it
  // does). `arch` is a SCMP_ARCH_* / AUDIT_ARCH_* value.
  common::Action verdict(uint32_t arch, int32_t nr, const std::array<uint64_t, 6>& args = {}) const;
  // The rules that apply to this container and name the syscall, in profile order.
  std::vector<const profile::ResolvedRule*> rules_for(const std::string& name) const;

 private:
  std::set<std::string> capabilities_;
  std::shared_ptr<const audit::CompiledProfile> compiled_;  // the daemon's evaluator, the same program
};

// Parse + resolve + compile in enforce and audit mode, exactly the steps of
// `seccomp-isolator check`. Throws with the engine's message (JSON path included).
void check_profile(const std::string& profile_text, const std::set<std::string>& capabilities);

// The bounding capability set of this process ("CAP_CHOWN", ...): what `launch` resolves
// against when a container's registry entry does not say.
std::set<std::string> own_bounding_capabilities();
// "chown" / "CHOWN" / "CAP_CHOWN" -> "CAP_CHOWN".
std::string normalize_capability(const std::string& name);

}  // namespace sc::refine
