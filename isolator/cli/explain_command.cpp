// `seccomp-isolator explain PROFILE SYSCALL [ARG0 ... ARG5]`: compile the profile, run the
// BPF program on the call with the evaluator (as the kernel would), print the verdict and
// which rule decided it.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <seccomp.h>

#include "isolator/cli/commands.h"
#include "isolator/cli/resolve_flags.h"
#include "isolator/compiler/action_codes.h"
#include "isolator/compiler/evaluator.h"
#include "isolator/compiler/filter.h"
#include "isolator/profile/arch.h"
#include "isolator/profile/context_options.h"
#include "isolator/profile/parser.h"
#include "isolator/profile/resolver.h"
#include "isolator/profile/semantics.h"

namespace sc::cli {

namespace {
struct ExplainFlags {
  std::string profile;
  std::string syscall;
  std::vector<std::string> args;
  std::string arch;
  ResolveFlags resolve;
  std::string format = "text";
  bool linear = false;
};

std::optional<uint64_t> parse_u64(const std::string& text) {
  if (text.empty() || text[0] == '-') return std::nullopt;
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(text.c_str(), &end, 0);  // decimal, 0x hex, 0 octal
  if (errno || !end || *end) return std::nullopt;
  return v;
}

int usage(const std::string& message) {
  std::fprintf(stderr, "seccomp-isolator explain: %s\n", message.c_str());
  return 2;
}

int run_explain(const ExplainFlags& f) {
  if (f.args.size() > 6) return usage("at most 6 syscall arguments (ARG0 ... ARG5)");
  uint64_t args[6] = {0, 0, 0, 0, 0, 0};
  for (size_t i = 0; i < f.args.size(); ++i) {
    auto v = parse_u64(f.args[i]);
    if (!v) return usage("ARG" + std::to_string(i) + ": not an unsigned number: '" + f.args[i] + "'");
    args[i] = *v;
  }

  // --arch names the arch the call runs under. When the host's filter covers it (x86 or x32
  // on x86_64), explain the host's filter; otherwise resolve as if that arch were native.
  uint32_t call_arch = profile::native_arch();
  if (!f.arch.empty()) {
    auto a = profile::arch_from_name(f.arch);
    if (!a) return usage("--arch: unknown architecture '" + f.arch + "'");
    call_arch = *a;
  }
  profile::ResolveContext context;
  try {
    context = resolve_context(f.resolve, "");
  } catch (const profile::UsageError& e) {
    return usage(e.what());
  }

  try {
    profile::Profile parsed = profile::load_profile(f.profile);
    profile::ResolvedProfile resolved = profile::resolve(parsed, context);
    bool covered = false;
    for (uint32_t a : resolved.arches) covered = covered || a == call_arch;
    if (!covered) {
      context.native_arch = call_arch;
      resolved = profile::resolve(parsed, context);
    }

    int nr = 0;
    if (auto number = parse_u64(f.syscall)) {
      nr = static_cast<int>(*number);
      if (call_arch == SCMP_ARCH_X32) nr |= static_cast<int>(profile::kX32SyscallBit);
    } else if (auto byname = profile::syscall_number(call_arch, f.syscall)) {
      nr = *byname;
    } else {
      return usage("SYSCALL: '" + f.syscall + "' is not a syscall on " + profile::arch_name(call_arch));
    }
    const std::string name = profile::syscall_name(call_arch, nr);

    compiler::CompileOptions options;
    options.binary_tree = !f.linear;
    compiler::Filter filter(resolved, options);
    compiler::SyscallData data;
    data.nr = nr;
    data.arch = profile::audit_arch_of(call_arch);
    for (int i = 0; i < 6; ++i) data.args[i] = args[i];
    compiler::Evaluation evaluation = compiler::evaluate(filter.bpf(), data);
    profile::Verdict model = profile::verdict_of(resolved, call_arch, nr, args);
    // Argument-checked rules with different actions that all hold: libseccomp's argument tree
    // (not profile order) picks one; name the one whose action the filter gave.
    std::string also_hold;
    if (model.order_decides) {
      for (const profile::ResolvedRule* r : model.holding)
        if (compiler::seccomp_ret(r->action) == evaluation.ret) {
          model.rule = r;
          model.action = r->action;
          break;
        }
      for (const profile::ResolvedRule* r : model.holding)
        if (r != model.rule) also_hold += (also_hold.empty() ? "" : ", ") + r->json_path + " (" + profile::describe(r->action) + ")";
    }

    const std::string verdict = compiler::describe_ret(evaluation.ret);
    std::string decided_by = model.bad_arch ? "the bad-arch action (" + profile::arch_name(call_arch) +
                                                  " is not covered by the filter)"
                             : model.newer_than_profile
                                 ? "the ENOSYS rule: numbered above " +
                                       std::to_string(resolved.enosys_above.at(call_arch) &
                                                      ~static_cast<int>(profile::kX32SyscallBit)) +
                                       ", the highest syscall the profile names on " + profile::arch_name(call_arch)
                             : model.rule   ? model.rule->json_path + " (" + profile::describe(model.rule->action) +
                                                " rule for '" + model.rule->name + "')" +
                                                (also_hold.empty() ? ""
                                                                   : "; also holding, with another action: " + also_hold +
                                                                         " (libseccomp orders argument checks by argument, "
                                                                         "operator and value, not by profile order)")
                                            : "the default action (no rule matches)";
    const bool agrees = compiler::seccomp_ret(model.action) == evaluation.ret;
    if (f.format == "json") {
      nlohmann::json out{{"verdict", verdict},
                         {"action", profile::action_verdict(compiler::action_of_ret(evaluation.ret).kind)},
                         {"ret", evaluation.ret},
                         {"syscall", name},
                         {"nr", nr},
                         {"arch", profile::arch_name(call_arch)},
                         {"mode", resolved.audit ? "audit" : "enforce"},
                         {"decided_by", model.bad_arch             ? "bad_arch"
                                        : model.newer_than_profile ? "enosys_rule"
                                        : model.rule               ? "rule"
                                                                   : "default"},
                         {"rule", model.rule ? nlohmann::json(model.rule->json_path) : nlohmann::json()},
                         {"also_holding", [&] {
                            nlohmann::json list = nlohmann::json::array();
                            for (const profile::ResolvedRule* r : model.holding)
                              if (model.order_decides && r != model.rule) list.push_back(r->json_path);
                            return list;
                          }()},
                         {"instructions", evaluation.instructions},
                         {"model_agrees", agrees}};
      std::printf("%s\n", out.dump(2).c_str());
    } else {
      std::printf("%s\n", verdict.c_str());
      std::printf("  syscall:     %s (nr %d) on %s\n", name.c_str(), nr, profile::arch_name(call_arch).c_str());
      std::printf("  decided by:  %s\n", decided_by.c_str());
      std::printf("  mode:        %s\n", resolved.audit ? "audit" : "enforce");
      std::printf("  BPF:         %llu instructions executed (%s)\n",
                  static_cast<unsigned long long>(evaluation.instructions), f.linear ? "linear" : "binary tree");
    }
    if (!agrees) {
      std::fprintf(stderr, "seccomp-isolator explain: the compiled filter says %s but the profile's rules say %s\n",
                   verdict.c_str(), profile::describe(model.action).c_str());
      return 1;
    }
    return 0;
  } catch (const profile::ParseError& e) {
    std::fprintf(stderr, "seccomp-isolator explain: invalid: %s\n", e.what());
    return 1;
  } catch (const compiler::FilterError& e) {
    std::fprintf(stderr, "seccomp-isolator explain: %s\n", e.what());
    return 1;
  }
}
}  // namespace

Run add_explain_command(CLI::App& app) {
  auto flags = std::make_shared<ExplainFlags>();
  CLI::App* sub = app.add_subcommand("explain", "Show the verdict a profile gives one syscall and which rule decides it");
  sub->add_option("PROFILE", flags->profile, "The profile (JSON file)")->required();
  sub->add_option("SYSCALL", flags->syscall, "Syscall name or number (in the --arch table)")->required();
  sub->add_option("ARGS", flags->args, "Up to six arguments ARG0 ... ARG5 (decimal or 0x hex)");
  sub->add_option("--arch", flags->arch, "The arch the call runs under (x86_64, x86, x32, aarch64, ...); default: this host");
  add_audit_flag(sub, flags->resolve);
  add_new_syscalls_option(sub, flags->resolve);
  add_caps_option(sub, flags->resolve);
  add_kernel_option(sub, flags->resolve);
  sub->add_option("--format", flags->format, "Output format")->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  sub->add_flag("--linear", flags->linear, "Evaluate the linear filter instead of the binary tree");
  return [flags] { return run_explain(*flags); };
}

}  // namespace sc::cli
