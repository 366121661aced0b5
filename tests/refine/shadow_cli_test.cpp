// `seccomp-audit shadow start|results|stop|list` and `report --shadow` as an operator runs them,
// on hand-made states and request files (no daemon, no root). The daemon's side, with the
// tracer live, is tests/audit/shadow_test.cpp.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "audit/refine/shadow_readiness.h"
#include "state/shadow.h"
#include "state/shadow_files.h"
#include "tests/refine/hostile_state.h"
#include "tests/refine/process.h"
#include "tests/refine/recorded_state.h"

namespace sc::refine {
namespace {

using namespace sc::refine::testing;

audit::ShadowRow row(std::string container, std::string syscall, std::string current, int32_t current_errno,
                     std::string candidate, int32_t candidate_errno, uint64_t count, std::string arch = "x86_64") {
  return audit::ShadowRow{std::move(container), sc::testing::arch(arch), 0, std::move(syscall),
                          sc::testing::action(current), current_errno, sc::testing::action(candidate), candidate_errno,
                          count};
}

// A shadow "tight" of a too-strict candidate on web-1, observed for 30 h: uname would be
// denied (breaks), keyctl newly allowed, personality unknown, getpid unchanged.
audit::State shadow_state(const std::string& container = "web-1") {
  audit::State s;
  s.last_flush_ns = kT0;
  audit::ShadowRecord r;
  r.name = "tight";
  r.profile_path = "/etc/candidates/tight.json";
  r.profile_sha256 = std::string(64, 'a');
  r.containers = {container};
  r.status = "active";
  r.requested_ns = kT0 - 30 * kHour;
  r.started_ns = kT0 - 30 * kHour;
  r.targets[container] = audit::ShadowTarget{kT0 - 30 * kHour, 77, 0, {}};
  r.rows = {row(container, "uname", "allow", -1, "errno", 13, 3), row(container, "uname", "allow", -1, "errno", 13, 1, "x86"),
            row(container, "keyctl", "errno", 1, "allow", -1, 2), row(container, "personality", "errno", 1, "unknown", -1, 2),
            row(container, "getpid", "allow", -1, "allow", -1, 40)};
  s.shadows["tight"] = r;
  return s;
}

struct ShadowCli : ::testing::Test {
  TempDir dir;
  std::string state_dir() { return dir.path() + "/state"; }
  std::string candidate() { return dir.path() + "/candidate.json"; }
  void SetUp() override {
    std::filesystem::create_directories(state_dir());
    write_file(candidate(), read_file(shared_profile("docker-default.json")));
  }
  void write_state(const audit::State& s) { write_file(state_dir() + "/state.json", audit::to_json_text(s)); }
  ProcessResult audit(std::vector<std::string> args) {
    args.push_back("--state_dir=" + state_dir());
    return seccomp_audit(args);
  }
};

TEST_F(ShadowCli, UsageErrorsExitTwoAndNameWhatIsWrong) {
  auto r = audit({"shadow"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  r = audit({"shadow", "start", "--profile=" + candidate(), "--container=a"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--name"), std::string::npos) << r.err;
  r = audit({"shadow", "start", "--name=x", "--profile=" + candidate(), "--container=a", "--all"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("excludes"), std::string::npos) << r.err;
  r = audit({"shadow", "results", "--name=x", "--format=yaml"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

TEST_F(ShadowCli, StartRefusesBadInputWithoutWritingARequest) {
  auto r = audit({"shadow", "start", "--name=../etc", "--profile=" + candidate(), "--container=a"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--name: a shadow name has only letters"), std::string::npos) << r.err;
  r = audit({"shadow", "start", "--name=x", "--profile=" + candidate()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("either --container"), std::string::npos) << r.err;
  r = audit({"shadow", "start", "--name=x", "--profile=" + dir.path() + "/missing.json", "--container=a"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot read"), std::string::npos) << r.err;
  // The engine's own error, with the JSON path of the bad field.
  write_file(dir.path() + "/bad.json",
             R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_MAYBE"}]})");
  r = audit({"shadow", "start", "--name=x", "--profile=" + dir.path() + "/bad.json", "--container=a"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("syscalls[0].action: Unknown syscall action"), std::string::npos) << r.err;
  EXPECT_TRUE(audit::read_shadow_requests(state_dir()).valid.empty());
  EXPECT_FALSE(std::filesystem::exists(audit::shadow_request_dir(state_dir()) + "/x.json"));
}

// With no daemon running, the request is queued durably: the file is the request, and
// `list` shows it pending.
TEST_F(ShadowCli, WithoutADaemonTheRequestIsQueuedAndListedPending) {
  auto r = audit({"shadow", "start", "--name=queued", "--profile=" + candidate(), "--container=c1",
                  "--container=c2", "--wait=0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("stays queued"), std::string::npos) << r.err;
  auto requests = audit::read_shadow_requests(state_dir());
  ASSERT_EQ(requests.valid.count("queued"), 1u);
  const auto& q = requests.valid.at("queued");
  EXPECT_EQ(q.containers, (std::vector<std::string>{"c1", "c2"}));
  EXPECT_EQ(q.profile_text, read_file(candidate()));
  EXPECT_EQ(q.profile_sha256.size(), 64u);
  EXPECT_EQ(std::filesystem::status(audit::shadow_request_dir(state_dir())).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_all);
  // The same name again is an error while it runs.
  r = audit({"shadow", "start", "--name=queued", "--profile=" + candidate(), "--all", "--wait=0"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is running"), std::string::npos) << r.err;
  r = audit({"shadow", "list", "--format=json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto list = nlohmann::json::parse(r.out);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["name"], "queued");
  EXPECT_EQ(list[0]["status"], "pending");
  // A waiting start that nobody answers says so and exits 3 (the request stays).
  r = audit({"shadow", "start", "--name=other", "--profile=" + candidate(), "--all", "--wait=0.3"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_TRUE(audit::read_shadow_requests(state_dir()).valid.count("other"));
  // results of a request not taken up yet say so.
  r = audit({"shadow", "results", "--name=queued"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("has not taken it up yet"), std::string::npos) << r.err;
  // stop removes the request (the daemon writes the final rows at its next rescan).
  r = audit({"shadow", "stop", "--name=queued", "--wait=0"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(audit::read_shadow_requests(state_dir()).valid.count("queued"));
  r = audit({"shadow", "stop", "--name=queued", "--wait=0"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no shadow named 'queued'"), std::string::npos) << r.err;
}

TEST_F(ShadowCli, ResultsAsJsonAreOneObjectPerRowWithTheIssuesKeys) {
  write_state(shadow_state());
  auto r = audit({"shadow", "results", "--name=tight", "--format=json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto rows = nlohmann::json::parse(r.out);
  ASSERT_TRUE(rows.is_array());
  ASSERT_EQ(rows.size(), 5u);
  uint64_t total = 0;
  for (const auto& j : rows) {
    for (const char* key : {"container", "syscall", "arch", "current", "candidate", "errno", "count"})
      EXPECT_TRUE(j.contains(key)) << key << " in " << j.dump();
    total += j["count"].get<uint64_t>();
  }
  EXPECT_EQ(total, 48u);
  // Sorted by container, syscall, arch: getpid, keyctl, personality, uname/x86, uname/x86_64.
  EXPECT_EQ(rows[0]["syscall"], "getpid");
  EXPECT_EQ(rows[0]["errno"], nullptr);
  EXPECT_EQ(rows[3]["syscall"], "uname");
  EXPECT_EQ(rows[3]["arch"], "x86");
  EXPECT_EQ(rows[3]["candidate"], "errno");
  EXPECT_EQ(rows[3]["errno"], 13);
  EXPECT_EQ(rows[3]["count"], 1);
  EXPECT_EQ(rows[2]["candidate"], "unknown");
  r = audit({"shadow", "results", "--name=tight", "--format=json", "--container=nobody"});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(r.out).size(), 0u);
  r = audit({"shadow", "results", "--name=nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("recorded: tight"), std::string::npos) << r.err;
  r = audit({"shadow", "results", "--name=tight"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("errno(13)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("lost       0 call(s)"), std::string::npos) << r.out;
}

TEST_F(ShadowCli, LostCallsAreShownNeverSilent) {
  audit::State s = shadow_state();
  s.shadows["tight"].lost = 17;
  write_state(s);
  auto r = audit({"shadow", "results", "--name=tight"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("lost       17 call(s) not counted"), std::string::npos) << r.out;
  r = audit({"shadow", "results", "--name=tight", "--format=json"});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_NE(r.err.find("17 call(s) of shadow tight were not counted"), std::string::npos) << r.err;
  r = audit({"shadow", "list", "--format=json"});
  EXPECT_EQ(nlohmann::json::parse(r.out)[0]["lost"], 17);
  r = audit({"report", "--shadow=tight"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("| lost | 17 |"), std::string::npos) << r.out;
}

TEST_F(ShadowCli, HostileContainerIdsAreShownSafely) {
  write_state(shadow_state(kHostile));
  auto r = audit({"shadow", "results", "--name=tight", "--format=json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto rows = nlohmann::json::parse(r.out);  // valid JSON: invalid UTF-8 shown as \xNN
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0]["container"].get<std::string>().find('\n'), std::string::npos);
  EXPECT_NE(rows[0]["container"].get<std::string>().find("\\xFF"), std::string::npos);
  r = audit({"shadow", "results", "--name=tight"});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.find("\xFF"), std::string::npos);
  r = audit({"report", "--shadow=tight", "--format=html"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("<script>"), std::string::npos);
  EXPECT_NE(r.out.find(kHostileHtml), std::string::npos);
  r = audit({"report", "--shadow=tight"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("<script>"), std::string::npos);
  EXPECT_NE(r.out.find(kHostileMarkdown), std::string::npos);
}

TEST_F(ShadowCli, ReportSaysWhatTheCandidateWouldBreakAndNewlyAllow) {
  write_state(shadow_state());
  auto r = audit({"report", "--shadow=tight"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("**Readiness: not ready**: it would break 4 of 48 calls"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("## Calls it would break (2)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("| web\\-1 | uname | x86\\_64 | allow | errno \\(13\\) | 3 |"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("## Calls it would newly allow (1)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("| web\\-1 | keyctl | x86\\_64 | errno \\(1\\) | allow | 2 |"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("## Unknown (1)"), std::string::npos) << r.out;
  r = audit({"report", "--shadow=tight", "--container=web-1"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  r = audit({"report", "--shadow=nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no shadow named 'nope'"), std::string::npos) << r.err;
}

// The readiness rule (audit/refine/shadow_readiness.h), one condition at a time.
TEST(ShadowReadiness, EachConditionDecides) {
  auto verdict = [](const audit::State& s, int64_t ready_after = 24 * kHour) {
    return build_shadow_report(s, "tight", ready_after, kT0).readiness;
  };
  audit::State s = shadow_state();
  EXPECT_EQ(verdict(s), "not ready");
  auto& rows = s.shadows["tight"].rows;
  rows.erase(rows.begin(), rows.begin() + 2);  // no more breaks
  EXPECT_EQ(verdict(s), "not proven");         // personality is unknown
  rows.erase(rows.begin() + 1);                // no unknown
  auto report = build_shadow_report(s, "tight", 24 * kHour, kT0);
  EXPECT_EQ(report.readiness, "ready");
  EXPECT_NE(report.readiness_text.find("newly allows 1 call(s)"), std::string::npos) << report.readiness_text;
  EXPECT_EQ(verdict(s, 31 * kHour), "not proven");  // observed 30 h only
  s.shadows["tight"].lost = 1;
  EXPECT_EQ(verdict(s), "not proven");
  s.shadows["tight"].lost = 0;
  rows.clear();
  EXPECT_EQ(verdict(s), "not proven");  // nothing counted
  // A candidate that kills where the container survived an errno breaks it.
  rows.push_back(row("web-1", "keyctl", "errno", 1, "kill_process", -1, 1));
  EXPECT_EQ(verdict(s), "not ready");
  rows.back() = row("web-1", "keyctl", "errno", 1, "errno", 38, 1);
  EXPECT_EQ(shadow_class_of(rows.back()), ShadowClass::DeniedOtherwise);
  EXPECT_EQ(verdict(s), "ready");
  EXPECT_EQ(shadow_class_of(row("c", "read", "allow", -1, "log", -1, 1)), ShadowClass::Unchanged);
  EXPECT_EQ(shadow_class_of(row("c", "read", "errno", 1, "log", -1, 1)), ShadowClass::NewlyAllowed);
}

}  // namespace
}  // namespace sc::refine
