// The HTML report in a real headless Chromium (Debian `chromium`): the rendered DOM and a
// screenshot. Chromium runs with a private, temporary profile dir and no network features.
#pragma once

#include <string>

namespace sc::refine::testing {

inline constexpr const char* kChromium = "/usr/bin/chromium";

struct BrowserResult {
  int dump_exit = -1;
  std::string dom;          // --dump-dom: the DOM after load, serialised
  int screenshot_exit = -1;
  std::string error;
};

// Loads file://`html_path`, dumps the DOM and writes a PNG screenshot to `png_path`.
BrowserResult open_in_chromium(const std::string& html_path, const std::string& png_path);

// Checks on a dumped DOM that `hostile` (e.g. "<img src=x onerror=alert(1)>") is shown as
// text and became no element: returns "" when all hold, else what failed.
std::string check_dom_shows_text(const std::string& dom, const std::string& hostile_escaped);

}  // namespace sc::refine::testing
