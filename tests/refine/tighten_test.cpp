// --tighten on hand-made learning sets: the patched profile allows exactly what was used plus
// the launch essentials, and the emitted patch, applied in one piece with nlohmann::json::patch,
// gives the same profile as the engine's op-by-op application.
// The expectations are independent of the product: the essentials are a literal list here,
// syscall names come from libseccomp, and what a profile allows is the kernel's verdict on
// the live filter (tests/support/kernel_verdict.h: each x86_64 number 0-460 really called
// in a child under the filter, nothing it lets through executed; uretprobe and uprobe, which
// the kernel never filters, left out).
#include <seccomp.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "audit/refine/launch_essentials.h"
#include "audit/refine/profile_document.h"
#include "audit/refine/profile_oracle.h"
#include "audit/refine/suggestion.h"
#include "isolator/compiler/filter.h"
#include "isolator/profile/parser.h"
#include "isolator/profile/resolver.h"
#include "tests/refine/recorded_state.h"
#include "tests/support/kernel_verdict.h"

namespace sc::refine {
namespace {

using namespace sc::refine::testing;
using nlohmann::json;
using sc::testing::KernelVerdict;

// What tightening must keep whatever was learned (audit/refine/launch_essentials.cpp says why
// for each): a literal copy, so that dropping one from the product fails here.
const std::set<std::string> kEssentials = {
    "execve", "execveat", "setuid", "setgid", "setgroups", "setresuid", "setresgid", "setreuid", "setregid",
    "setfsuid", "setfsgid", "setuid32", "setgid32", "setgroups32", "setresuid32", "setresgid32", "setreuid32",
    "setregid32", "setfsuid32", "setfsgid32", "capget", "capset", "prctl", "rt_sigreturn", "sigreturn", "exit",
    "exit_group", "brk", "mmap", "mmap2", "munmap", "mprotect", "arch_prctl", "set_tid_address", "set_robust_list",
    "rseq", "openat", "read", "pread64", "close", "newfstatat", "fstat", "access", "futex", "getrandom", "prlimit64",
    "rt_sigprocmask", "rt_sigaction"};

// libseccomp's own name of an x86_64 syscall number, or for the numbers in 0-460 that Debian
// 12's libseccomp 2.5.4 does not know, the kernel's (syscall_64.tbl, literal); "" for none.
std::string libseccomp_name(int nr) {
  char* n = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);
  std::string out = n ? n : "";
  free(n);
  static const std::map<int, std::string> kNewer = {
      {335, "uretprobe"}, {336, "uprobe"}, {457, "statmount"}, {458, "listmount"},
      {459, "lsm_get_self_attr"}, {460, "lsm_set_self_attr"}};
  if (out.empty() && kNewer.count(nr)) out = kNewer.at(nr);
  return out;
}

int libseccomp_number(const std::string& name) { return seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, name.c_str()); }

std::set<int32_t> numbers(const std::vector<std::string>& names) {
  std::set<int32_t> out;
  for (const auto& n : names) out.insert(libseccomp_number(n));
  return out;
}

// The kernel's verdict, number by number (0-460, all arguments zero), on `profile_text`
// compiled for x86_64 with `caps` in enforce mode: the names it lets through.
std::set<std::string> kernel_allowed(const std::string& profile_text, const std::set<std::string>& caps,
                                     std::map<std::string, std::string>* denied_how = nullptr) {
  profile::ResolveContext context;
  context.native_arch = SCMP_ARCH_X86_64;
  context.capabilities = caps;
  context.audit = false;
  auto resolved = profile::resolve(profile::parse_profile(profile_text), context);
  compiler::CompileOptions options;
  options.log_flag = false;  // no audit records from this test's own denials
  std::vector<sc::testing::KernelCall> calls;
  for (int nr = 0; nr <= 460; ++nr)
    if (!sc::testing::bypasses_seccomp(nr)) calls.push_back({nr, {}});
  auto answers = sc::testing::kernel_answers(compiler::Filter(resolved, options).bpf(), calls);
  std::set<std::string> allowed;
  for (size_t i = 0; i < calls.size(); ++i) {
    std::string name = libseccomp_name(static_cast<int>(calls[i].nr));
    if (name.empty()) name = "#" + std::to_string(calls[i].nr);
    if (answers[i].verdict == KernelVerdict::Passed) allowed.insert(name);
    else if (denied_how) (*denied_how)[name] = sc::testing::to_string(answers[i]);
  }
  return allowed;
}

