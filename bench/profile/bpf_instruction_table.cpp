// Prints how many BPF instructions the kernel executes per syscall under a profile (Docker's
// default unless a path is given), for allowed, denied and argument-checked calls on
// x86_64, binary tree vs linear filter: min / median / max, and the ratio.
//   bpf_instruction_table [PROFILE]
#include <linux/audit.h>
#include <seccomp.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "isolator/compiler/action_codes.h"
#include "isolator/compiler/evaluator.h"
#include "isolator/compiler/filter.h"
#include "isolator/profile/arch.h"
#include "isolator/profile/parser.h"
#include "isolator/profile/resolver.h"
#include "isolator/profile/semantics.h"

using namespace sc;
using namespace sc::profile;

namespace {
struct Sample {
  std::string label;
  uint64_t tree = 0, linear = 0;
};

void row(const char* kind, std::vector<Sample> s) {
  if (s.empty()) return;
  auto stat = [&](auto field) {
    std::vector<uint64_t> v;
    for (auto& x : s) v.push_back(x.*field);
    std::sort(v.begin(), v.end());
    return std::array<uint64_t, 3>{v.front(), v[v.size() / 2], v.back()};
  };
  auto t = stat(&Sample::tree);
  auto l = stat(&Sample::linear);
  auto worst = std::max_element(s.begin(), s.end(), [](auto& a, auto& b) { return a.tree < b.tree; });
  std::printf("| %-22s | %5zu | %3lu / %3lu / %3lu | %3lu / %3lu / %3lu | %5.1fx | %s (%lu) |\n", kind, s.size(),
              (unsigned long)t[0], (unsigned long)t[1], (unsigned long)t[2], (unsigned long)l[0],
              (unsigned long)l[1], (unsigned long)l[2], double(l[1]) / double(t[1]), worst->label.c_str(),
              (unsigned long)worst->tree);
}
}  // namespace

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : std::string(SC_SHARED_DIR) + "/profiles/docker-default.json";
  ResolveContext context;
  context.native_arch = SCMP_ARCH_X86_64;
  context.kernel = {6, 1};
  context.capabilities = {};  // an unprivileged container, as Docker runs by default
  ResolvedProfile r = resolve(load_profile(path), context);
  compiler::CompileOptions linear_options;
  linear_options.binary_tree = false;
  auto tree = compiler::Filter(r, {}).bpf();
  auto linear = compiler::Filter(r, linear_options).bpf();

  std::set<std::string> arg_checked;
  for (const auto& rule : r.rules)
    if (!rule.args.empty()) arg_checked.insert(rule.name);

  std::vector<Sample> allowed, denied, checked_allowed, checked_denied;
  for (int nr = 0; nr <= 470; ++nr) {  // 470: the newest in the kernel table
    const std::string name = syscall_name(SCMP_ARCH_X86_64, nr);
    std::vector<std::array<uint64_t, 6>> cases{{0, 0, 0, 0, 0, 0}};
    if (arg_checked.count(name))
      for (const auto& rule : r.rules)
        if (rule.name == name)
          for (const auto& c : rule.args)
            for (uint64_t v : {c.value, c.value + 1, c.value_two, ~uint64_t{0}}) {
              std::array<uint64_t, 6> a{0, 0, 0, 0, 0, 0};
              a[c.index] = v;
              cases.push_back(a);
            }
    for (const auto& args : cases) {
      compiler::SyscallData d;
      d.nr = nr;
      d.arch = AUDIT_ARCH_X86_64;
      for (int i = 0; i < 6; ++i) d.args[i] = args[i];
      auto t = compiler::evaluate(tree, d);
      auto l = compiler::evaluate(linear, d);
      Sample s{name, t.instructions, l.instructions};
      const bool allow = (t.ret & 0xffff0000u) == 0x7fff0000u;
      if (arg_checked.count(name))
        (allow ? checked_allowed : checked_denied).push_back(s);
      else
        (allow ? allowed : denied).push_back(s);
    }
  }
  std::printf("BPF instructions executed per syscall, %s, x86_64 (nr 0-470), no capabilities\n", path.c_str());
  std::printf("program length: binary tree %zu instructions, linear %zu\n\n", tree.size(), linear.size());
  std::printf("| %-22s | %5s | %-17s | %-17s | %6s | %s |\n", "calls", "n", "tree min/med/max", "linear min/med/max",
              "median", "worst with tree");
  std::printf("|------------------------|-------|-------------------|-------------------|--------|------|\n");
  row("allowed", allowed);
  row("denied (default)", denied);
  row("arg-checked, allowed", checked_allowed);
  row("arg-checked, denied", checked_denied);
  uint64_t worst_allowed = 0;
  for (auto& s : allowed) worst_allowed = std::max(worst_allowed, s.tree);
  for (auto& s : checked_allowed) worst_allowed = std::max(worst_allowed, s.tree);
  std::printf("\nevery allowed syscall with the tree: at most %lu instructions (target < 25): %s\n",
              (unsigned long)worst_allowed, worst_allowed < 25 ? "met" : "NOT met");
  return 0;
}
