// Readiness verdicts and the rendered reports (Markdown and HTML) on hand-made states.
#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "audit/refine/readiness.h"
#include "audit/refine/report_model.h"
#include "tests/refine/recorded_state.h"

namespace sc::refine {
namespace {

using namespace sc::refine::testing;

struct Built {
  TempDir runtime;
  audit::State state;
  Report report;
};

void build(Built& b, const std::vector<audit::ContainerRecord>& containers, int64_t window = 24 * kHour) {
  b.state.last_flush_ns = kT0;
  b.state.sources["audit"] = {true, "netlink multicast", 10, 0};
  for (const auto& c : containers) {
    b.state.containers[c.container_id] = c;
    register_caps(b.runtime.path(), c, docker_caps());
  }
  ReportOptions options;
  options.ready_after_ns = window;
  options.suggest = {b.runtime.path(), ""};
  options.generated_at_ns = kT0;
  b.report = build_report(b.state, group_by_profile(b.state), options);
}

const ContainerSection& only_container(const Report& r) { return r.profiles.at(0).containers.at(0); }

TEST(Readiness, StableWouldBeDenialsMeanReadyWithThePatch) {
  Built b;
  build(b, {container("c1", shared_profile("docker-default.json"), {{"acct", "log", 9, kT0 - 30 * kHour, kT0 - kHour}})});
  const auto& c = only_container(b.report);
  EXPECT_EQ(c.readiness.verdict, ReadinessVerdict::ReadyWithPatch) << c.readiness.text;
  EXPECT_NE(c.readiness.text.find("no new would-be denial for 30.0 h over 9 recorded calls"), std::string::npos)
      << c.readiness.text;
  EXPECT_EQ(c.would_break, std::vector<std::string>{"acct"});
}

TEST(Readiness, ANewWouldBeDenialInsideTheWindowMeansNotReady) {
  Built b;
  build(b, {container("c1", shared_profile("docker-default.json"),
                      {{"acct", "log", 9, kT0 - 30 * kHour, kT0 - kHour}, {"reboot", "log", 1, kT0 - 2 * kHour, kT0 - 2 * kHour}})});
  const auto& c = only_container(b.report);
  EXPECT_EQ(c.readiness.verdict, ReadinessVerdict::NotReady);
  EXPECT_NE(c.readiness.text.find("reboot"), std::string::npos) << c.readiness.text;
}

TEST(Readiness, TooShortAnObservationMeansNotReadyAndAQuietOneMeansReady) {
  Built shortly;
  auto young = container("c1", shared_profile("docker-default.json"), {});
  young.first_seen_ns = kT0 - 3 * kHour;
  build(shortly, {young});
  EXPECT_EQ(only_container(shortly.report).readiness.verdict, ReadinessVerdict::NotReady);
  EXPECT_NE(only_container(shortly.report).readiness.text.find("observed for only 3.0 h"), std::string::npos);

  Built quiet;
  build(quiet, {container("c1", shared_profile("docker-default.json"), {{"uname", "log", 4}})});  // allowed now
  EXPECT_EQ(only_container(quiet.report).readiness.verdict, ReadinessVerdict::Ready)
      << only_container(quiet.report).readiness.text;

  Built window;  // the same data with a 2-day window is not ready yet
  build(window, {container("c1", shared_profile("docker-default.json"), {})}, 72 * kHour);
  EXPECT_EQ(only_container(window.report).readiness.verdict, ReadinessVerdict::NotReady);
}

TEST(Readiness, LostEventsAndEnforceMode) {
  Built lost;
  lost.state.sources["bpf"] = {true, "", 5, 3};
  build(lost, {container("c1", shared_profile("docker-default.json"), {})});
  // build() resets the audit source but keeps bpf's 3 lost events.
  EXPECT_EQ(only_container(lost.report).readiness.verdict, ReadinessVerdict::NotReady);
  EXPECT_NE(only_container(lost.report).readiness.text.find("lost 3 events"), std::string::npos);

  Built enforce;
  build(enforce, {container("c1", shared_profile("docker-default.json"), {{"acct", "errno", 2}}, "enforce")});
  EXPECT_EQ(only_container(enforce.report).readiness.verdict, ReadinessVerdict::NotApplicable);
  EXPECT_NE(only_container(enforce.report).readiness.text.find("2 denied calls"), std::string::npos);
}

TEST(Report, HtmlIsSelfContainedAndEscapesRecordedStrings) {
  Built b;
  auto c = container("c1", shared_profile("docker-default.json"),
                     {{"acct", "log", 9, kT0 - 30 * kHour, kT0 - kHour, "<img src=x onerror=alert(1)>"},
                      {"personality", "log", 2, kT0 - 20 * kHour, kT0 - kHour, "p\"'&", {0x1234}}});
  c.container_id = "c1";
  build(b, {c});
  std::string html = render_html(b.report);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(html.find("p&quot;&#39;&amp;"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), html.find("src=x"));  // the only src= is inside escaped text
  EXPECT_EQ(html.find("href="), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("Content-Security-Policy"), std::string::npos);
  EXPECT_NE(html.find("&quot;op&quot;: &quot;add&quot;"), std::string::npos);  // the patch inline
  // Every SVG is well formed enough: as many opening as closing tags.
  size_t open = 0, close = 0;
  for (size_t p = 0; (p = html.find("<svg", p)) != std::string::npos; ++p) ++open;
  for (size_t p = 0; (p = html.find("</svg>", p)) != std::string::npos; ++p) ++close;
  EXPECT_EQ(open, close);
  EXPECT_GE(open, 2u);
}

TEST(Report, MarkdownEscapesAndCarriesEverySection) {
  Built b;
  build(b, {container("c1", shared_profile("docker-default.json"),
                      {{"acct", "log", 9, kT0 - 30 * kHour, kT0 - kHour, "<img src=x onerror=alert(1)>"}})});
  std::string md = render_markdown(b.report);
  EXPECT_EQ(md.find("<img"), std::string::npos);
  EXPECT_NE(md.find("&lt;img src=x onerror=alert\\(1\\)&gt;"), std::string::npos);
  for (const char* part : {"## Profile docker\\-default\\.json", "### Container c1", "- mode: audit",
                           "verdicts by action: log 9;", "would break if enforced: acct", "### Suggested patch",
                           "```json", "\"op\": \"add\"", "ready with patch"})
    EXPECT_NE(md.find(part), std::string::npos) << part << "\n" << md;
}

TEST(Report, MissingProfileFileStillReportsFromTheRecording) {
  Built b;
  build(b, {container("c1", "/nonexistent.json", {{"acct", "log", 1}})});
  const auto& p = b.report.profiles.at(0);
  EXPECT_NE(p.error.find("Failed to read Seccomp profile file"), std::string::npos) << p.error;
  EXPECT_EQ(p.containers.at(0).would_break, std::vector<std::string>{"acct"});
  EXPECT_NE(render_markdown(b.report).find("No patch: Failed to read"), std::string::npos);
}

}  // namespace
}  // namespace sc::refine
