#include "audit/refine/profile_oracle.h"

#include "isolator/compiler/filter.h"
#include "isolator/profile/arch.h"
#include "isolator/profile/capabilities.h"
#include "isolator/profile/parser.h"

namespace sc::refine {

int rule_index(const std::string& json_path) {
  const std::string prefix = "syscalls[";
  if (json_path.rfind(prefix, 0) != 0) return -1;
  size_t end = json_path.find(']', prefix.size());
  if (end == std::string::npos || end == prefix.size()) return -1;
  std::string digits = json_path.substr(prefix.size(), end - prefix.size());
  if (digits.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::stoi(digits);
}

ProfileOracle::ProfileOracle(const std::string& profile_text, const std::set<std::string>& capabilities)
    : capabilities_(capabilities) {
  profile::ResolveContext context;
  context.capabilities = capabilities;
  context.audit = false;
  compiled_ = audit::compile_profile(profile::parse_profile(profile_text), context);
}

common::Action ProfileOracle::verdict(uint32_t arch, int32_t nr, const std::array<uint64_t, 6>& args) const {
  // x32: AUDIT_ARCH_X86_64 with the x32 bit in nr
  return audit::verdict_of(audit::verdict_ret(*compiled_, profile::audit_arch_of(arch), nr, args.data())).action;
}

std::vector<const profile::ResolvedRule*> ProfileOracle::rules_for(const std::string& name) const {
  std::vector<const profile::ResolvedRule*> out;
  for (const auto& rule : compiled_->resolved.rules)
    if (rule.name == name) out.push_back(&rule);
  return out;
}

void check_profile(const std::string& profile_text, const std::set<std::string>& capabilities) {
  profile::Profile parsed = profile::parse_profile(profile_text);
  for (bool audit : {false, true}) {
    profile::ResolveContext context;
    context.capabilities = capabilities;
    context.audit = audit;
    profile::ResolvedProfile resolved = profile::resolve(parsed, context);
    compiler::Filter filter(resolved, compiler::CompileOptions{});
    (void)filter.bpf();
  }
}

std::string normalize_capability(const std::string& name) {
  auto canonical = profile::normalize_capability(name);
  return canonical ? *canonical : name;  // unknown names stay visible; resolution reports them
}

std::set<std::string> own_bounding_capabilities() { return profile::current_bounding_set(); }

}  // namespace sc::refine
