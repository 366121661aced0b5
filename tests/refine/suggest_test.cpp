// Patch generation on hand-made recorded states against the shared real profiles. Every
// patch is applied in one piece, as a standard tool would (nlohmann::json::patch on the whole
// emitted patch, comments and all), and the result compared with the engine's own op-by-op
// application; verdicts before and after come from the engine's compiled filter.
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "audit/refine/profile_document.h"
#include "audit/refine/profile_oracle.h"
#include "audit/refine/suggestion.h"
#include "audit/refine/syscall_names.h"
#include "tests/refine/recorded_state.h"

namespace sc::refine {
namespace {

using namespace sc::refine::testing;
using nlohmann::json;

struct Fixture {
  TempDir runtime;
  audit::State state;
  void add(const audit::ContainerRecord& c, const std::vector<std::string>& caps = docker_caps()) {
    state.containers[c.container_id] = c;
    register_caps(runtime.path(), c, caps);
  }
  GroupContext context_for_container(const std::string& id) {
    return prepare(select_container(state, id), {runtime.path(), ""});
  }
};

// Applies our patch with nlohmann's implementation and checks it gives what we printed.
json independent_apply(const std::string& original_text, const std::vector<PatchOp>& ops) {
  json patch = json::parse(to_json(ops).dump());
  return json::parse(original_text).patch(patch);
}

// The JSON Pointers where two documents differ (via nlohmann's diff).
std::set<std::string> changed_paths(const json& a, const json& b) {
  std::set<std::string> out;
  for (const auto& op : json::diff(a, b)) out.insert(op["path"].get<std::string>());
  return out;
}

std::string verdict_of(const std::string& profile_text, const std::string& name, std::array<uint64_t, 6> args = {},
                       const std::vector<std::string>& caps = docker_caps()) {
  ProfileOracle oracle(profile_text, std::set<std::string>(caps.begin(), caps.end()));
  return common::action_text(oracle.verdict(*arch_token("x86_64"), *syscall_number("x86_64", name), args));
}

TEST(Suggest, AddsDeniedNamesToTheUnconditionalAllowRuleInSortedOrder) {
  Fixture f;
  f.add(container("c1", shared_profile("docker-default.json"), {{"acct", "log", 3}, {"reboot", "log", 1}}));
  GroupContext ctx = f.context_for_container("c1");
  Suggestion s = suggest_loosen(ctx);
  ASSERT_TRUE(s.unresolved.empty());
  ASSERT_EQ(s.denied.size(), 2u);
  // The rule that fits is syscalls[0] (ALLOW, no args, no includes/excludes).
  std::set<std::string> paths;
  for (const auto& op : s.loosen.ops)
    if (op.op == "add") paths.insert(op.path.substr(0, op.path.rfind('/')));
  EXPECT_EQ(paths, std::set<std::string>{"/syscalls/0/names"});
  // Independent application gives the same document as ours.
  json theirs = independent_apply(ctx.document.text, s.loosen.ops);
  json ours = json::parse(dump(s.loosen.patched, ctx.document.formatting));
  EXPECT_EQ(theirs, ours);
  // Nothing outside syscalls[0].names changed, and that list is still sorted.
  for (const auto& p : changed_paths(json::parse(ctx.document.text), theirs))
    EXPECT_EQ(p.rfind("/syscalls/0/names/", 0), 0u) << p;
  // Docker's list is sorted by hand ignoring '_': the new names land at their place.
  auto names = theirs["syscalls"][0]["names"].get<std::vector<std::string>>();
  auto at = std::find(names.begin(), names.end(), "acct");
  ASSERT_NE(at, names.end());
  EXPECT_EQ(*(at - 1), "access");
  EXPECT_EQ(*(at + 1), "adjtimex");
  at = std::find(names.begin(), names.end(), "reboot");
  ASSERT_NE(at, names.end());
  EXPECT_EQ(*(at - 1), "readv");
  EXPECT_EQ(*(at + 1), "recv");
  EXPECT_EQ(theirs["defaultAction"], json::parse(ctx.document.text)["defaultAction"]);
  // The engine agrees: denied before, allowed after.
  std::string after = dump(s.loosen.patched, ctx.document.formatting);
  EXPECT_EQ(verdict_of(ctx.document.text, "acct"), "errno");
  EXPECT_EQ(verdict_of(after, "acct"), "allow");
  EXPECT_EQ(verdict_of(after, "reboot"), "allow");
  EXPECT_EQ(verdict_of(after, "kexec_load"), "errno");  // nothing else loosened
  // Comments say what was seen.
  bool found = false;
  for (const auto& op : s.loosen.ops)
    if (op.op == "add" && op.value == "acct") {
      found = true;
      EXPECT_NE(op.comment.find("acct: log (would be errno) x3 in 1 of 1 container"), std::string::npos) << op.comment;
    }
  EXPECT_TRUE(found);
}

TEST(Suggest, ProfileFormatKeepsTheFileByteForByteOutsideThePatch) {
  for (const char* name : {"docker-default.json", "docker-default-2023.json", "mesos-default.json"}) {
    ProfileDocument doc = load_document(shared_profile(name));
    // Our dump of the unmodified document reproduces the file exactly (tabs vs 2 spaces).
    EXPECT_EQ(dump(doc.json, doc.formatting), doc.text) << name;
  }
  ProfileDocument tabs = load_document(shared_profile("docker-default.json"));
  EXPECT_EQ(tabs.formatting.indent_char, '\t');
  EXPECT_EQ(tabs.formatting.indent, 1);
  ProfileDocument spaces = load_document(shared_profile("mesos-default.json"));
  EXPECT_EQ(spaces.formatting.indent_char, ' ');
  EXPECT_EQ(spaces.formatting.indent, 2);
  EXPECT_EQ(detect_formatting("{\"a\":1}").indent, -1);
}

TEST(Suggest, ArgumentConditionedDenialWithRecordedArgumentsGetsAnArgumentConditionedRule) {
  Fixture f;
  f.add(container("c1", shared_profile("docker-default.json"), {{"personality", "log", 2, kT0 - 30 * kHour, kT0 - 29 * kHour, "w", {0x1234}}}));
  GroupContext ctx = f.context_for_container("c1");
  Suggestion s = suggest_loosen(ctx);
  ASSERT_TRUE(s.unresolved.empty());
  json theirs = independent_apply(ctx.document.text, s.loosen.ops);
  json original = json::parse(ctx.document.text);
  ASSERT_EQ(theirs["syscalls"].size(), original["syscalls"].size() + 1);
  json rule = theirs["syscalls"].back();
  EXPECT_EQ(rule["names"], json::array({"personality"}));
  EXPECT_EQ(rule["action"], "SCMP_ACT_ALLOW");
  ASSERT_EQ(rule["args"].size(), 1u);
  EXPECT_EQ(rule["args"][0]["index"], 0);
  EXPECT_EQ(rule["args"][0]["value"], 0x1234);
  EXPECT_EQ(rule["args"][0]["op"], "SCMP_CMP_EQ");
  for (const auto& p : changed_paths(original, theirs)) EXPECT_TRUE(p == "/syscalls/-" || p == "/syscalls/33") << p;
  std::string after = dump(s.loosen.patched, ctx.document.formatting);
  EXPECT_EQ(verdict_of(after, "personality", {0x1234}), "allow");
  EXPECT_EQ(verdict_of(after, "personality", {0x5678}), "errno");  // only the recorded value
  EXPECT_EQ(verdict_of(after, "personality", {0}), "allow");       // the profile's own cases untouched
}

TEST(Suggest, ArgumentConditionedDenialWithoutArgumentsAllowsTheNameWithAComment) {
  Fixture f;
  f.add(container("c1", shared_profile("docker-default.json"), {{"personality", "log", 2}}));
  GroupContext ctx = f.context_for_container("c1");
  Suggestion s = suggest_loosen(ctx);
  ASSERT_TRUE(s.unresolved.empty());
  ASSERT_EQ(s.assessments.size(), 1u);
  EXPECT_EQ(s.assessments[0].would_be, EnforcingVerdict::argument_dependent());
  json theirs = independent_apply(ctx.document.text, s.loosen.ops);
  json rule = theirs["syscalls"].back();
  EXPECT_EQ(rule["names"], json::array({"personality"}));
  EXPECT_FALSE(rule.contains("args"));
  EXPECT_NE(rule["comment"].get<std::string>().find("arguments were not recorded"), std::string::npos);
  EXPECT_EQ(verdict_of(dump(s.loosen.patched, ctx.document.formatting), "personality", {0x5678}), "allow");
}

TEST(Suggest, ExplicitDenyRuleLosesTheNameAndTheDefaultDenyGetsAnAllow) {
  Fixture f;
  // clone3 -> ERRNO(ENOSYS) unless CAP_SYS_ADMIN (Docker's rule for glibc's fallback).
  f.add(container("c1", shared_profile("docker-default.json"), {{"clone3", "errno", 5}}, "enforce"));
  GroupContext ctx = f.context_for_container("c1");
  EXPECT_EQ(verdict_of(ctx.document.text, "clone3"), "errno");
  Suggestion s = suggest_loosen(ctx);
  ASSERT_TRUE(s.unresolved.empty());
  json original = json::parse(ctx.document.text);
  json theirs = independent_apply(ctx.document.text, s.loosen.ops);
  EXPECT_EQ(theirs["syscalls"].size(), original["syscalls"].size() - 1);  // the one-name deny rule is gone
  EXPECT_EQ(verdict_of(dump(s.loosen.patched, ctx.document.formatting), "clone3"), "allow");
  bool reviewed = false;
  for (const auto& op : s.loosen.ops)
    if (op.op == "remove") reviewed = op.comment.find("review") != std::string::npos;
  EXPECT_TRUE(reviewed);
}

TEST(Suggest, NewRuleFollowsTheKeyConventionWhenNoRuleFits) {
  // A Mesos-era profile whose only ALLOW rule is arch-conditioned: nothing fits, a new rule
  // is added with the keys (and key order) the profile's rules use.
  std::string text = R"({
    "defaultAction": "SCMP_ACT_ERRNO",
    "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86"]}],
    "syscalls": [
      {"names": ["read", "write", "exit", "exit_group", "execve", "brk", "mmap", "close", "rt_sigreturn"],
       "action": "SCMP_ACT_ALLOW", "args": [], "comment": "", "includes": {"arches": ["amd64"]}, "excludes": {}}
    ]
  })";
  TempDir dir;
  std::string path = dir.path() + "/tiny.json";
  { std::ofstream(path) << text; }
  Fixture f;
  f.add(container("c1", path, {{"uname", "log", 1}, {"getcwd", "log", 4}}));
  GroupContext ctx = f.context_for_container("c1");
  Suggestion s = suggest_loosen(ctx);
  ASSERT_TRUE(s.unresolved.empty());
  json theirs = independent_apply(text, s.loosen.ops);
  ASSERT_EQ(theirs["syscalls"].size(), 2u);
  // ordered_json keeps key order: compare the key sequence of the new rule with rule 0.
  auto patched = s.loosen.patched["syscalls"];
  std::vector<std::string> keys0, keys1;
  for (const auto& [k, v] : patched[0].items()) keys0.push_back(k);
  for (const auto& [k, v] : patched[1].items()) keys1.push_back(k);
  EXPECT_EQ(keys0, keys1);
  EXPECT_EQ(theirs["syscalls"][1]["names"], json::array({"getcwd", "uname"}));
  EXPECT_EQ(theirs["syscalls"][1]["includes"], json::object());
  EXPECT_EQ(theirs["syscalls"][0], json::parse(text)["syscalls"][0]);
}

