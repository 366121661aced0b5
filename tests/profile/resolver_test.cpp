// Resolution for one container: arches, includes/excludes, audit mode, unknown names,
// warnings.
#include <gtest/gtest.h>
#include <seccomp.h>

#include <algorithm>

#include "isolator/profile/parser.h"
#include "isolator/profile/resolver.h"

using namespace sc::profile;

namespace {
ResolveContext x86_64(std::set<std::string> caps = {}, KernelVersion kernel = {5, 10}, bool audit = false) {
  ResolveContext c;
  c.native_arch = SCMP_ARCH_X86_64;
  c.capabilities = std::move(caps);
  c.kernel = kernel;
  c.audit = audit;
  return c;
}
bool has_rule(const ResolvedProfile& r, const std::string& name) {
  return std::any_of(r.rules.begin(), r.rules.end(), [&](const ResolvedRule& x) { return x.name == name; });
}
bool warned(const ResolvedProfile& r, const std::string& fragment) {
  return std::any_of(r.warnings.begin(), r.warnings.end(),
                     [&](const std::string& w) { return w.find(fragment) != std::string::npos; });
}
const char* kUnameGated = R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
  {"names":["uname"],"action":"SCMP_ACT_ERRNO","%s":{"caps":["SYS_ADMIN"]}}]})";
Profile gated(const char* key) {
  char text[512];
  std::snprintf(text, sizeof text, kUnameGated, key);
  return parse_profile(text);
}
}  // namespace

TEST(Resolver, CapabilityGatesAsMesosItems8to11) {
  EXPECT_TRUE(has_rule(resolve(gated("includes"), x86_64({"CAP_SYS_ADMIN"})), "uname"));   // applied
  EXPECT_FALSE(has_rule(resolve(gated("excludes"), x86_64({"CAP_SYS_ADMIN"})), "uname"));  // dropped
  EXPECT_FALSE(has_rule(resolve(gated("includes"), x86_64({"CAP_CHOWN"})), "uname"));      // dropped
  EXPECT_TRUE(has_rule(resolve(gated("excludes"), x86_64({"CAP_CHOWN"})), "uname"));       // applied
  EXPECT_TRUE(has_rule(resolve(gated("includes"), x86_64({"SYS_ADMIN"})), "uname"));       // normalised
}

TEST(Resolver, ArchesFromArchMapArchitecturesOrNativeOnly) {
  Profile docker = load_profile(std::string(SC_SHARED_DIR) + "/profiles/docker-default.json");
  EXPECT_EQ(resolve(docker, x86_64()).arches,
            (std::vector<uint32_t>{SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32}));
  ResolveContext arm = x86_64();
  arm.native_arch = SCMP_ARCH_AARCH64;
  EXPECT_EQ(resolve(docker, arm).arches, (std::vector<uint32_t>{SCMP_ARCH_AARCH64, SCMP_ARCH_ARM}));

  Profile listed = parse_profile(R"({"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86"]})");
  EXPECT_EQ(resolve(listed, x86_64()).arches, (std::vector<uint32_t>{SCMP_ARCH_X86_64, SCMP_ARCH_X86}));
  Profile none = parse_profile(R"({"defaultAction":"SCMP_ACT_ERRNO"})");
  EXPECT_EQ(resolve(none, x86_64()).arches, (std::vector<uint32_t>{SCMP_ARCH_X86_64}));
  Profile other = parse_profile(R"({"defaultAction":"SCMP_ACT_ERRNO","archMap":[
      {"architecture":"SCMP_ARCH_AARCH64","subArchitectures":["SCMP_ARCH_ARM"]}]})");
  ResolvedProfile r = resolve(other, x86_64());
  EXPECT_EQ(r.arches, (std::vector<uint32_t>{SCMP_ARCH_X86_64}));
  EXPECT_TRUE(warned(r, "no entry for the native arch"));
}

TEST(Resolver, IncludesExcludesOnArchesAndKernel) {
  Profile p = parse_profile(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
    {"names":["arch_prctl"],"action":"SCMP_ACT_ALLOW","includes":{"arches":["amd64","x32"]}},
    {"names":["sync_file_range2"],"action":"SCMP_ACT_ALLOW","includes":{"arches":["arm64"]}},
    {"names":["read"],"action":"SCMP_ACT_ALLOW","excludes":{"arches":["amd64"]}},
    {"names":["write"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"4.8"}},
    {"names":["close"],"action":"SCMP_ACT_ALLOW","excludes":{"minKernel":"4.8"}}]})");
  ResolvedProfile new_kernel = resolve(p, x86_64({}, {5, 10}));
  EXPECT_TRUE(has_rule(new_kernel, "arch_prctl"));
  EXPECT_FALSE(has_rule(new_kernel, "sync_file_range2"));
  EXPECT_FALSE(has_rule(new_kernel, "read"));
  EXPECT_TRUE(has_rule(new_kernel, "write"));
  EXPECT_FALSE(has_rule(new_kernel, "close"));
  ResolvedProfile old_kernel = resolve(p, x86_64({}, {4, 4}));
  EXPECT_FALSE(has_rule(old_kernel, "write"));
  EXPECT_TRUE(has_rule(old_kernel, "close"));
  EXPECT_EQ(new_kernel.rules_skipped, 3u);
}