TEST(Tighten, TheProductsEssentialsAreExactlyTheLiteralList) {
  std::set<std::string> product;
  for (const auto& e : launch_essentials()) product.insert(e.name);
  EXPECT_EQ(product, kEssentials) << "update kEssentials with the reason for the change";
}

TEST(Tighten, RemovesExactlyTheUnusedAllowedSyscallsAndKeepsTheLaunchEssentials) {
  TempDir runtime;
  audit::State state;
  std::string profile = shared_profile("docker-default.json");
  auto a = container("a", profile, {});
  auto b = container("b", profile, {});
  const std::vector<std::string> used_a = {"read", "write", "openat", "close", "getpid", "nanosleep"};
  const std::vector<std::string> used_b = {"read", "write", "uname", "socket"};  // socket: plain in Docker's
  a.learned[sc::testing::arch("x86_64")] = numbers(used_a);
  b.learned[sc::testing::arch("x86_64")] = numbers(used_b);
  state.containers = {{"a", a}, {"b", b}};
  register_caps(runtime.path(), a, docker_caps());
  register_caps(runtime.path(), b, docker_caps());
  GroupContext ctx = prepare(select_profile(state, "docker-default.json"), {runtime.path(), ""});
  Tightening t = suggest_tighten(ctx);
  ASSERT_FALSE(t.result.ops.empty());
  for (const auto& op : t.result.ops) {
    EXPECT_TRUE(op.op == "remove" || op.op == "test") << op.op;  // never adds anything
    if (op.op == "remove") {
      EXPECT_EQ(op.comment.rfind("REVIEW", 0), 0u) << op.comment;
    }
  }
  json theirs = json::parse(ctx.document.text).patch(json::parse(to_json(t.result.ops).dump()));
  std::string after = dump(t.result.patched, ctx.document.formatting);
  EXPECT_EQ(theirs, json::parse(after));
  EXPECT_EQ(theirs["defaultAction"], "SCMP_ACT_ERRNO");

  const auto cap_list = docker_caps();
  std::set<std::string> caps(cap_list.begin(), cap_list.end());
  std::map<std::string, std::string> how;
  std::set<std::string> before = kernel_allowed(ctx.document.text, caps);
  std::set<std::string> now = kernel_allowed(after, caps, &how);

  // What the kernel lets through after the patch: exactly the used syscalls and the x86_64
  // essentials, literally.
  const std::set<std::string> expected = {
      // used
      "read", "write", "openat", "close", "getpid", "nanosleep", "uname", "socket",
      // the essentials that exist on x86_64
      "execve", "execveat", "setuid", "setgid", "setgroups", "setresuid", "setresgid", "setreuid", "setregid",
      "setfsuid", "setfsgid", "capget", "capset", "prctl", "rt_sigreturn", "exit", "exit_group", "brk", "mmap",
      "munmap", "mprotect", "arch_prctl", "set_tid_address", "set_robust_list", "rseq", "pread64", "newfstatat",
      "fstat", "access", "futex", "getrandom", "prlimit64", "rt_sigprocmask", "rt_sigaction"};
  EXPECT_EQ(now, expected);
  for (const auto& n : expected) EXPECT_TRUE(before.count(n)) << n << " was not allowed before: the case is moot";
  for (const auto& n : {"ptrace", "mount", "reboot", "clone", "personality", "kill", "getppid", "socketpair", "mkdir"})
    EXPECT_FALSE(now.count(n)) << n << " (" << how[n] << ")";
  EXPECT_EQ(how["clone"], "errno(1)");  // denied by the default action, as any name removed
  EXPECT_GT(before.size(), 250u);

  // Removed names are reported, sorted: exactly the ones allowed before and not kept (by
  // name, on x86_64), never an essential or a used one.
  std::set<std::string> removed(t.result.removed.begin(), t.result.removed.end());
  EXPECT_TRUE(std::is_sorted(t.result.removed.begin(), t.result.removed.end()));
  for (const auto& n : before) {
    if (!expected.count(n)) {
      EXPECT_TRUE(removed.count(n)) << n << " was allowed, unused, yet not reported removed";
    }
  }
  for (const auto& n : removed) {
    EXPECT_FALSE(kEssentials.count(n)) << n;
    EXPECT_FALSE(expected.count(n)) << n;
  }
  // Arch-specific names that do not exist on x86_64 are kept, not guessed about.
  EXPECT_NE(std::find(t.result.kept_other_arches.begin(), t.result.kept_other_arches.end(), "chown32"),
            t.result.kept_other_arches.end());
}

