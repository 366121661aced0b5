// `would_be` as suggest and report compute it (assess(): each recorded call judged against
// the profile file as it is now), on a hand-made profile with argument-checked and
// capability-dependent rules. Expectations are literals read off the profile text, and the
// kernel's verdict on the live filter (tests/support/kernel_verdict.h) confirms every one
// whose arguments were recorded. Profiles that fail to compile give a clear error in
// suggest, and a report that says so instead of a silent verdict.
#include <seccomp.h>

#include <fstream>
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "audit/report/report_model.h"
#include "audit/refine/suggestion.h"
#include "isolator/compiler/filter.h"
#include "isolator/profile/parser.h"
#include "isolator/profile/resolver.h"
#include "tests/refine/recorded_state.h"
#include "tests/support/hand_made_profile.h"
#include "tests/support/kernel_verdict.h"

namespace sc::refine {
namespace {

using namespace sc::refine::testing;
using namespace sc::report;

using sc::testing::kHandMadeProfile;  // uname is traced, chdir is not named

std::string write_profile(const TempDir& dir, const std::string& name, const std::string& text) {
  std::string path = dir.path() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

// One case: a container recording one call (a verdict key holds one sample, so each
// argument vector gets a container of its own).
struct Case {
  std::string id;
  std::vector<std::string> caps;
  std::string syscall;
  std::vector<uint64_t> args;  // empty: not recorded (the audit stream has none)
  std::string would_be;        // literal expectation
  bool denial;
};

const std::vector<std::string> kAdmin = {"CAP_SYS_ADMIN", "CAP_CHOWN"}, kPlain = {"CAP_CHOWN"};

const std::vector<Case> kCases = {
    {"getpid", kPlain, "getpid", {}, "allow", false},
    {"getppid-logged", kPlain, "getppid", {}, "log", false},
    {"socket-unix", kPlain, "socket", {1, 2}, "allow", false},
    {"socket-inet-stream", kPlain, "socket", {2, 1}, "allow", false},
    {"socket-inet-dgram", kPlain, "socket", {2, 2}, "errno", true},
    {"socket-inet6", kPlain, "socket", {10, 1}, "errno", true},
    {"socket-high-bits", kPlain, "socket", {1ull | (1ull << 32), 1}, "errno", true},
    {"socket-unrecorded", kPlain, "socket", {}, "argument-dependent", true},
    {"kill-9", kPlain, "kill", {1234, 9}, "kill_process", true},
    {"kill-15", kPlain, "kill", {1234, 15}, "errno", true},
    {"kill-unrecorded", kPlain, "kill", {}, "argument-dependent", true},
    {"mount-admin", kAdmin, "mount", {}, "allow", false},
    {"mount-plain", kPlain, "mount", {}, "errno", true},
    {"chroot-admin", kAdmin, "chroot", {}, "errno", true},
    {"chroot-plain", kPlain, "chroot", {}, "allow", false},
    {"unnamed", kAdmin, "chdir", {}, "errno", true},
    {"uname-traced", kPlain, "uname", {}, "trace", false},
};

struct Recorded {
  TempDir dir;
  std::string profile;
  audit::State state;
};

void record(Recorded& r, const std::string& profile_text) {
  r.profile = write_profile(r.dir, "hand-made.json", profile_text);
  for (const auto& c : kCases) {
    auto rec = container(c.id, r.profile, {Call(c.syscall, "log", 3, kT0 - 30 * kHour, kT0 - kHour, "w", c.args)});
    r.state.containers[c.id] = rec;
    register_caps(r.dir.path(), rec, c.caps);
  }
}

TEST(WouldBe, EveryRecordedCallIsJudgedByItsArgumentsAndItsContainersCapabilities) {
  Recorded r;
  record(r, kHandMadeProfile);
  // All containers in one group: one compiled profile per distinct capability set (the
  // cache), each container judged with its own.
  GroupContext ctx = prepare(select_profile(r.state, "hand-made.json"), {r.dir.path(), ""});
  EXPECT_EQ(ctx.capability_sets.size(), 2u);
  std::map<std::string, const Assessment*> by_id;
  auto assessments = assess(ctx);
  for (const auto& a : assessments) by_id[a.verdict.container->container_id] = &a;
  ASSERT_EQ(by_id.size(), kCases.size());
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.id);
    ASSERT_TRUE(by_id.count(c.id));
    EXPECT_EQ(by_id[c.id]->would_be.text(), c.would_be);
    EXPECT_EQ(by_id[c.id]->denial, c.denial);
  }
  // The same calls judged one container at a time (a group of one) give the same answers:
  // what the cache shares between containers changes nothing.
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.id);
    auto alone = assess(prepare(select_container(r.state, c.id), {r.dir.path(), ""}));
    ASSERT_EQ(alone.size(), 1u);
    EXPECT_EQ(alone[0].would_be.text(), c.would_be);
  }
}

