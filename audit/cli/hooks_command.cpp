// `seccomp-audit hooks`: which of the tracer's BPF programs the running kernel accepts and
// can attach, each program loaded on its own, and what every one that is off leaves to the
// audit stream. Read-only: nothing is pinned or left attached. CI prints it first, so a
// kernel build whose verifier drifted is named before any test runs.
#include <sys/utsname.h>

#include <cstdio>
#include <string>

#include "audit/cli/commands.h"
#include "bpf/hook_probe.h"
#include "bpf/tracer_programs.h"

namespace sc::audit::cli {
namespace {

int run_hooks() {
  utsname u{};
  uname(&u);
  std::printf("kernel: %s %s %s\n", u.sysname, u.release, u.version);
  bpf::TracerRodata rodata;  // the flags of a kernel without the audit_seccomp hooks
  int usable = 0;
  std::printf("%-26s %-20s %-9s %-9s %s\n", "HOOK", "PROGRAM", "ATTACH", "VERIFIER", "SERVES / WHY NOT");
  for (const auto& p : bpf::tracer_programs()) {
    bpf::ProbeResult attach = bpf::probe_hook(p.probe);
    bpf::ProgramLoad load = bpf::load_tracer_program_alone(p.program, rodata);
    bool ok = attach.ok && load.loaded;
    usable += ok;
    std::string why = ok ? p.serves : !attach.ok ? "hook not attachable: " + attach.reason : "rejected: " + load.error;
    std::printf("%-26s %-20s %-9s %-9s %s\n", p.hook, p.program, attach.ok ? "ok" : "no",
                load.loaded ? "accepts" : "REJECTS", why.c_str());
    if (!load.loaded && !load.verifier_tail.empty()) {
      std::string tail = load.verifier_tail;
      for (size_t at = 0; (at = tail.find('\n', at)) != std::string::npos; at += 12) tail.replace(at, 1, "\n          ");
      std::printf("          verifier: %s\n", tail.c_str());
    }
  }
  std::printf("%d of %zu tracer programs usable on this kernel (fentry and kprobe are alternatives: one is enough)\n",
              usable, bpf::tracer_programs().size());
  return usable > 0 ? 0 : 1;
}

}  // namespace

Run add_hooks_command(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "hooks", "Which tracer BPF programs this kernel accepts and can attach, each loaded on its own (needs root)");
  sub->footer("Exit codes: 0 at least one program is usable, 1 none is (the daemon would run on the audit stream "
              "alone), 2 usage.");
  return [] { return run_hooks(); };
}

}  // namespace sc::audit::cli