TEST(Tighten, TheKernelOracleSeesEveryKindOfVerdict) {
  // The oracle itself on a literal filter: allowed, errno with its value, killed.
  const std::string text = R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":13,
    "syscalls":[{"names":["getpid"],"action":"SCMP_ACT_ALLOW"},
                {"names":["getppid"],"action":"SCMP_ACT_LOG"},
                {"names":["uname"],"action":"SCMP_ACT_ERRNO","errnoRet":38},
                {"names":["kexec_load"],"action":"SCMP_ACT_KILL_PROCESS"},
                {"names":["acct"],"action":"SCMP_ACT_TRAP"},
                {"names":["exit_group"],"action":"SCMP_ACT_ALLOW"}]})";
  profile::ResolveContext context;
  context.native_arch = SCMP_ARCH_X86_64;
  auto resolved = profile::resolve(profile::parse_profile(text), context);
  compiler::CompileOptions options;
  options.log_flag = false;
  std::vector<sc::testing::KernelCall> calls;
  for (const char* n : {"getpid", "getppid", "uname", "kexec_load", "acct", "mkdir", "exit_group"})
    calls.push_back({libseccomp_number(n), {}});
  calls.push_back({libseccomp_number("getpid") | 0x40000000, {}});  // x32: an arch the filter lacks
  auto got = sc::testing::kernel_answers(compiler::Filter(resolved, options).bpf(), calls);
  std::vector<std::string> words;
  for (const auto& g : got) words.push_back(sc::testing::to_string(g));
  EXPECT_EQ(words, (std::vector<std::string>{"passed", "passed", "errno(38)", "killed", "killed", "errno(13)",
                                             "passed", "killed"}));
}

TEST(Tighten, ArgumentCheckedRulesWithoutAnArgumentRecordAreKeptAndSaidSo) {
  // personality was made but its arguments were not recorded (an enforce-mode container):
  // Docker's five argument-checked personality rules stay, each named in a note. socket was
  // not made: no note for its rules (the name is simply removed as unused).
  TempDir runtime;
  audit::State state;
  auto a = container("a", shared_profile("docker-default.json"), {}, "enforce");
  a.learned[sc::testing::arch("x86_64")] = numbers({"read", "write", "personality"});
  state.containers = {{"a", a}};
  register_caps(runtime.path(), a, docker_caps());
  Tightening t = suggest_tighten(prepare(select_container(state, "a"), {runtime.path(), ""}), {true});
  size_t personality_notes = 0;
  for (const auto& n : t.notes) {
    if (n.find("(personality: arg0 SCMP_CMP_EQ ") != std::string::npos) {
      ++personality_notes;
      EXPECT_NE(n.find("kept: container 'a' has no record of the arguments"), std::string::npos) << n;
    }
    EXPECT_EQ(n.find("(socket:"), std::string::npos) << n;
  }
  EXPECT_EQ(personality_notes, 5u);
  EXPECT_TRUE(t.result.narrowed.empty()) << "--narrow_args without a record narrows nothing";
  for (const auto& op : t.result.ops) EXPECT_EQ(op.path.rfind("/syscalls/9", 0), std::string::npos) << op.path;
}

