// `seccomp-audit suggest` and `report` as a user runs them, on hand-made recorded states:
// flags, exit codes, and --format=profile checked against nlohmann's own JSON Patch.
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/refine/cli_fixture.h"
#include "tests/refine/process.h"
#include "tests/refine/recorded_state.h"

namespace sc::refine {
namespace {

using namespace sc::refine::testing;

struct CliFixture : RecordedStateCli {
  void SetUp() override {
    audit::State state;
    std::string profile = shared_profile("docker-default.json");
    auto a = container("web-1", profile, {{"acct", "log", 2, kT0 - 30 * kHour, kT0 - kHour, "<img src=x onerror=alert(1)>"}});
    auto b = container("web-2", profile, {{"acct", "log", 1}, {"personality", "log", 3, kT0 - 40 * kHour, kT0 - kHour, "w", {0x1234}}});
    a.learned[sc::testing::arch("x86_64")] = {0, 1, 3, 39};
    b.learned[sc::testing::arch("x86_64")] = {0, 1, 2};
    state.containers = {{"web-1", a}, {"web-2", b}};
    write_recorded(state);
  }
};

TEST_F(CliFixture, UsageErrorsExitTwo) {
  // Each subcommand alone (the first argument registers only that one) and all of them listed.
  ProcessResult top = audit({"--help"});
  EXPECT_EQ(top.exit_code, 0);
  for (const char* sub : {"run", "events", "suggest", "report", "hooks", "shadow"}) {
    EXPECT_NE(top.out.find(std::string("\n  ") + sub + " "), std::string::npos) << sub << " in\n" << top.out;
    ProcessResult help = audit({sub, "--help"});
    EXPECT_EQ(help.exit_code, 0) << sub << ": " << help.err;
    EXPECT_NE(help.out.find(std::string(" ") + sub + " [OPTIONS]"), std::string::npos) << help.out;
    EXPECT_EQ(audit({sub, "--no_such_flag"}).exit_code, 2) << sub;
  }
  EXPECT_EQ(audit({"sugest"}).exit_code, 2);
  EXPECT_EQ(audit({"suggest", "--state_dir=" + state_dir()}).exit_code, 2);
  EXPECT_EQ(audit({"suggest", "--container=a", "--profile=b"}).exit_code, 2);
  EXPECT_EQ(audit({"suggest", "--container=a", "--format=yaml"}).exit_code, 2);
  EXPECT_EQ(audit({"report", "--format=pdf"}).exit_code, 2);
  EXPECT_EQ(audit({"report", "--ready_after=soon"}).exit_code, 2);
}

TEST_F(CliFixture, BadInputExitsOneWithAClearMessage) {
  auto missing = audit({"suggest", "--container=web-1", "--state_dir=" + dir.path() + "/nowhere"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("nowhere/state.json"), std::string::npos) << missing.err;
  auto unknown = audit({"suggest", "--container=web-9", "--state_dir=" + state_dir(), "--runtime_dir=" + runtime_dir()});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("container 'web-9' is not in the recorded state"), std::string::npos) << unknown.err;
  write_file(dir.path() + "/broken.json", "{\"defaultAction\": \"SCMP_ACT_NOPE\", \"syscalls\": []}");
  auto broken = audit({"suggest", "--container=web-1", "--state_dir=" + state_dir(), "--runtime_dir=" + runtime_dir(),
                       "--profile_file=" + dir.path() + "/broken.json"});
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.err.find("defaultAction"), std::string::npos) << broken.err;
  write_file(state_dir() + "/state.json", "{\"version\": 1, \"containers\": {\"x\": {}}}");
  auto corrupt = audit({"report", "--state_dir=" + state_dir()});
  EXPECT_EQ(corrupt.exit_code, 1);
  EXPECT_NE(corrupt.err.find("corrupt"), std::string::npos) << corrupt.err;
}

TEST_F(CliFixture, ProfileFormatIsThePatchAppliedByAnIndependentImplementation) {
  auto patch = audit({"suggest", "--profile=docker-default.json", "--state_dir=" + state_dir(),
                      "--runtime_dir=" + runtime_dir(), "--format=patch"});
  ASSERT_EQ(patch.exit_code, 0) << patch.err;
  auto profile = audit({"suggest", "--profile=docker-default.json", "--state_dir=" + state_dir(),
                        "--runtime_dir=" + runtime_dir(), "--format=profile"});
  ASSERT_EQ(profile.exit_code, 0) << profile.err;
  std::string original = read_file(shared_profile("docker-default.json"));
  // nlohmann's own RFC 6902 implementation, order-preserving document, the file's tab indent.
  nlohmann::ordered_json expected = nlohmann::ordered_json::parse(original).patch(nlohmann::ordered_json::parse(patch.out));
  std::string final_newline = !original.empty() && original.back() == '\n' ? "\n" : "";
  EXPECT_EQ(profile.out, expected.dump(1, '\t') + final_newline);
  // The side report on stderr: fleet counts and the validation.
  EXPECT_NE(patch.err.find("acct: log (would be errno) x3 in 2 of 2 containers"), std::string::npos) << patch.err;
  EXPECT_NE(patch.err.find("personality"), std::string::npos) << patch.err;
  EXPECT_NE(patch.err.find("validated"), std::string::npos) << patch.err;
  // --output writes the same bytes to a file.
  std::string out = dir.path() + "/patch.json";
  ASSERT_EQ(audit({"suggest", "--profile=docker-default.json", "--state_dir=" + state_dir(),
                   "--runtime_dir=" + runtime_dir(), "--output=" + out}).exit_code, 0);
  EXPECT_EQ(read_file(out), patch.out);
}

TEST_F(CliFixture, TightenIsASeparatePatchOfRemovals) {
  auto t = audit({"suggest", "--profile=docker-default.json", "--tighten", "--state_dir=" + state_dir(),
                  "--runtime_dir=" + runtime_dir()});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  auto ops = nlohmann::json::parse(t.out);
  ASSERT_GT(ops.size(), 100u);
  for (const auto& op : ops) {
    EXPECT_NE(op["op"], "add");
    if (op["op"] == "remove") {
      EXPECT_EQ(op["comment"].get<std::string>().rfind("REVIEW", 0), 0u);
    }
  }
  EXPECT_NE(t.err.find("FOR REVIEW"), std::string::npos);
  EXPECT_NE(t.err.find("execve"), std::string::npos);  // listed as kept
}

TEST_F(CliFixture, ReportsInBothFormats) {
  auto md = audit({"report", "--state_dir=" + state_dir(), "--runtime_dir=" + runtime_dir(), "--ready_after=24h"});
  ASSERT_EQ(md.exit_code, 0) << md.err;
  EXPECT_NE(md.out.find("### Container web\\-1"), std::string::npos);
  EXPECT_NE(md.out.find("```json"), std::string::npos);
  EXPECT_EQ(md.out.find("<img"), std::string::npos);
  std::string html = dir.path() + "/report.html";
  auto h = audit({"report", "--format=html", "--output=" + html, "--profile=docker-default.json",
                  "--state_dir=" + state_dir(), "--runtime_dir=" + runtime_dir()});
  ASSERT_EQ(h.exit_code, 0) << h.err;
  std::string text = read_file(html);
  EXPECT_EQ(text.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(text.find("<img"), std::string::npos);
  EXPECT_NE(text.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
}

}  // namespace
}  // namespace sc::refine
