// The offline fleet merge: `suggest` and `report` over state files copied from two hosts,
// through the real CLI; and every bad input it must refuse by name.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "audit/report/markdown_escape.h"
#include "tests/fleet/fleet_files.h"

namespace sc::fleet_tests {
namespace {

using refine::testing::bin;
using refine::testing::Call;
using refine::testing::kHour;
using refine::testing::kT0;
using refine::testing::ProcessResult;
using refine::testing::run;
using refine::testing::TempDir;
using refine::testing::write_file;

struct OfflineFleet : ::testing::Test {
  TempDir tmp;
  std::string profile, host_a, host_b;
  void SetUp() override {
    profile = write_strict_profile(tmp.path());
    // Host A: web-1 made uname three times. Host B: its own web-1 (same id, another host)
    // made sysinfo twice; web-2 made uname once. Everything first seen 30 h before the flush.
    host_a = write_state(tmp.path() + "/a.json", {fleet_container("web-1", profile, {Call("uname", "log", 3)})});
    host_b = write_state(tmp.path() + "/b.json", {fleet_container("web-1", profile, {Call("sysinfo", "log", 2)}),
                                                  fleet_container("web-2", profile, {Call("uname", "log", 1)})});
  }
  ProcessResult audit(std::vector<std::string> args) {
    args.insert(args.begin(), bin("seccomp-audit"));
    return run(args, 60);
  }
};

// The comment of the op that adds `name` to a rule's names.
std::string comment_adding(const nlohmann::json& patch, const std::string& name) {
  for (const auto& op : patch)
    if (op.value("op", "") == "add" && op.contains("value") && op["value"] == name) return op.value("comment", "");
  return "";
}

TEST_F(OfflineFleet, OnePatchCoversBothHostsAndSaysHowManyBackEachChange) {
  ProcessResult r = audit({"suggest", "--state_file=" + host_a, "--state_file=" + host_b, "--profile=" + profile});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json patch = nlohmann::json::parse(r.out);
  // Same-named containers on two hosts stay two containers: 3 in all.
  EXPECT_EQ(comment_adding(patch, "uname"), "seccomp-audit suggest: uname: log (would be errno) x4 in 2 of 3 containers on 2 of 2 hosts")
      << patch.dump(1);
  EXPECT_EQ(comment_adding(patch, "sysinfo"), "seccomp-audit suggest: sysinfo: log (would be errno) x2 in 1 of 3 containers on 1 of 2 hosts")
      << patch.dump(1);
  EXPECT_EQ(comment_adding(patch, "getrusage"), "") << "nobody made getrusage";
  EXPECT_NE(r.err.find("fleet: 2 hosts, 3 containers ran sha256 " + digest_of(profile).substr(0, 12)), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("web-1 [web], web-2 [web]"), std::string::npos) << r.err;
  // The containers' own capability sets were used (recorded in the state), not ours.
  EXPECT_EQ(r.err.find("capability sets were not recorded"), std::string::npos) << r.err;
}

TEST_F(OfflineFleet, OneHostAloneCoversOnlyWhatItSaw) {
  ProcessResult r = audit({"suggest", "--state_file=" + host_a, "--profile=" + profile});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json patch = nlohmann::json::parse(r.out);
  EXPECT_NE(comment_adding(patch, "uname").find("in 1 of 1 container on 1 of 1 host"), std::string::npos) << patch.dump(1);
  EXPECT_EQ(comment_adding(patch, "sysinfo"), "");
}

TEST_F(OfflineFleet, ReadyFleetWideOnlyWhenEveryHostIs) {
  ProcessResult both_ready = audit({"report", "--state_file=" + host_a, "--state_file=" + host_b, "--profile=" + profile});
  ASSERT_EQ(both_ready.exit_code, 0) << both_ready.err;
  EXPECT_NE(both_ready.out.find("**Readiness: ready with patch** — 2 of 2 hosts ready"), std::string::npos) << both_ready.out;

  // Host C's container saw a new would-be denial an hour before its last flush: not ready,
  // and so the profile is not ready fleet-wide although A and B are.
  std::string host_c = write_state(tmp.path() + "/c.json",
                                   {fleet_container("api-1", profile, {Call("getrusage", "log", 1, kT0 - kHour, kT0 - kHour)})});
  ProcessResult r = audit({"report", "--state_file=" + host_a, "--state_file=" + host_b, "--state_file=" + host_c,
                           "--profile=" + profile});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("**Readiness: not ready** — 2 of 3 hosts ready"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("| " + report::markdown_text(host_c) + " | 1 | not ready | "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("| " + report::markdown_text(host_a) + " | 1 | ready with patch | "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("### Container " + report::markdown_text("api-1@" + host_c)), std::string::npos) << r.out;

  ProcessResult html = audit({"report", "--state_file=" + host_a, "--state_file=" + host_c, "--profile=" + profile,
                              "--format=html"});
  ASSERT_EQ(html.exit_code, 0) << html.err;
  EXPECT_NE(html.out.find("<td><code>" + host_c + "</code></td><td>1</td><td><span class=\"badge not-ready\">"),
            std::string::npos);
}

TEST_F(OfflineFleet, HostileNamesAreEscapedInTheReport) {
  // A workload name and a container id from another host's labels are any bytes.
  audit::ContainerRecord c = fleet_container("evil", profile, {Call("uname", "log", 1)}, "<script>x</script>|*");
  std::string hostile = write_state(tmp.path() + "/h.json", {c});
  ProcessResult md = audit({"report", "--state_file=" + hostile, "--profile=" + profile});
  ASSERT_EQ(md.exit_code, 0) << md.err;
  EXPECT_EQ(md.out.find("<script>"), std::string::npos) << md.out;
  ProcessResult html = audit({"report", "--state_file=" + hostile, "--profile=" + profile, "--format=html"});
  ASSERT_EQ(html.exit_code, 0) << html.err;
  EXPECT_EQ(html.out.find("<script>"), std::string::npos);
  EXPECT_NE(html.out.find("&lt;script&gt;"), std::string::npos);
}

TEST_F(OfflineFleet, BadInputIsRefusedByName) {
  write_file(tmp.path() + "/corrupt.json", "{\"version\": 1, \"containers\": {\"x\": {\"verdicts\": 3}}}");
  struct Case {
    std::vector<std::string> args;
    std::string message;
  } cases[] = {
      {{"suggest", "--state_file=" + tmp.path() + "/absent.json", "--profile=" + profile},
       "cannot read state file '" + tmp.path() + "/absent.json'"},
      {{"suggest", "--state_file=" + tmp.path() + "/corrupt.json", "--profile=" + profile},
       "state file '" + tmp.path() + "/corrupt.json' is corrupt: "},
      {{"suggest", "--state_file=" + host_a, "--state_file=" + host_a, "--profile=" + profile}, "is given twice"},
      {{"report", "--state_file=" + host_a, "--profile=" + tmp.path() + "/absent-profile.json"}, "absent-profile.json"},
      {{"suggest", "--state_file=" + host_a, "--profile=" + profile, "--profile_sha256=" + std::string(64, 'f')},
       "ran the profile '" + profile + "' (sha256 " + std::string(64, 'f') + ")"},
      {{"suggest", "--state_file=" + host_a, "--profile=" + profile, "--profile_sha256=xyz"}, "'xyz' is not 64 lower-case hex digits"},
      {{"suggest", "--prometheus=ftp://127.0.0.1:1", "--profile=" + profile}, "not an http:// or https:// URL"},
      {{"suggest", "--prometheus=http://", "--profile=" + profile}, "no host"},
      {{"suggest", "--prometheus=http://127.0.0.1:9/prom?x=1", "--profile=" + profile}, "no query, fragment or space"},
  };
  for (const auto& c : cases) {
    ProcessResult r = audit(c.args);
    EXPECT_EQ(r.exit_code, 1) << c.args[1] << " " << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << "want '" << c.message << "' in: " << r.err;
    EXPECT_EQ(r.out, "") << "nothing printed on bad input";
  }
  // Usage: a fleet without a profile file, or mixed with a local state dir.
  EXPECT_EQ(audit({"report", "--state_file=" + host_a}).exit_code, 2);
  EXPECT_EQ(audit({"suggest", "--state_file=" + host_a, "--state_dir=/tmp", "--profile=" + profile}).exit_code, 2);
  EXPECT_EQ(audit({"suggest", "--state_file=" + host_a, "--prometheus=http://127.0.0.1:9", "--profile=" + profile}).exit_code, 2);
}

}  // namespace
}  // namespace sc::fleet_tests