// Recorded in audit mode: personality was only ever called with the 0xffffffff query, so four
// of Docker's five personality rules matched nothing. Named without --narrow_args, removed with
// it; the patched profile still allows the query and no longer allows PER_LINUX32 (0x8).
TEST(Tighten, NarrowArgsRemovesTheArgumentCheckedRulesNoRecordedCallMatched) {
  TempDir runtime;
  audit::State state;
  auto a = container("a", shared_profile("docker-default.json"), {});
  a.learned[sc::testing::arch("x86_64")] = numbers({"read", "write", "personality"});
  a.allowed_args[{sc::testing::arch("x86_64"), *syscall_number("x86_64", "personality")}] =
      audit::ArgRecord{{{{0xffffffffu, 0, 0, 0, 0, 0}, 3}}, 0};
  state.containers = {{"a", a}};
  register_caps(runtime.path(), a, docker_caps());
  GroupContext ctx = prepare(select_container(state, "a"), {runtime.path(), ""});

  Tightening named = suggest_tighten(ctx);
  size_t unmatched = 0, matched = 0;
  for (const auto& n : named.notes) {
    if (n.find("(personality:") == std::string::npos) continue;
    if (n.find("no recorded call matched it (3 allowed call(s) recorded); --narrow_args removes it") != std::string::npos) ++unmatched;
    if (n.find("0xffffffff) kept: recorded calls matched it") != std::string::npos) ++matched;
  }
  EXPECT_EQ(unmatched, 4u);
  EXPECT_EQ(matched, 1u);
  EXPECT_TRUE(named.result.narrowed.empty());

  Tightening narrowed = suggest_tighten(ctx, {true});
  EXPECT_EQ(narrowed.result.narrowed.size(), 4u);
  std::string after = narrowed.result.patched.dump();
  std::vector<std::string> caps = docker_caps();
  ProfileOracle oracle(after, {caps.begin(), caps.end()});
  uint32_t x86_64 = *arch_token("x86_64");
  int32_t personality = *syscall_number("x86_64", "personality");
  EXPECT_EQ(oracle.verdict(x86_64, personality, {0xffffffffu}), common::Action::Allow);
  EXPECT_EQ(oracle.verdict(x86_64, personality, {0x8}), common::Action::Errno);
  EXPECT_EQ(oracle.verdict(x86_64, personality, {0x0}), common::Action::Errno);
  // Applied by an independent implementation, the patch gives the same profile.
  ordered_json patched = ordered_json::parse(ctx.document.text).patch(to_json(narrowed.result.ops));
  EXPECT_EQ(patched, narrowed.result.patched);
}

// Calls over the recording bound: their arguments are unknown, so nothing is narrowed.
TEST(Tighten, NarrowArgsKeepsRulesWhenTuplesWereDropped) {
  TempDir runtime;
  audit::State state;
  auto a = container("a", shared_profile("docker-default.json"), {});
  a.learned[sc::testing::arch("x86_64")] = numbers({"read", "write", "personality"});
  a.allowed_args[{sc::testing::arch("x86_64"), *syscall_number("x86_64", "personality")}] =
      audit::ArgRecord{{{{0xffffffffu, 0, 0, 0, 0, 0}, 3}}, 2};
  state.containers = {{"a", a}};
  register_caps(runtime.path(), a, docker_caps());
  Tightening t = suggest_tighten(prepare(select_container(state, "a"), {runtime.path(), ""}), {true});
  EXPECT_TRUE(t.result.narrowed.empty());
  bool said = false;
  for (const auto& n : t.notes) said = said || n.find("2 call(s) of personality whose arguments were over the bound") != std::string::npos;
  EXPECT_TRUE(said);
}

TEST(Tighten, RefusesWithoutLearningData) {
  TempDir runtime;
  audit::State state;
  auto a = container("a", shared_profile("docker-default.json"), {{"acct"}});
  state.containers = {{"a", a}};
  register_caps(runtime.path(), a, docker_caps());
  GroupContext ctx = prepare(select_container(state, "a"), {runtime.path(), ""});
  try {
    suggest_tighten(ctx);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no learning data"), std::string::npos) << e.what();
  }
}

TEST(Tighten, EssentialsListHasAReasonForEveryEntry) {
  std::set<std::string> seen;
  for (const auto& e : launch_essentials()) {
    EXPECT_TRUE(seen.insert(e.name).second) << "duplicate " << e.name;
    EXPECT_GT(std::string(e.why).size(), 5u) << e.name;
  }
  for (const char* must : {"execve", "execveat", "setuid", "setgid", "setgroups", "capget", "capset", "prctl", "exit",
                           "exit_group", "rt_sigreturn", "brk", "mmap"})
    EXPECT_TRUE(is_launch_essential(must)) << must;
}

}  // namespace
}  // namespace sc::refine
