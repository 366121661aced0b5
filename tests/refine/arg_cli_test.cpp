// Argument records as a user sees them: `seccomp-audit events --args` (table and JSON),
// `suggest` with and without --no_args, and the report's "arguments" column in Markdown and
// HTML, run as the real binary on a hand-made state.json.
#include <cctype>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/refine/cli_fixture.h"
#include "tests/refine/process.h"
#include "tests/refine/recorded_state.h"

namespace sc::refine {
// Named: in a unity build this file shares a translation unit with the other refine tests.
namespace arg_cli_tests {
namespace {

using namespace sc::refine::testing;

const char* kHostileComm = "<script>alert(1)</script>|*x*";

struct ArgCliFixture : RecordedStateCli {
  void SetUp() override {
    audit::State state;
    auto c = container("web-1", shared_profile("docker-default.json"),
                       {{"personality", "log", 3, kT0 - 30 * kHour, kT0 - kHour, kHostileComm},
                        {"syslog", "log", 2, kT0 - 30 * kHour, kT0 - kHour, kHostileComm},
                        {"unshare", "log", 1}, {"acct", "log", 1}});
    for (auto& [key, stats] : c.verdicts) {
      if (stats.syscall == "personality") stats.args = audit::ArgRecord{{{{0x40000, 0, 0, 0, 0, 0}, 1}}, 2};
      if (stats.syscall == "syslog")
        stats.args = audit::ArgRecord{{{{3, 0x7ffd1000, 0x2000, 0, 0, 0}, 1}, {{10, 0, 0, 0, 0, 0}, 1}}, 0};
      if (stats.syscall == "unshare") stats.args = audit::ArgRecord{{{{0x10000000, 0, 0, 0, 0, 0}, 1}}, 0};
    }
    state.containers = {{"web-1", c}};
    write_recorded(state);
  }
};

TEST_F(ArgCliFixture, EventsArgsShowsTuplesSymbolicallyWithCountsAndDropped) {
  auto plain = audit({"events", "--state_dir=" + state_dir()});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.out.find("args:"), std::string::npos) << plain.out;
  auto r = audit({"events", "--args", "--state_dir=" + state_dir()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("    args: persona=0x40000 (ADDR_NO_RANDOMIZE) x1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("    args: +2 call(s) not kept (over the bound of 16 distinct tuples)\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("    args: type=0x3 (SYSLOG_ACTION_READ_ALL), buf=0x7ffd1000, len=0x2000 x1\n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("    args: flags=0x10000000 (CLONE_NEWUSER) x1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("    args: not recorded\n"), std::string::npos) << r.out;  // acct
  // Every args line is the table's names and hex: nothing recorded as text leaks into it.
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("    args: ", 0) != 0) continue;
    for (char ch : line) {
      EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(ch)) || std::string(" :=()|,_+").find(ch) != std::string::npos)
          << line;
    }
  }
}

TEST_F(ArgCliFixture, EventsJsonCarriesTheRecord) {
  auto r = audit({"events", "--format=json", "--state_dir=" + state_dir()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto rows = nlohmann::json::parse(r.out);
  bool seen = false;
  for (const auto& row : rows) {
    if (row["syscall"] == "acct") {
      EXPECT_FALSE(row.contains("args"));
    }
    if (row["syscall"] != "personality") continue;
    seen = true;
    ASSERT_TRUE(row.contains("args")) << row.dump();
    EXPECT_EQ(row["args"]["dropped"], 2);
    ASSERT_EQ(row["args"]["tuples"].size(), 1u);
    EXPECT_EQ(row["args"]["tuples"][0]["values"],
              nlohmann::json::array({"0x40000", "0x0", "0x0", "0x0", "0x0", "0x0"}));
    EXPECT_EQ(row["args"]["tuples"][0]["text"], "persona=0x40000 (ADDR_NO_RANDOMIZE)");
    EXPECT_EQ(row["args"]["tuples"][0]["count"], 1);
  }
  EXPECT_TRUE(seen);
}

TEST_F(ArgCliFixture, SuggestIsArgumentAwareByDefaultAndNoArgsRestoresWholeSyscalls) {
  std::vector<std::string> base = {"suggest", "--container=web-1", "--state_dir=" + state_dir(),
                                   "--runtime_dir=" + runtime_dir()};
  auto aware = audit(base);
  ASSERT_EQ(aware.exit_code, 0) << aware.err;
  auto patch = nlohmann::json::parse(aware.out);
  std::set<std::string> names_added, rules_added;
  for (const auto& op : patch)
    if (op["op"] == "add") {
      if (op["value"].is_string()) names_added.insert(op["value"].get<std::string>());
      else for (const auto& n : op["value"]["names"]) rules_added.insert(n.get<std::string>());
    }
  // acct: no record, into syscalls[0].names; personality had dropped tuples: a new rule
  // without conditions (Docker's own personality rules are argument-checked, so it cannot
  // join syscalls[0]); syslog and unshare: conditioned.
  EXPECT_EQ(names_added, (std::set<std::string>{"acct"})) << aware.out;
  EXPECT_EQ(rules_added, (std::set<std::string>{"personality", "syslog", "unshare"})) << aware.out;
  for (const auto& op : patch)
    if (op["op"] == "add" && op["value"].is_object() && op["value"]["names"][0] == "personality") {
      EXPECT_FALSE(op["value"].contains("args"));
      EXPECT_NE(op["comment"].get<std::string>().find("allowed for every argument: 2 call(s) had argument tuples"),
                std::string::npos);
    }
  EXPECT_NE(aware.out.find("SCMP_CMP_MASKED_EQ"), std::string::npos);
  auto whole = audit([&] { auto a = base; a.push_back("--no_args"); return a; }());
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  names_added.clear();
  for (const auto& op : nlohmann::json::parse(whole.out))
    if (op["op"] == "add" && op["value"].is_string()) names_added.insert(op["value"].get<std::string>());
  EXPECT_EQ(names_added, (std::set<std::string>{"acct", "syslog", "unshare"})) << whole.out;
  EXPECT_EQ(whole.out.find("SCMP_CMP_MASKED_EQ"), std::string::npos);
}

TEST_F(ArgCliFixture, ReportShowsRecordedTuplesEscaped) {
  std::vector<std::string> base = {"report", "--state_dir=" + state_dir(), "--runtime_dir=" + runtime_dir()};
  auto md = audit([&] { auto a = base; a.push_back("--format=md"); return a; }());
  ASSERT_EQ(md.exit_code, 0) << md.err;
  // Markdown-escaped as every other cell: \_ \( \) \+.
  EXPECT_NE(md.out.find("| type=0x3 \\(SYSLOG\\_ACTION\\_READ\\_ALL\\), buf=0x7ffd1000, len=0x2000 x1; "
                        "type=0xa \\(SYSLOG\\_ACTION\\_SIZE\\_BUFFER\\), buf=0x0, len=0x0 x1 |"),
            std::string::npos) << md.out;
  EXPECT_NE(md.out.find("; \\+2 call\\(s\\) not kept"), std::string::npos) << md.out;
  EXPECT_EQ(md.out.find("<script>"), std::string::npos);
  auto html = audit([&] { auto a = base; a.push_back("--format=html"); return a; }());
  ASSERT_EQ(html.exit_code, 0) << html.err;
  EXPECT_NE(html.out.find("<code>persona=0x40000 (ADDR_NO_RANDOMIZE) x1</code><br><code>+2 call(s) not kept"),
            std::string::npos) << html.out;
  EXPECT_EQ(html.out.find("<script>alert"), std::string::npos);
  EXPECT_NE(html.out.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
}

}  // namespace
}  // namespace arg_cli_tests
}  // namespace sc::refine
