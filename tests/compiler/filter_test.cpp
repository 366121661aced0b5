// The libseccomp wrapper: attributes, exports, errors naming the rule.
#include <linux/audit.h>
#include <seccomp.h>

#include <gtest/gtest.h>

#include "isolator/compiler/evaluator.h"
#include "isolator/compiler/filter.h"
#include "isolator/profile/parser.h"
#include "isolator/profile/resolver.h"

using namespace sc;
using namespace sc::profile;

namespace {
ResolvedProfile resolved(const std::string& json, bool audit = false) {
  ResolveContext c;
  c.native_arch = SCMP_ARCH_X86_64;
  c.kernel = {6, 1};
  c.audit = audit;
  return resolve(parse_profile(json), c);
}
}  // namespace

TEST(Filter, ExportsBpfAndPfcAndMoves) {
  compiler::Filter f(resolved(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]})"), {});
  auto bpf = f.bpf();
  ASSERT_GT(bpf.size(), 4u);
  std::string pfc = f.pfc();
  EXPECT_NE(pfc.find("read"), std::string::npos);
  EXPECT_NE(pfc.find("action ALLOW"), std::string::npos);
  compiler::Filter moved(std::move(f));
  EXPECT_EQ(moved.bpf().size(), bpf.size());
  EXPECT_THROW(f.bpf(), compiler::FilterError);  // NOLINT: moved-from use is the point
}

TEST(Filter, BinaryTreeIsShorterToRunThanLinear) {
  ResolvedProfile r = resolve(load_profile(std::string(SC_SHARED_DIR) + "/profiles/docker-default.json"), [] {
    ResolveContext c;
    c.native_arch = SCMP_ARCH_X86_64;
    c.kernel = {6, 1};
    return c;
  }());
  compiler::CompileOptions linear;
  linear.binary_tree = false;
  auto tree_bpf = compiler::Filter(r, {}).bpf();
  auto linear_bpf = compiler::Filter(r, linear).bpf();
  compiler::SyscallData d;
  d.arch = AUDIT_ARCH_X86_64;
  d.nr = 262;  // newfstatat: late in the linear chain
  EXPECT_LT(compiler::evaluate(tree_bpf, d).instructions, compiler::evaluate(linear_bpf, d).instructions);
  EXPECT_LT(compiler::evaluate(tree_bpf, d).instructions, 25u);
}

TEST(Filter, RuleActionEqualToDefaultIsNotAnError) {
  EXPECT_NO_THROW(compiler::Filter(resolved(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
      {"names":["read"],"action":"SCMP_ACT_ERRNO"},{"names":["write"],"action":"SCMP_ACT_ALLOW"}]})"), {}));
}

TEST(Filter, LibseccompFailureNamesTheRuleAndErrno) {
  // Hand-made resolved profile with a syscall libseccomp cannot take (the resolver would
  // have refused it): the error must carry the JSON path, the name and an errno.
  ResolvedProfile r = resolved(R"({"defaultAction":"SCMP_ACT_ERRNO"})");
  r.rules.push_back(ResolvedRule{"read", Action{ActionKind::Allow, {}}, Action{ActionKind::Allow, {}},
                                 {ArgCondition{7, 0, 0, CmpOp::Equal}}, "syscalls[4]"});
  try {
    compiler::Filter f(r, {});
    FAIL() << "an argument index of 7 must fail";
  } catch (const compiler::FilterError& e) {
    EXPECT_NE(std::string(e.what()).find("syscalls[4] (read)"), std::string::npos) << e.what();
    EXPECT_GT(e.error(), 0);
  }
}

TEST(Filter, CompilesForAnotherNativeArchAndNeverFallsBackToTheHost) {
  ResolveContext c;
  c.native_arch = SCMP_ARCH_X86;
  c.kernel = {6, 1};
  ResolvedProfile r = resolve(parse_profile(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
      {"names":["read"],"action":"SCMP_ACT_ALLOW"}]})"), c);
  auto bpf = compiler::Filter(r, {}).bpf();
  compiler::SyscallData d;
  d.arch = AUDIT_ARCH_I386;
  d.nr = 3;  // read on i386
  EXPECT_EQ(compiler::evaluate(bpf, d).ret, 0x7fff0000u);
  d.arch = AUDIT_ARCH_X86_64;
  d.nr = 0;
  EXPECT_EQ(compiler::evaluate(bpf, d).ret, 0x80000000u);  // host arch not covered: KILL_PROCESS

  c.native_arch = AUDIT_ARCH_LOONGARCH64;  // libseccomp 2.5 cannot build for it
  ResolvedProfile none = resolve(parse_profile(R"({"defaultAction":"SCMP_ACT_ERRNO"})"), c);
  EXPECT_TRUE(none.arches.empty());
  EXPECT_FALSE(none.warnings.empty());
  EXPECT_THROW(compiler::Filter(none, {}), compiler::FilterError);
}
