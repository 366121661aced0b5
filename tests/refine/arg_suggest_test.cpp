// Argument-aware `suggest` (issue 14): recorded argument tuples become Docker-format argument
// conditions, checked three ways: the patch itself (what rules, where), the engine's verdicts,
// and the kernel's verdict on the patched profile loaded as a real seccomp filter in a forked
// child (tests/support/kernel_verdict.h tells "seccomp let it through" from "seccomp answered
// errno", so a call the kernel itself would refuse, like unshare(CLONE_NEWUSER), is judged on
// the filter's decision alone). The expected values are literals here, not the product's tables.
#include <seccomp.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "audit/refine/profile_document.h"
#include "audit/refine/profile_oracle.h"
#include "audit/refine/suggestion.h"
#include "audit/refine/syscall_names.h"
#include "isolator/compiler/filter.h"
#include "isolator/profile/parser.h"
#include "isolator/profile/resolver.h"
#include "tests/refine/recorded_state.h"
#include "tests/support/kernel_verdict.h"
#include "common/arch.h"

namespace sc::refine {
// Named: in a unity build this file shares a translation unit with the other refine tests.
namespace arg_suggest_tests {
namespace {

using namespace sc::refine::testing;
using nlohmann::json;
using sc::testing::KernelVerdict;

constexpr uint64_t kAddrNoRandomize = 0x0040000;
constexpr uint64_t kCloneNewUser = 0x10000000;
constexpr uint64_t kCloneNewNs = 0x00020000;

// Attaches an argument record to the verdict of `name` on `arch` in container `c`.
void record_args(audit::ContainerRecord& c, const std::string& name, const std::map<audit::ArgTuple, uint64_t>& tuples,
                 uint64_t dropped = 0, const std::string& arch = "x86_64") {
  for (auto& [key, stats] : c.verdicts)
    if (stats.syscall == name && common::arch_name(key.arch) == arch) {
      stats.args = audit::ArgRecord{tuples, dropped};
      return;
    }
  FAIL() << "no verdict for " << name << " on " << arch;
}

struct Fixture {
  TempDir runtime;
  audit::State state;
  void add(const audit::ContainerRecord& c) {
    state.containers[c.container_id] = c;
    register_caps(runtime.path(), c, docker_caps());
  }
  GroupContext context(const std::string& id) { return prepare(select_container(state, id), {runtime.path(), ""}); }
};

std::set<std::string> caps_set() {
  auto caps = docker_caps();
  return {caps.begin(), caps.end()};
}

std::string verdict_of(const std::string& text, const std::string& name, std::array<uint64_t, 6> args,
                       const std::string& arch = "x86_64") {
  ProfileOracle oracle(text, caps_set());
  return common::action_text(oracle.verdict(*arch_token(arch), *syscall_number(arch, name), args));
}

// The rules the patch adds (whole rules, not names added to a list), by syscall.
std::map<std::string, std::vector<json>> added_rules(const std::vector<PatchOp>& ops) {
  std::map<std::string, std::vector<json>> out;
  for (const auto& op : ops)
    if (op.op == "add" && op.value.is_object())
      for (const auto& n : op.value["names"]) out[n.get<std::string>()].push_back(json::parse(op.value.dump()));
  return out;
}

// Names the patch adds to an existing `names` list.
std::set<std::string> added_names(const std::vector<PatchOp>& ops) {
  std::set<std::string> out;
  for (const auto& op : ops)
    if (op.op == "add" && op.value.is_string()) out.insert(op.value.get<std::string>());
  return out;
}

std::string decisions_text(const Suggestion& s) {
  std::string out;
  for (const auto& d : s.loosen.decisions) out += d.name + ": " + d.how + "\n";
  return out;
}

json eq(unsigned index, uint64_t value) {
  return {{"index", index}, {"value", value}, {"valueTwo", 0}, {"op", "SCMP_CMP_EQ"}};
}

std::vector<sock_filter> compiled(const std::string& text) {
  profile::ResolveContext context;
  context.native_arch = SCMP_ARCH_X86_64;
  context.capabilities = caps_set();
  context.audit = false;
  compiler::CompileOptions options;
  options.log_flag = false;  // no audit records from this test's own denials
  return compiler::Filter(profile::resolve(profile::parse_profile(text), context), options).bpf();
}

// The Docker default profile; a container that (in audit mode) would have been denied
// personality(ADDR_NO_RANDOMIZE), syslog(READ_ALL) and syslog(SIZE_BUFFER), unshare(CLONE_NEWUSER).
struct DockerCase : Fixture {
  GroupContext ctx;
  Suggestion s;
  std::string after;
  DockerCase() {
    auto c = container("c1", shared_profile("docker-default.json"),
                       {{"personality", "log", 1}, {"syslog", "log", 5}, {"unshare", "log", 1}});
    record_args(c, "personality", {{{kAddrNoRandomize, 0, 0, 0, 0, 0}, 1}});
    record_args(c, "syslog", {{{3, 0x7ffd0000, 0x4000, 0, 0, 0}, 2}, {{10, 0, 0, 0, 0, 0}, 3}});
    record_args(c, "unshare", {{{kCloneNewUser, 0, 0, 0, 0, 0}, 1}});
    add(c);
    ctx = context("c1");
    s = suggest_loosen(ctx);
    after = dump(s.loosen.patched, ctx.document.formatting);
  }
};

TEST(ArgSuggest, DockerProfileAllowsOnlyTheRecordedValues) {
  DockerCase d;
  ASSERT_TRUE(d.s.unresolved.empty()) << d.s.unresolved.front();
  // None of the three is allowed outright.
  EXPECT_TRUE(added_names(d.s.loosen.ops).empty()) << decisions_text(d.s);
  auto rules = added_rules(d.s.loosen.ops);
  ASSERT_EQ(rules["personality"].size(), 1u) << decisions_text(d.s);
  EXPECT_EQ(rules["personality"][0]["args"], json::array({eq(0, kAddrNoRandomize)}));
  ASSERT_EQ(rules["syslog"].size(), 2u);
  std::set<json> syslog_args;
  for (const auto& r : rules["syslog"]) syslog_args.insert(r["args"]);
  EXPECT_EQ(syslog_args, (std::set<json>{json::array({eq(0, 3)}), json::array({eq(0, 10)})}));
  ASSERT_EQ(rules["unshare"].size(), 1u);
  // Flag word: the CLONE_NEW* bits (and CLONE_NEWTIME) pinned to exactly CLONE_NEWUSER.
  EXPECT_EQ(rules["unshare"][0]["args"],
            json::array({{{"index", 0}, {"value", 0x7e020080}, {"valueTwo", kCloneNewUser}, {"op", "SCMP_CMP_MASKED_EQ"}}}));
  for (const auto& [name, list] : rules)
    for (const auto& r : list) EXPECT_EQ(r["action"], "SCMP_ACT_ALLOW") << name;
  EXPECT_EQ(rules.size(), 3u);
}

TEST(ArgSuggest, PersonalityExtendsDockersOwnArgumentRulesInPlace) {
  DockerCase d;
  json original = json::parse(d.ctx.document.text);
  json patched = json::parse(d.after);
  // Docker's personality rules are syscalls[5..9] (0x0, 0x8, 0x20000, 0x20008, 0xffffffff):
  // the new one goes right after them, the rest of the list shifts by one.
  ASSERT_EQ(original["syscalls"][9]["args"][0]["value"], 0xffffffff);
  EXPECT_EQ(patched["syscalls"][10]["names"], json::array({"personality"}));
  EXPECT_EQ(patched["syscalls"][10]["args"], json::array({eq(0, kAddrNoRandomize)}));
  EXPECT_EQ(patched["syscalls"][11], original["syscalls"][10]);
  std::string text = decisions_text(d.s);
  EXPECT_NE(text.find("personality allowed for 0x40000 (ADDR_NO_RANDOMIZE), seen 1 time"), std::string::npos) << text;
  EXPECT_NE(text.find("syscalls[10] next to syscalls[5..9] (extends them in Docker's style)"), std::string::npos) << text;
  EXPECT_NE(text.find("syslog allowed for 0x3 (SYSLOG_ACTION_READ_ALL), seen 2 times"), std::string::npos) << text;
  EXPECT_NE(text.find("syslog allowed for 0xa (SYSLOG_ACTION_SIZE_BUFFER), seen 3 times"), std::string::npos) << text;
  EXPECT_NE(text.find("unshare allowed for flags & 0x7e020080 == 0x10000000 (CLONE_NEWUSER), seen 1 time"),
            std::string::npos) << text;
  // The op comment carries the same words.
  bool commented = false;
  for (const auto& op : d.s.loosen.ops)
    commented = commented || op.comment.find("personality allowed for 0x40000 (ADDR_NO_RANDOMIZE)") != std::string::npos;
  EXPECT_TRUE(commented);
}

TEST(ArgSuggest, EngineVerdictsBeforeAndAfter) {
  DockerCase d;
  const std::string& before = d.ctx.document.text;
  EXPECT_EQ(verdict_of(before, "personality", {kAddrNoRandomize}), "errno");
  EXPECT_EQ(verdict_of(before, "syslog", {3}), "errno");
  EXPECT_EQ(verdict_of(before, "unshare", {kCloneNewUser}), "errno");
  EXPECT_EQ(verdict_of(d.after, "personality", {kAddrNoRandomize}), "allow");
  EXPECT_EQ(verdict_of(d.after, "personality", {0x80000}), "errno");
  EXPECT_EQ(verdict_of(d.after, "personality", {0x8}), "allow");  // Docker's own cases untouched
  EXPECT_EQ(verdict_of(d.after, "syslog", {3}), "allow");
  EXPECT_EQ(verdict_of(d.after, "syslog", {10}), "allow");
  EXPECT_EQ(verdict_of(d.after, "syslog", {2}), "errno");
  EXPECT_EQ(verdict_of(d.after, "syslog", {4}), "errno");
  EXPECT_EQ(verdict_of(d.after, "unshare", {kCloneNewUser}), "allow");
  EXPECT_EQ(verdict_of(d.after, "unshare", {kCloneNewNs}), "errno");
  EXPECT_EQ(verdict_of(d.after, "unshare", {kCloneNewUser | kCloneNewNs}), "errno");
}

TEST(ArgSuggest, KernelEnforcesThePatchedProfileAsALiveFilter) {
  DockerCase d;
  using sc::testing::KernelCall;
  std::vector<KernelCall> calls = {
      {SYS_personality, {kAddrNoRandomize}}, {SYS_personality, {0x80000}},
      {SYS_syslog, {3, 0, 0}},               {SYS_syslog, {10, 0, 0}},
      {SYS_syslog, {2, 0, 0}},               {SYS_syslog, {4, 0, 0}},
      {SYS_unshare, {kCloneNewUser}},        {SYS_unshare, {kCloneNewNs}},
  };
  auto before = sc::testing::kernel_answers(compiled(d.ctx.document.text), calls);
  auto after = sc::testing::kernel_answers(compiled(d.after), calls);
  ASSERT_EQ(before.size(), calls.size());
  ASSERT_EQ(after.size(), calls.size());
  // Docker's defaultErrnoRet is 1 (EPERM).
  auto denied = [](const sc::testing::KernelAnswer& a) { return a.verdict == KernelVerdict::Errno && a.error == EPERM; };
  auto passed = [](const sc::testing::KernelAnswer& a) { return a.verdict == KernelVerdict::Passed; };
  for (size_t i = 0; i < calls.size(); ++i) EXPECT_TRUE(denied(before[i])) << i << ": " << to_string(before[i]);
  EXPECT_TRUE(passed(after[0])) << to_string(after[0]);  // personality(ADDR_NO_RANDOMIZE)
  EXPECT_TRUE(denied(after[1])) << to_string(after[1]);  // personality(0x80000)
  EXPECT_TRUE(passed(after[2])) << to_string(after[2]);  // syslog(READ_ALL)
  EXPECT_TRUE(passed(after[3])) << to_string(after[3]);  // syslog(SIZE_BUFFER)
  EXPECT_TRUE(denied(after[4])) << to_string(after[4]);  // syslog(READ)
  EXPECT_TRUE(denied(after[5])) << to_string(after[5]);  // syslog(READ_CLEAR)
  EXPECT_TRUE(passed(after[6])) << to_string(after[6]);  // unshare(CLONE_NEWUSER)
  EXPECT_TRUE(denied(after[7])) << to_string(after[7]);  // unshare(CLONE_NEWNS)
}

TEST(ArgSuggest, PersonalityReallyRunsUnderThePatchedFilter) {
  // The allowed call executed for real in a child that loaded the patched filter: it
  // returns the previous persona; the unrecorded value still fails with the profile's EPERM.
  DockerCase d;
  profile::ResolveContext context;
  context.capabilities = caps_set();
  compiler::CompileOptions options;
  options.log_flag = false;
  compiler::Filter filter(profile::resolve(profile::parse_profile(d.after), context), options);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    try {
      filter.load();
    } catch (...) {
      _exit(120);
    }
    long allowed = syscall(SYS_personality, kAddrNoRandomize);
    if (allowed < 0) _exit(10);
    long refused = syscall(SYS_personality, 0x80000);
    if (refused != -1 || errno != EPERM) _exit(11);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0) << "120: filter did not load; 10: personality(0x40000) failed; "
                                       "11: personality(0x80000) was not EPERM";
}

TEST(ArgSuggest, ManyDistinctValuesFallBackToAllowingTheSyscallAndSaySo) {
  // Two containers of one profile, 10 distinct keyctl operations each: 20 distinct values
  // over the fleet, more than 8: keyctl is allowed outright, with the reason.
  Fixture f;
  for (int k = 0; k < 2; ++k) {
    auto c = container("c" + std::to_string(k), shared_profile("docker-default.json"), {{"keyctl", "log", 10}});
    std::map<audit::ArgTuple, uint64_t> tuples;
    for (uint64_t op = 0; op < 10; ++op) tuples[{op + 10 * static_cast<uint64_t>(k), 0, 0, 0, 0, 0}] = 1;
    record_args(c, "keyctl", tuples);
    f.add(c);
  }
  GroupContext ctx = prepare(select_profile(f.state, "docker-default.json"), {f.runtime.path(), ""});
  Suggestion s = suggest_loosen(ctx);
  ASSERT_TRUE(s.unresolved.empty());
  EXPECT_EQ(added_names(s.loosen.ops), std::set<std::string>{"keyctl"});
  EXPECT_TRUE(added_rules(s.loosen.ops).empty());
  std::string text = decisions_text(s);
  EXPECT_NE(text.find("20 distinct values were recorded at its checkable arguments (more than 8)"), std::string::npos)
      << text;
  std::string after = dump(s.loosen.patched, ctx.document.formatting);
  EXPECT_EQ(verdict_of(after, "keyctl", {99}), "allow");  // outright: any value
}

TEST(ArgSuggest, DroppedTuplesFallBackToAllowingTheSyscall) {
  Fixture f;
  auto c = container("c1", shared_profile("docker-default.json"), {{"syslog", "log", 9}});
  record_args(c, "syslog", {{{3, 0, 0, 0, 0, 0}, 4}}, /*dropped=*/5);
  f.add(c);
  GroupContext ctx = f.context("c1");
  Suggestion s = suggest_loosen(ctx);
  ASSERT_TRUE(s.unresolved.empty());
  EXPECT_EQ(added_names(s.loosen.ops), std::set<std::string>{"syslog"});
  std::string text = decisions_text(s);
  EXPECT_NE(text.find("5 call(s) had argument tuples beyond the daemon's bound of 16"), std::string::npos) << text;
  EXPECT_EQ(verdict_of(dump(s.loosen.patched, ctx.document.formatting), "syslog", {2}), "allow");
}

TEST(ArgSuggest, PointerOnlyCallFallsBackToAllowingTheSyscall) {
  // clone3's flags are in memory: no condition can check them. Docker denies it explicitly
  // (ENOSYS) without CAP_SYS_ADMIN: that rule goes, and clone3 is allowed outright.
  Fixture f;
  auto c = container("c1", shared_profile("docker-default.json"), {{"clone3", "errno", 2}}, "enforce");
  record_args(c, "clone3", {{{0x7ffe1000, 88, 0, 0, 0, 0}, 2}});
  f.add(c);
  GroupContext ctx = f.context("c1");
  Suggestion s = suggest_loosen(ctx);
  ASSERT_TRUE(s.unresolved.empty());
  EXPECT_TRUE(added_rules(s.loosen.ops).empty());
  std::string text = decisions_text(s);
  EXPECT_NE(text.find("no argument of clone3 can be checked"), std::string::npos) << text;
  EXPECT_NE(text.find("struct clone_args"), std::string::npos) << text;
  EXPECT_EQ(verdict_of(dump(s.loosen.patched, ctx.document.formatting), "clone3", {0x1234, 88}), "allow");
}

TEST(ArgSuggest, I386CallsUseTheI386TableAndTheRuleHoldsOnThatArch) {
  // clone recorded through the i386 entry (CLONE_BACKWARDS order: tls is arg 3 there) with
  // CLONE_NEWUSER|SIGCHLD: the flag word is arg 0 on every x86 arch, pinned on the
  // CLONE_NEW* bits like Docker's own clone rule, which the new rule sits beside.
  Fixture f;
  auto c = container("c1", shared_profile("docker-default.json"),
                     {{"clone", "log", 3, kT0 - 30 * kHour, kT0 - 29 * kHour, "w", {}, "x86"},
                      {"personality", "log", 1, kT0 - 30 * kHour, kT0 - 29 * kHour, "w", {}, "x86"}});
  record_args(c, "clone", {{{kCloneNewUser | 17, 0xff000000, 0, 0xf7f00000, 0xff001000, 0}, 3}}, 0, "x86");
  record_args(c, "personality", {{{0x8 | kAddrNoRandomize, 0, 0, 0, 0, 0}, 1}}, 0, "x86");
  f.add(c);
  GroupContext ctx = f.context("c1");
  Suggestion s = suggest_loosen(ctx);
  ASSERT_TRUE(s.unresolved.empty()) << s.unresolved.front();
  auto rules = added_rules(s.loosen.ops);
  ASSERT_EQ(rules["clone"].size(), 1u) << decisions_text(s);
  EXPECT_EQ(rules["clone"][0]["args"],
            json::array({{{"index", 0}, {"value", 0x7e020000}, {"valueTwo", kCloneNewUser}, {"op", "SCMP_CMP_MASKED_EQ"}}}));
  ASSERT_EQ(rules["personality"].size(), 1u);
  EXPECT_EQ(rules["personality"][0]["args"], json::array({eq(0, 0x40008)}));
  std::string text = decisions_text(s);
  EXPECT_NE(text.find("personality allowed for 0x40008 (PER_LINUX32|ADDR_NO_RANDOMIZE)"), std::string::npos) << text;
  EXPECT_NE(text.find("clone allowed for flags & 0x7e020000 == 0x10000000 (CLONE_NEWUSER)"), std::string::npos) << text;
  std::string after = dump(s.loosen.patched, ctx.document.formatting);
  EXPECT_EQ(verdict_of(ctx.document.text, "clone", {kCloneNewUser | 17}, "x86"), "errno");
  EXPECT_EQ(verdict_of(after, "clone", {kCloneNewUser | 17, 0xff000000}, "x86"), "allow");
  EXPECT_EQ(verdict_of(after, "clone", {kCloneNewUser | 0x200 | 17}, "x86"), "allow");  // non-namespace bits free
  EXPECT_EQ(verdict_of(after, "clone", {kCloneNewNs | 17}, "x86"), "errno");
  EXPECT_EQ(verdict_of(after, "clone", {kCloneNewUser | kCloneNewNs | 17}, "x86"), "errno");
  EXPECT_EQ(verdict_of(after, "personality", {0x40008}, "x86"), "allow");
  EXPECT_EQ(verdict_of(after, "personality", {0x40000}, "x86"), "errno");
}

TEST(ArgSuggest, SeveralCheckedPositionsAreAndedInOneRuleNextToDockersSocketRules) {
  // Docker allows socket for every domain but AF_ALG (38) and AF_VSOCK (40). A recorded
  // socket(AF_VSOCK, SOCK_STREAM|SOCK_CLOEXEC, 0): one rule, three conditions (ANDed), the type
  // pinned on its low 4 bits, placed right after Docker's socket rules syscalls[2..4].
  Fixture f;
  auto c = container("c1", shared_profile("docker-default.json"), {{"socket", "log", 2}});
  record_args(c, "socket", {{{40, 0x80001, 0, 0, 0, 0}, 2}});
  f.add(c);
  GroupContext ctx = f.context("c1");
  Suggestion s = suggest_loosen(ctx);
  ASSERT_TRUE(s.unresolved.empty());
  json patched = json::parse(dump(s.loosen.patched, ctx.document.formatting));
  EXPECT_EQ(patched["syscalls"][5]["names"], json::array({"socket"}));
  EXPECT_EQ(patched["syscalls"][5]["args"],
            json::array({eq(0, 40), {{"index", 1}, {"value", 0xf}, {"valueTwo", 1}, {"op", "SCMP_CMP_MASKED_EQ"}}, eq(2, 0)}));
  std::string text = decisions_text(s);
  EXPECT_NE(text.find("socket allowed for arg0 domain == 0x28 (AF_VSOCK) and arg1 type & 0xf == 0x1 (SOCK_STREAM) "
                      "and arg2 protocol == 0x0, seen 2 times"),
            std::string::npos) << text;
  EXPECT_NE(text.find("next to syscalls[2..4]"), std::string::npos) << text;
  std::string after = dump(s.loosen.patched, ctx.document.formatting);
  EXPECT_EQ(verdict_of(after, "socket", {40, 0x80001, 0}), "allow");
  EXPECT_EQ(verdict_of(after, "socket", {40, 0x1, 0}), "allow");       // SOCK_CLOEXEC free
  EXPECT_EQ(verdict_of(after, "socket", {40, 0x2, 0}), "errno");       // SOCK_DGRAM was not seen
  EXPECT_EQ(verdict_of(after, "socket", {40, 0x1, 7}), "errno");       // another protocol
  EXPECT_EQ(verdict_of(after, "socket", {38, 0x80001, 0}), "errno");   // AF_ALG still denied
}

TEST(ArgSuggest, PositionsThatDifferBetweenRecordedArchesFallBack) {
  // mmap's prot is arg 2 on x86_64, but i386's old mmap passes one pointer: no single rule can
  // check both (a rule applies to every arch of the filter), so mmap is allowed outright.
  TempDir dir;
  std::string path = dir.path() + "/tiny.json";
  std::ofstream(path) << (R"({"defaultAction": "SCMP_ACT_ERRNO",
    "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]}],
    "syscalls": [{"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"}]})");
  Fixture f;
  auto c = container("c1", path,
                     {{"mmap", "log", 1}, {"mmap", "log", 1, kT0 - 30 * kHour, kT0 - 29 * kHour, "w", {}, "x86"}});
  record_args(c, "mmap", {{{0, 4096, 7, 0x22, ~0ull, 0}, 1}});
  record_args(c, "mmap", {{{0xffd0000, 0, 0, 0, 0, 0}, 1}}, 0, "x86");
  f.add(c);
  GroupContext ctx = f.context("c1");
  Suggestion s = suggest_loosen(ctx);
  ASSERT_TRUE(s.unresolved.empty());
  EXPECT_EQ(added_names(s.loosen.ops), std::set<std::string>{"mmap"});
  std::string text = decisions_text(s);
  EXPECT_NE(text.find("mmap's checkable arguments differ between x86 and x86_64"), std::string::npos) << text;
}

TEST(ArgSuggest, EveryDecisionNamesTheRuleItMadeInThePatchedProfile) {
  // A mid-list insertion (socket, beside Docker's socket rules) together with appended rules
  // (personality with dropped tuples: outright; syslog: conditioned) and a name added to
  // syscalls[0] (acct): each "syscalls[N]" a decision states holds that name after the patch.
  Fixture f;
  auto c = container("c1", shared_profile("docker-default.json"),
                     {{"personality", "log", 3}, {"socket", "log", 1}, {"syslog", "log", 1}, {"acct", "log", 1}});
  record_args(c, "personality", {{{kAddrNoRandomize, 0, 0, 0, 0, 0}, 1}}, /*dropped=*/2);
  record_args(c, "socket", {{{40, 1, 0, 0, 0, 0}, 1}});
  record_args(c, "syslog", {{{3, 0, 0, 0, 0, 0}, 1}});
  f.add(c);
  GroupContext ctx = f.context("c1");
  Suggestion s = suggest_loosen(ctx);
  ASSERT_TRUE(s.unresolved.empty());
  json patched = json::parse(dump(s.loosen.patched, ctx.document.formatting));
  ASSERT_EQ(s.loosen.decisions.size(), 4u) << decisions_text(s);
  for (const auto& d : s.loosen.decisions) {
    auto at = d.how.find("syscalls[");
    ASSERT_NE(at, std::string::npos) << d.how;
    size_t index = std::stoul(d.how.substr(at + 9));
    ASSERT_LT(index, patched["syscalls"].size()) << d.how;
    auto names = patched["syscalls"][index]["names"].get<std::vector<std::string>>();
    EXPECT_NE(std::find(names.begin(), names.end(), d.name), names.end()) << d.name << ": " << d.how;
  }
}

TEST(ArgSuggest, NoArgsKeepsAllowingTheWholeSyscall) {
  Fixture f;
  auto c = container("c1", shared_profile("docker-default.json"), {{"personality", "log", 1}, {"syslog", "log", 1}});
  record_args(c, "personality", {{{kAddrNoRandomize, 0, 0, 0, 0, 0}, 1}});
  record_args(c, "syslog", {{{3, 0, 0, 0, 0, 0}, 1}});
  f.add(c);
  GroupContext ctx = f.context("c1");
  LoosenOptions options;
  options.use_args = false;
  Suggestion s = suggest_loosen(ctx, options);
  ASSERT_TRUE(s.unresolved.empty());
  EXPECT_EQ(added_names(s.loosen.ops), std::set<std::string>{"syslog"});  // into syscalls[0].names
  auto rules = added_rules(s.loosen.ops);
  ASSERT_EQ(rules["personality"].size(), 1u);
  EXPECT_FALSE(rules["personality"][0].contains("args"));
  std::string after = dump(s.loosen.patched, ctx.document.formatting);
  EXPECT_EQ(verdict_of(after, "personality", {0x80000}), "allow");
  EXPECT_EQ(verdict_of(after, "syslog", {2}), "allow");
}

TEST(ArgSuggest, TuplesTheProfileAlreadyAllowsAreNotConditioned) {
  // personality(0) is one of Docker's own cases: only 0x40000 gets a rule.
  Fixture f;
  auto c = container("c1", shared_profile("docker-default.json"), {{"personality", "log", 3}});
  record_args(c, "personality", {{{0, 0, 0, 0, 0, 0}, 2}, {{kAddrNoRandomize, 0, 0, 0, 0, 0}, 1}});
  f.add(c);
  Suggestion s = suggest_loosen(f.context("c1"));
  auto rules = added_rules(s.loosen.ops);
  ASSERT_EQ(rules["personality"].size(), 1u);
  EXPECT_EQ(rules["personality"][0]["args"], json::array({eq(0, kAddrNoRandomize)}));
  bool noted = std::any_of(s.notes.begin(), s.notes.end(), [](const std::string& n) {
    return n.find("1 recorded argument tuple(s) already allowed by the profile") != std::string::npos;
  });
  EXPECT_TRUE(noted);
}

}  // namespace
}  // namespace arg_suggest_tests
}  // namespace sc::refine