TEST(WouldBe, TheKernelAgreesWithEveryLiteralExpectation) {
  // The literal table above, confirmed by the kernel on the live filter, per capability set.
  for (const auto* caps : {&kAdmin, &kPlain}) {
    profile::ResolveContext context;
    context.native_arch = SCMP_ARCH_X86_64;
    context.capabilities = std::set<std::string>(caps->begin(), caps->end());
    auto resolved = profile::resolve(profile::parse_profile(kHandMadeProfile), context);
    compiler::CompileOptions options;
    options.log_flag = false;
    std::vector<sc::testing::KernelCall> calls;
    std::vector<const Case*> which;
    for (const auto& c : kCases) {
      if (c.caps != *caps || c.would_be == "argument-dependent") continue;
      sc::testing::KernelCall call;
      call.nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, c.syscall.c_str());
      for (size_t i = 0; i < c.args.size(); ++i) call.args[i] = c.args[i];
      calls.push_back(call);
      which.push_back(&c);
    }
    auto answers = sc::testing::kernel_answers(compiler::Filter(resolved, options).bpf(), calls);
    for (size_t i = 0; i < answers.size(); ++i) {
      const std::string& want = which[i]->would_be;
      std::string got = sc::testing::to_string(answers[i]);
      SCOPED_TRACE(which[i]->id);
      // mount (165) without CAP_SYS_ADMIN is above every syscall the plain profile's applying
      // rules name (chroot, 161): runc's ENOSYS rule answers before the default. would_be
      // still says "errno"; the kernel shows which errno.
      const bool above_profile = which[i]->id == std::string("mount-plain");
      std::string expected = want == "allow" || want == "log" || want == "trace" ? "passed"
                             : want == "errno"                 ? (above_profile ? "errno(38)" : "errno(1)")
                             : want == "kill_process"          ? "killed"
                                                               : "no kernel check for " + want;
      EXPECT_EQ(got, expected);
    }
  }
}

TEST(WouldBe, AProfileThatDoesNotCompileIsAClearErrorNotAVerdict) {
  // Parses, but the engine refuses to resolve it: a deny rule naming a syscall no table
  // knows, under an ALLOW default (it would be silently dropped).
  const std::string broken =
      R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["no_such_call"], "action": "SCMP_ACT_ERRNO"}]})";
  Recorded r;
  record(r, broken);
  try {
    prepare(select_container(r.state, "socket-inet-dgram"), {r.dir.path(), ""});
    FAIL() << "a profile that does not compile was accepted";
  } catch (const std::runtime_error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("profile '" + r.profile + "' does not pass check"), std::string::npos) << what;
    EXPECT_NE(what.find("no_such_call"), std::string::npos) << what;
  }
  // The report says why there is no patch, and judges the calls from the recording only: the
  // daemon's own would-be action (empty here) and never the broken profile's verdicts.
  ReportOptions options;
  options.suggest = {r.dir.path(), ""};
  options.generated_at_ns = kT0;
  options.ready_after_ns = 24 * kHour;
  Report report = build_report(r.state, group_by_profile(r.state), options);
  ASSERT_EQ(report.profiles.size(), 1u);
  const auto& p = report.profiles[0];
  EXPECT_NE(p.error.find("does not pass check"), std::string::npos) << p.error;
  EXPECT_TRUE(p.patch_json.empty());
  for (const auto& c : p.containers)
    for (const auto& row : c.rows) {
      EXPECT_EQ(row.note, "judged from the recording only (no profile file)") << c.container->container_id;
      EXPECT_FALSE(row.would_be.is(sc::common::Action::Allow)) << c.container->container_id;
    }
  std::string md = render_markdown(report);
  EXPECT_NE(md.find("No patch: profile"), std::string::npos) << md;
  EXPECT_NE(md.find("does not pass check"), std::string::npos) << md;
}

}  // namespace
}  // namespace sc::refine
