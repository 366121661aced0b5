// The kernel-drift guard: every BPF program of the project loaded on its own on the running
// kernel, with the verdict printed per program (the verifier's last lines when rejected). A
// tracer program whose hook this kernel can attach must load: a later kernel build whose
// verifier rejects one fails here by name, not as 25 unrelated tracer failures.
#include <sys/utsname.h>

#include <cstdio>

#include "bpf/hook_probe.h"
#include "bpf/tracer_programs.h"
#include "tests/support/privileges.h"

namespace {

TEST(BpfProgramLoad, EveryProgramOfTheProjectOnTheRunningKernel) {
  SC_REQUIRE_ROOT();
  utsname u{};
  uname(&u);
  std::printf("kernel %s %s\n", u.release, u.version);
  // The flags the tracer loads with on a kernel without the audit_seccomp hooks (ours).
  sc::bpf::TracerRodata rodata;
  auto loads = sc::bpf::load_every_program_alone(rodata);
  ASSERT_EQ(loads.size() >= sc::bpf::tracer_programs().size() + 6, true) << "tracer and probe programs";
  for (const auto& l : loads) {
    std::printf("  %-6s %-22s %s\n", l.object.c_str(), l.program.c_str(), l.loaded ? "loaded" : ("REJECTED: " + l.error).c_str());
    if (!l.loaded && !l.verifier_tail.empty()) std::printf("         verifier: %s\n", l.verifier_tail.c_str());
  }
  for (const auto& l : loads) {
    if (l.object != "tracer" || l.loaded) continue;
    const sc::bpf::TracerProgram* program = sc::bpf::tracer_program(l.program);
    ASSERT_NE(program, nullptr) << l.program;
    auto probe = sc::bpf::probe_hook(program->probe);
    EXPECT_FALSE(probe.ok) << l.program << " is rejected although its hook (" << program->hook
                           << ") works on this kernel: " << l.error << "\nverifier: " << l.verifier_tail;
  }
  // The programs our machines depend on (kernel.md: tp_btf, raw_tp work here) must load.
  for (const char* must : {"sc_signal_generate", "sc_process_fork", "sc_process_exec", "sc_process_exit",
                           "sc_sys_enter", "sc_sys_exit"}) {
    bool loaded = false;
    for (const auto& l : loads) loaded = loaded || (l.object == "tracer" && l.program == must && l.loaded);
    EXPECT_TRUE(loaded) << must;
  }
}

TEST(BpfProgramLoad, ARejectedProgramReportsTheKernelsReason) {
  SC_REQUIRE_ROOT();
  // Not a program of tracer.bpf.c: the error says so, nothing is loaded.
  auto r = sc::bpf::load_tracer_program_alone("sc_no_such_program", {});
  EXPECT_FALSE(r.loaded);
  EXPECT_NE(r.error.find("no such program"), std::string::npos) << r.error;
  // fentry is refused on our machines (kernel.md); where it loads, this check has nothing to say.
  auto fentry = sc::bpf::load_tracer_program_alone("sc_fentry_audit", {});
  if (!fentry.loaded) {
    EXPECT_NE(fentry.error.find("errno"), std::string::npos) << fentry.error;
  }
}

}  // namespace
