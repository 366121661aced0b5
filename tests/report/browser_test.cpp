// The HTML report opened in real headless Chromium: it renders, a hostile process name is
// shown as text, no element or script comes from it. The screenshot is kept in the build
// dir (<build>/test-artifacts/refine/) as the test artifact.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "tests/refine/browser.h"
#include "tests/refine/process.h"
#include "tests/refine/recorded_state.h"
#include "tests/support/privileges.h"

namespace sc::refine {
namespace {

using namespace sc::refine::testing;

TEST(Browser, HostileProcessNameRendersAsTextInChromium) {
  SC_REQUIRE(::access(kChromium, X_OK) == 0, "needs Debian's chromium at /usr/bin/chromium");
  TempDir dir;
  std::string state_dir = dir.path() + "/state", runtime_dir = dir.path() + "/run";
  std::filesystem::create_directories(state_dir);
  audit::State state;
  state.last_flush_ns = kT0;
  state.sources["audit"] = {true, "netlink multicast group", 42, 0};
  const std::string hostile = "<img src=x onerror=alert(1)>";
  auto c = container("shop-7f3a", shared_profile("docker-default.json"),
                     {{"acct", "log", 12, kT0 - 40 * kHour, kT0 - 2 * kHour, hostile},
                      {"reboot", "log", 1, kT0 - 30 * kHour, kT0 - 30 * kHour, hostile},
                      {"personality", "log", 3, kT0 - 35 * kHour, kT0 - 3 * kHour, "<script>x</script>", {0x1234}},
                      {"kexec_load", "log", 2, kT0 - 26 * kHour, kT0 - 20 * kHour, "\"quoted' & amp"}});
  state.containers[c.container_id] = c;
  register_caps(runtime_dir, c, docker_caps());
  write_file(state_dir + "/state.json", audit::to_json_text(state));
  std::string artifacts = std::string(SC_BINARY_DIR) + "/test-artifacts/refine";
  std::filesystem::create_directories(artifacts);
  std::string html = artifacts + "/report-hostile.html", png = artifacts + "/report-hostile.png";
  auto r = run({bin("seccomp-audit"), "report", "--format=html", "--output=" + html, "--state_dir=" + state_dir,
                "--runtime_dir=" + runtime_dir});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::filesystem::remove(png);
  BrowserResult b = open_in_chromium(html, png);
  ASSERT_EQ(b.dump_exit, 0) << b.error;
  EXPECT_EQ(check_dom_shows_text(b.dom, "&lt;img src=x onerror=alert(1)&gt;"), "");
  EXPECT_NE(b.dom.find("&lt;script&gt;x&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(b.dom.find("<svg"), std::string::npos);  // the charts are in the DOM
  ASSERT_EQ(b.screenshot_exit, 0) << b.error;
  std::string bytes = read_file(png);
  ASSERT_GT(bytes.size(), 10000u);
  EXPECT_EQ(bytes.substr(1, 3), "PNG");
}

}  // namespace
}  // namespace sc::refine
