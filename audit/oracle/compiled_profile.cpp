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

Verdict verdict_of(uint32_t ret) {
  // An action the kernel does not know kills the process (compiler::action_of_ret).
  common::Action action = common::seccomp_ret_known(ret) ? common::action_of(ret) : common::Action::KillProcess;
  return {action, action == common::Action::Errno ? static_cast<int32_t>(ret & common::kRetData) : -1};
}

}  // namespace sc::audit