TEST(Suggest, FleetMergeCountsContainersPerSyscall) {
  Fixture f;
  std::string profile = shared_profile("docker-default.json");
  f.add(container("web-1", profile, {{"acct", "log", 2}}));
  f.add(container("web-2", profile, {{"acct", "log", 5}, {"reboot", "log", 1}}));
  f.add(container("web-3", profile, {}));
  f.add(container("other", shared_profile("mesos-default.json"), {{"kexec_load", "log", 1}}));
  GroupContext ctx = prepare(select_profile(f.state, "docker-default.json"), {f.runtime.path(), ""});
  ASSERT_EQ(ctx.group.containers.size(), 3u);
  Suggestion s = suggest_loosen(ctx);
  std::map<std::string, std::string> comments;
  for (const auto& op : s.loosen.ops)
    if (op.op == "add") comments[op.value.get<std::string>()] = op.comment;
  ASSERT_EQ(comments.size(), 2u);  // kexec_load belongs to another profile
  EXPECT_NE(comments["acct"].find("x7 in 2 of 3 containers"), std::string::npos) << comments["acct"];
  EXPECT_NE(comments["reboot"].find("x1 in 1 of 3 containers"), std::string::npos) << comments["reboot"];
}

TEST(Suggest, NothingToDoWhenTheProfileAlreadyAllowsWhatWasRecorded) {
  Fixture f;
  // Recorded under an older version of the file; the current file allows uname.
  f.add(container("c1", shared_profile("docker-default.json"), {{"uname", "log", 1}}));
  GroupContext ctx = f.context_for_container("c1");
  Suggestion s = suggest_loosen(ctx);
  EXPECT_TRUE(s.loosen.ops.empty());
  EXPECT_TRUE(s.denied.empty());
}

TEST(Suggest, CapabilitiesDecideWhichRulesApply) {
  Fixture f;
  // acct is allowed by Docker's rule for CAP_SYS_PACCT: nothing to loosen for a container
  // that has it, a patch for one that does not.
  f.add(container("with", shared_profile("docker-default.json"), {{"acct", "log", 1}}), {"CAP_SYS_PACCT"});
  f.add(container("without", shared_profile("docker-default.json"), {{"acct", "log", 1}}), {"CAP_CHOWN"});
  EXPECT_TRUE(suggest_loosen(f.context_for_container("with")).loosen.ops.empty());
  EXPECT_FALSE(suggest_loosen(f.context_for_container("without")).loosen.ops.empty());
}

TEST(Suggest, ClearErrorsForMissingInputs) {
  Fixture f;
  f.add(container("c1", "/nonexistent/profile.json", {{"acct"}}));
  try {
    f.context_for_container("c1");
    FAIL() << "expected an error";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("Failed to read Seccomp profile file '/nonexistent/profile.json'"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(select_container(f.state, "nope"), std::runtime_error);
  EXPECT_THROW(select_profile(f.state, "nope.json"), std::runtime_error);
}

}  // namespace
}  // namespace sc::refine
