// The report model (audit/report/report_model.h) on hand-made states: readiness verdicts as
// the report gives them, and the rendered Markdown and HTML.
#include <regex>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "audit/refine/readiness.h"
#include "audit/report/report_model.h"
#include "tests/bench_quick/markdown_table.h"
#include "tests/refine/hostile_state.h"
#include "tests/refine/recorded_state.h"

namespace sc::refine {
namespace {

using namespace sc::refine::testing;
using namespace sc::report;

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

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = 0; (p = text.find(what, p)) != std::string::npos; p += what.size()) ++n;
  return n;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) s.replace(p, from.size(), to);
  return s;
}

// The hostile state, through state.json's encoder and decoder as the CLI reads it, rendered.
struct HostileReport {
  TempDir dir;
  HostileState h;
  Report report;
  std::string html, md;
  HostileReport() : h(hostile_state(dir.path())) {
    audit::State state = audit::from_json_text(audit::to_json_text(h.state));
    EXPECT_EQ(state.containers.count(kHostile), 1u) << "the hostile id did not survive state.json";
    h.state = state;
    ReportOptions options;
    options.ready_after_ns = 24 * kHour;
    options.suggest = {dir.path(), ""};  // no registry entries: this process's capabilities
    options.generated_at_ns = kT0;
    report = build_report(h.state, group_by_profile(h.state), options);
    html = render_html(report);
    md = render_markdown(report);
  }
};

TEST(Report, HostileIdsPathsAndNamesAreTextInHtml) {
  HostileReport r;
  ASSERT_EQ(r.report.profiles.size(), 2u);
  EXPECT_EQ(first_invalid_utf8(r.html), std::string::npos) << "raw invalid UTF-8 at " << first_invalid_utf8(r.html);
  EXPECT_EQ(first_control(r.html), std::string::npos) << "raw control byte at " << first_control(r.html);
  EXPECT_EQ(r.html.find("<script"), std::string::npos);
  EXPECT_EQ(r.html.find("</script"), std::string::npos);
  EXPECT_EQ(r.html.find("\\x0A\\x0A"), std::string::npos);
  // Each field, where the report puts it, literally.
  const std::string& k = kHostileHtml;
  for (const std::string& part :
       {"<h3>Container <code>" + k + "</code></h3>", "<h3>Container <code>" + k + "-2</code></h3>",
        "cgroup: <code>/" + k + "/" + k + "</code>", "<span class=\"comm\">" + k + "</span> (pid 4242)",
        "<br><code>/usr/bin/" + k + "</code>", "<h2>Profile p" + kHostileFileHtml + ".json</h2>",
        "File: <code>" + r.dir.path() + "/p" + kHostileFileHtml + ".json</code>",
        "<h2>Profile q" + kHostileFileHtml + ".json</h2>", "/nonexistent/" + k + "/q" + kHostileFileHtml + ".json"})
    EXPECT_NE(r.html.find(part), std::string::npos) << part;
  // Nothing hostile opened an element: exactly the report's own headings and rows.
  EXPECT_EQ(count(r.html, "<h2>"), 2u);
  EXPECT_EQ(count(r.html, "<h3>Container "), 2u);
  EXPECT_EQ(count(r.html, "<span class=\"comm\">"), 4u);
}

TEST(Report, HostileIdsPathsAndNamesCannotBreakTheMarkdown) {
  HostileReport r;
  const std::string& md = r.md;
  EXPECT_EQ(first_invalid_utf8(md), std::string::npos) << "raw invalid UTF-8 at " << first_invalid_utf8(md);
  EXPECT_EQ(first_control(md), std::string::npos) << "raw control byte at " << first_control(md);
  EXPECT_EQ(md.find('<'), std::string::npos) << "raw HTML passes through Markdown renderers";
  const std::string& k = kHostileMarkdown;
  for (const std::string& part :
       {"\n### Container " + k + "\n", "\n### Container " + k + "\\-2\n", "cgroup: /" + k + "/" + k + "\n",
        "\n## Profile p" + kHostileFileMarkdown + "\\.json\n", "/p" + kHostileFileMarkdown + "\\.json\n",
        "\n## Profile q" + kHostileFileMarkdown + "\\.json\n", "/nonexistent/" + k + "/q" + kHostileFileMarkdown + "\\.json"})
    EXPECT_NE(md.find(part), std::string::npos) << part << "\n" << md;
  // The tables, read back by an independent reader (tests/bench_quick/markdown_table): every
  // row has its header's cells, and the container's table has its two rows.
  for (const auto& t : sc::testing::tables_under(md, ""))
    for (const auto& row : t.rows) EXPECT_EQ(row.size(), t.header.size()) << row.at(0);
  auto tables = sc::testing::tables_under(md, "### Container " + k);
  ASSERT_EQ(tables.size(), 1u) << md;
  ASSERT_EQ(tables[0].header.size(), 9u);
  ASSERT_EQ(tables[0].rows.size(), 2u);
  const std::string cell = replace_all(k, "\\|", "|");  // the reader unescapes \|
  for (const auto& row : tables[0].rows)
    EXPECT_EQ(row.at(7), cell + " \\(pid 4242\\) /usr/bin/" + cell) << row.at(0);
  // Only the report's own headings.
  size_t headings = 0;
  std::istringstream lines(md);
  for (std::string line; std::getline(lines, line);) headings += line.rfind("#", 0) == 0;
  EXPECT_EQ(headings, 1u + 2u * (1u + 1u) + 2u) << md;  // title; per profile: heading + patch; 2 containers
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