TEST(Resolver, AuditModeTurnsEveryNonAllowIntoLog) {
  Profile p = parse_profile(R"({"defaultAction":"SCMP_ACT_KILL_PROCESS","syscalls":[
    {"names":["read"],"action":"SCMP_ACT_ALLOW"},
    {"names":["uname"],"action":"SCMP_ACT_ERRNO","errnoRet":38},
    {"names":["mount"],"action":"SCMP_ACT_TRAP"}]})");
  ResolvedProfile r = resolve(p, x86_64({}, {5, 10}, true));
  EXPECT_TRUE(r.audit);
  EXPECT_EQ(r.default_action.kind, ActionKind::Log);
  EXPECT_EQ(r.original_default_action.kind, ActionKind::KillProcess);
  // read stays ALLOW; uname and mount became LOG == default: redundant, dropped.
  ASSERT_EQ(r.rules.size(), 1u);
  EXPECT_EQ(r.rules[0].name, "read");
  EXPECT_EQ(r.rules[0].action.kind, ActionKind::Allow);
  ResolvedProfile enforce = resolve(p, x86_64());
  EXPECT_EQ(enforce.rules.size(), 3u);
}

TEST(Resolver, UnknownSyscallNamesSkippedOnlyWhereSafe) {
  ResolvedProfile r = resolve(parse_profile(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
      {"names":["read","frobnicate"],"action":"SCMP_ACT_ALLOW"}]})"), x86_64());
  EXPECT_TRUE(warned(r, "syscalls[0].names[1]: unknown syscall 'frobnicate' skipped"));
  EXPECT_TRUE(has_rule(r, "read"));
  try {
    resolve(parse_profile(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
        {"names":["read","frobnicate"],"action":"SCMP_ACT_ERRNO"}]})"), x86_64());
    FAIL() << "a deny rule under an ALLOW default must not drop names";
  } catch (const ParseError& e) {
    EXPECT_EQ(e.path(), "syscalls[0].names[1]");
    EXPECT_NE(std::string(e.what()).find("frobnicate"), std::string::npos);
  }
  EXPECT_THROW(resolve(parse_profile(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
      {"names":["frobnicate"],"action":"SCMP_ACT_KILL"}]})"), x86_64()), ParseError);
}

TEST(Resolver, WarningsForPivotRootNeverMatchingAndRedundantRules) {
  ResolvedProfile r = resolve(parse_profile(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
      {"names":["read"],"action":"SCMP_ACT_ALLOW"},
      {"names":["read"],"action":"SCMP_ACT_KILL","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"}]},
      {"names":["write"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":0,"op":"SCMP_CMP_LT"}]},
      {"names":["close"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"},
                                                              {"index":0,"value":2,"op":"SCMP_CMP_EQ"}]},
      {"names":["uname"],"action":"SCMP_ACT_ERRNO"}]})"), x86_64());
  EXPECT_TRUE(warned(r, "pivot_root is not allowed"));
  EXPECT_TRUE(warned(r, "syscalls[1]: 'read' is already decided"));
  EXPECT_TRUE(warned(r, "syscalls[2].args[0]: SCMP_CMP_LT 0 can never be true"));
  EXPECT_TRUE(warned(r, "syscalls[3].args[1]: contradicts args[0]"));
  EXPECT_TRUE(warned(r, "syscalls[4]: redundant"));
  ASSERT_EQ(r.rules.size(), 1u);  // only read's unconditional ALLOW remains
  ResolvedProfile ok = resolve(parse_profile(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
      {"names":["pivot_root"],"action":"SCMP_ACT_ALLOW"}]})"), x86_64());
  EXPECT_FALSE(warned(ok, "pivot_root"));
}

TEST(Resolver, SharedProfilesResolveWithDockerCapabilityGates) {
  Profile docker = load_profile(std::string(SC_SHARED_DIR) + "/profiles/docker-default.json");
  ResolvedProfile unprivileged = resolve(docker, x86_64());
  ResolvedProfile admin = resolve(docker, x86_64({"CAP_SYS_ADMIN"}));
  EXPECT_FALSE(has_rule(unprivileged, "mount"));
  EXPECT_TRUE(has_rule(admin, "mount"));
  EXPECT_TRUE(has_rule(unprivileged, "clone3"));  // ERRNO(38) without CAP_SYS_ADMIN
  for (const auto& rule : unprivileged.rules)
    if (rule.name == "clone3") {
      EXPECT_EQ(rule.action, (Action{ActionKind::Errno, 38}));
    }
  for (const auto& rule : admin.rules)  // the CAP_SYS_ADMIN list allows it instead
    if (rule.name == "clone3") {
      EXPECT_EQ(rule.action.kind, ActionKind::Allow);
    }
}
