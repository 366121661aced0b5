#include "audit/oracle/compiled_profile.h"

#include "common/seccomp_ret.h"
#include "isolator/compiler/evaluator.h"
#include "isolator/compiler/filter.h"
#include "isolator/profile/arch.h"
#include "isolator/profile/semantics.h"

namespace sc::audit {

std::shared_ptr<const CompiledProfile> compile_profile(const profile::Profile& parsed, const profile::ResolveContext& ctx) {
  auto p = std::make_shared<CompiledProfile>();
  p->resolved = profile::resolve(parsed, ctx);
  p->bpf = compiler::Filter(p->resolved, compiler::CompileOptions{}).bpf();
  return p;
}

uint32_t verdict_ret(const CompiledProfile& p, uint32_t audit_arch, int32_t nr, const uint64_t args[6]) {
  compiler::SyscallData d;
  d.nr = nr;
  d.arch = audit_arch;
  for (int i = 0; i < 6; ++i) d.args[i] = args[i];
  return compiler::evaluate(p.bpf, d).ret;
}

bool depends_on_args(const CompiledProfile& p, uint32_t audit_arch, int32_t nr) {
  // nr -1 (a cancelled call) has the x32 bit set but is no x32 call.
  uint32_t arch = nr == -1 ? audit_arch : profile::scmp_arch_of(audit_arch, nr);
  return profile::depends_on_arguments(p.resolved, arch, nr);
}

std::pair<std::string, int32_t> verdict_word(uint32_t ret) {
  // An action the kernel does not know kills the process (compiler::action_of_ret).
  std::string word = common::seccomp_ret_known(ret) ? common::seccomp_ret_name(ret) : "kill_process";
  int32_t error = word == "errno" ? static_cast<int32_t>(ret & common::kRetData) : -1;
  return {word, error};
}

}  // namespace sc::audit
