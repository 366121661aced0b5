// Fuzzes parse -> resolve -> compile -> evaluate. Any input may be rejected with ParseError
// or FilterError; what must never happen is a crash, a sanitizer report, another exception
// type, or a compiled program that the kernel's checks (the evaluator's) would refuse.
#include <linux/audit.h>
#include <seccomp.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "isolator/compiler/evaluator.h"
#include "isolator/compiler/filter.h"
#include "isolator/profile/parser.h"
#include "isolator/profile/resolver.h"

using namespace sc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (auto dialect : {profile::Dialect::Docker, profile::Dialect::Mesos}) {
    profile::Profile parsed;
    try {
      parsed = profile::parse_profile(text, profile::ParseOptions{dialect});
    } catch (const profile::ParseError&) {
      continue;
    }
    for (bool audit : {false, true}) {
      profile::ResolveContext context;
      context.native_arch = SCMP_ARCH_X86_64;
      context.kernel = {5, 10};
      context.capabilities = {"CAP_CHOWN", "CAP_SYS_ADMIN"};
      context.audit = audit;
      profile::ResolvedProfile resolved;
      try {
        resolved = profile::resolve(parsed, context);
      } catch (const profile::ParseError&) {
        continue;
      }
      try {
        compiler::Filter filter(resolved, compiler::CompileOptions{});
        auto program = filter.bpf();
        for (int nr : {0, 1, 41, 56, 59, 63, 135, 435}) {
          compiler::SyscallData call;
          call.nr = nr;
          call.arch = AUDIT_ARCH_X86_64;
          call.args[0] = static_cast<uint64_t>(size) * 0x9e3779b97f4a7c15ull;
          compiler::evaluate(program, call);  // throws EvaluationError -> abort: libseccomp emitted bad BPF
        }
      } catch (const compiler::FilterError&) {
        // libseccomp refused the rules (e.g. conflicting actions): a clean, reported error.
      }
    }
  }
  return 0;
}
