#include "tests/refine/browser.h"

#include <unistd.h>

#include <filesystem>
#include <regex>

#include "tests/refine/process.h"

namespace sc::refine::testing {
namespace {

std::vector<std::string> chromium_args(const std::string& profile_dir) {
  return {kChromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
          "--user-data-dir=" + profile_dir};
}

}  // namespace

BrowserResult open_in_chromium(const std::string& html_path, const std::string& png_path) {
  BrowserResult r;
  std::string pattern = (std::filesystem::temp_directory_path() / "sc-chromium-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) {
    r.error = "mkdtemp failed";
    return r;
  }
  std::string url = "file://" + std::filesystem::absolute(html_path).string();
  auto dump_args = chromium_args(pattern + "/a");
  dump_args.push_back("--dump-dom");
  dump_args.push_back(url);
  ProcessResult dump = run(dump_args, 90);
  r.dump_exit = dump.exit_code;
  r.dom = dump.out;
  if (dump.exit_code != 0) r.error = dump.err;
  auto shot_args = chromium_args(pattern + "/b");
  shot_args.push_back("--hide-scrollbars");
  shot_args.push_back("--window-size=1200,1600");
  shot_args.push_back("--screenshot=" + png_path);
  shot_args.push_back(url);
  ProcessResult shot = run(shot_args, 90);
  r.screenshot_exit = shot.exit_code;
  if (shot.exit_code != 0) r.error += shot.err;
  std::error_code ec;
  std::filesystem::remove_all(pattern, ec);
  return r;
}

std::string check_dom_shows_text(const std::string& dom, const std::string& hostile_escaped) {
  if (dom.find("<body") == std::string::npos) return "the page did not render (no <body> in the DOM)";
  if (dom.find("seccomp-audit report") == std::string::npos) return "the report title is missing";
  if (dom.find(hostile_escaped) == std::string::npos) return "the hostile name is not shown as text";
  if (dom.find("<img") != std::string::npos) return "an <img> element exists in the DOM";
  if (dom.find("<script") != std::string::npos) return "a <script> element exists in the DOM";
  // No element carries an event handler attribute (onerror=, onload=, ...).
  static const std::regex handler(R"(<[a-zA-Z][^>]*\son[a-z]+\s*=)");
  if (std::regex_search(dom, handler)) return "an element carries an event handler attribute";
  return "";
}

}  // namespace sc::refine::testing
