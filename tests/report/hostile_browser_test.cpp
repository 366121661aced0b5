// Hostile container ids, cgroup paths, executable and profile paths (tests/refine/hostile_state.h)
// through the real CLI (state.json written by the state encoder, read back by `seccomp-audit
// report`), then the HTML opened in real headless Chromium: every hostile string is shown as
// text and became no element. The Markdown from the same CLI run is checked for the literal
// escaped forms and an intact table.
#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "tests/bench_quick/markdown_table.h"
#include "tests/refine/browser.h"
#include "tests/refine/hostile_state.h"
#include "tests/refine/process.h"
#include "tests/support/privileges.h"

namespace sc::refine {
namespace {

using namespace sc::refine::testing;

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = 0; (p = text.find(what, p)) != std::string::npos; p += what.size()) ++n;
  return n;
}

struct CliRun {
  TempDir dir;
  HostileState h;
  std::string state_dir, runtime_dir;
  CliRun() : h(hostile_state(dir.path())) {
    state_dir = dir.path() + "/state";
    runtime_dir = dir.path() + "/run";
    std::filesystem::create_directories(state_dir);
    write_file(state_dir + "/state.json", audit::to_json_text(h.state));
  }
  ProcessResult report(const std::string& format, const std::string& output) const {
    return run({bin("seccomp-audit"), "report", "--format=" + format, "--output=" + output, "--state_dir=" + state_dir,
                "--runtime_dir=" + runtime_dir});
  }
};

TEST(Browser, HostileIdsAndPathsRenderAsTextInChromium) {
  SC_REQUIRE(::access(kChromium, X_OK) == 0, "needs Debian's chromium at /usr/bin/chromium");
  CliRun cli;
  std::string artifacts = std::string(SC_BINARY_DIR) + "/test-artifacts/refine";
  std::filesystem::create_directories(artifacts);
  std::string html = artifacts + "/report-hostile-paths.html", png = artifacts + "/report-hostile-paths.png";
  auto r = cli.report("html", html);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::filesystem::remove(png);
  BrowserResult b = open_in_chromium(html, png);
  ASSERT_EQ(b.dump_exit, 0) << b.error;
  EXPECT_EQ(check_dom_shows_text(b.dom, kHostileHtml), "");
  // Each field shown as text where the report puts it, in Chromium's own serialisation.
  for (const std::string& part :
       {"<h3>Container <code>" + kHostileHtml + "</code></h3>", "<h3>Container <code>" + kHostileHtml + "-2</code></h3>",
        "<code>/" + kHostileHtml + "/" + kHostileHtml + "</code>", "<code>/usr/bin/" + kHostileHtml + "</code>",
        "<h2>Profile p" + kHostileFileHtml + ".json</h2>", "<h2>Profile q" + kHostileFileHtml + ".json</h2>",
        "/nonexistent/" + kHostileHtml + "/q" + kHostileFileHtml + ".json"})
    EXPECT_NE(b.dom.find(part), std::string::npos) << part;
  EXPECT_EQ(count(b.dom, "<h2>"), 2u);
  EXPECT_EQ(count(b.dom, "<h3>Container "), 2u);
  EXPECT_EQ(b.dom.find("\xEF\xBF\xBD"), std::string::npos) << "Chromium met bytes it had to replace (U+FFFD)";
  ASSERT_EQ(b.screenshot_exit, 0) << b.error;
  EXPECT_GT(read_file(png).size(), 10000u);
}

TEST(Browser, HostileIdsAndPathsInTheCliMarkdown) {
  CliRun cli;
  std::string md_path = cli.dir.path() + "/report.md";
  auto r = cli.report("md", md_path);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string md = read_file(md_path);
  EXPECT_EQ(first_invalid_utf8(md), std::string::npos);
  EXPECT_EQ(first_control(md), std::string::npos);
  EXPECT_EQ(md.find('<'), std::string::npos);
  EXPECT_NE(md.find("\n### Container " + kHostileMarkdown + "\n"), std::string::npos) << md;
  EXPECT_NE(md.find("cgroup: /" + kHostileMarkdown + "/" + kHostileMarkdown + "\n"), std::string::npos) << md;
  auto tables = sc::testing::tables_under(md, "### Container " + kHostileMarkdown);
  ASSERT_EQ(tables.size(), 1u) << md;
  ASSERT_EQ(tables[0].rows.size(), 2u);
  for (const auto& row : tables[0].rows) EXPECT_EQ(row.size(), 9u) << row.at(0);
}

}  // namespace
}  // namespace sc::refine
