// --tighten on hand-made learning sets: the patched profile allows exactly what was used
// plus the launch essentials (checked over every x86_64 syscall number with the engine's
// compiled filter), and the patch applies identically with nlohmann::json::patch.
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "audit/refine/launch_essentials.h"
#include "audit/refine/profile_document.h"
#include "audit/refine/profile_oracle.h"
#include "audit/refine/suggestion.h"
#include "audit/refine/syscall_names.h"
#include "tests/refine/recorded_state.h"

namespace sc::refine {
namespace {

using namespace sc::refine::testing;
using nlohmann::json;

std::set<int32_t> numbers(const std::vector<std::string>& names) {
  std::set<int32_t> out;
  for (const auto& n : names) out.insert(*syscall_number("x86_64", n));
  return out;
}

TEST(Tighten, RemovesExactlyTheUnusedAllowedSyscallsAndKeepsTheLaunchEssentials) {
  TempDir runtime;
  audit::State state;
  std::string profile = shared_profile("docker-default.json");
  auto a = container("a", profile, {});
  auto b = container("b", profile, {});
  a.learned["x86_64"] = numbers({"read", "write", "openat", "close", "getpid", "nanosleep"});
  b.learned["x86_64"] = numbers({"read", "write", "uname", "socket"});  // socket: argument-conditioned? no, plain in Docker's
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
  ProfileOracle before(ctx.document.text, caps), patched(after, caps);
  std::set<int32_t> used = a.learned["x86_64"];
  used.insert(b.learned["x86_64"].begin(), b.learned["x86_64"].end());
  uint32_t arch = *arch_token("x86_64");
  size_t allowed_before = 0, allowed_after = 0;
  for (int32_t nr = 0; nr <= 460; ++nr) {
    std::string name = syscall_name("x86_64", nr).value_or("");
    bool was = before.verdict(arch, nr) == "allow";
    bool now = patched.verdict(arch, nr) == "allow";
    allowed_before += was;
    allowed_after += now;
    bool expected = was && (used.count(nr) || is_launch_essential(name));
    EXPECT_EQ(now, expected) << name << " (" << nr << ")";
  }
  EXPECT_GT(allowed_before, 250u);
  EXPECT_LT(allowed_after, 60u);
  // Removed names are reported, sorted, and none is essential or used.
  for (const auto& n : t.result.removed) {
    EXPECT_FALSE(is_launch_essential(n)) << n;
    auto nr = syscall_number("x86_64", n);
    if (nr) {
      EXPECT_FALSE(used.count(*nr)) << n;
    }
  }
  EXPECT_TRUE(std::is_sorted(t.result.removed.begin(), t.result.removed.end()));
  // Arch-specific names that do not exist on x86_64 are kept, not guessed about.
  EXPECT_NE(std::find(t.result.kept_other_arches.begin(), t.result.kept_other_arches.end(), "chown32"),
            t.result.kept_other_arches.end());
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
