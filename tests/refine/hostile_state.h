// A recorded state whose every free-text field is hostile: container id, cgroup path,
// executable path, process name, and the profile's path and file name. The bytes are the
// classes that break reports: markup (<script>), Markdown table syntax (| and backticks), a
// newline, and each kind of invalid UTF-8 (a lone \xFF, the overlong '/' \xC0\xAF, the UTF-16
// surrogate \xED\xA0\x80, and \xF4\x90\x80\x80 above U+10FFFF). What each must look like
// once rendered is written out by hand below, not computed by the product.
#pragma once

#include <fstream>
#include <string>

#include "state/aggregate.h"
#include "tests/refine/recorded_state.h"

namespace sc::refine::testing {

inline const std::string kHostile = std::string("<script>alert(1)</script>|`x`\n") + "\xFF" + "\xC0\xAF" +
                                    "\xED\xA0\x80" + "\xF4\x90\x80\x80";

// kHostile in HTML text (and in Chromium's serialised DOM): markup as entities, the newline
// and each invalid byte as the four characters \xNN.
inline const std::string kHostileHtml =
    R"(&lt;script&gt;alert(1)&lt;/script&gt;|`x`\x0A\xFF\xC0\xAF\xED\xA0\x80\xF4\x90\x80\x80)";

// kHostile in Markdown text: markup as entities, Markdown punctuation backslash-escaped (so
// the | cannot end a cell), the newline as a space, and the \xNN's backslash doubled.
inline const std::string kHostileMarkdown =
    R"(&lt;script&gt;alert\(1\)&lt;/script&gt;\|\`x\` \\xFF\\xC0\\xAF\\xED\\xA0\\x80\\xF4\\x90\\x80\\x80)";

// The same classes in a file name (a file name cannot hold the '/' of </script>).
inline const std::string kHostileFile = std::string("<script>|`x`\n") + "\xFF" + "\xC0\xAF" + "\xED\xA0\x80" +
                                        "\xF4\x90\x80\x80";
inline const std::string kHostileFileHtml = R"(&lt;script&gt;|`x`\x0A\xFF\xC0\xAF\xED\xA0\x80\xF4\x90\x80\x80)";
inline const std::string kHostileFileMarkdown =
    R"(&lt;script&gt;\|\`x\` \\xFF\\xC0\\xAF\\xED\\xA0\\x80\\xF4\\x90\\x80\\x80)";

// RFC 3629's table of well-formed UTF-8, independently of the product's checker: the index
// of the first byte that is not part of a well-formed sequence, or npos.
inline size_t first_invalid_utf8(const std::string& s) {
  auto in = [](unsigned char c, unsigned lo, unsigned hi) { return c >= lo && c <= hi; };
  for (size_t i = 0; i < s.size();) {
    const unsigned char b = static_cast<unsigned char>(s[i]);
    auto at = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0; };
    size_t n = 0;
    if (b < 0x80) n = 1;
    else if (in(b, 0xC2, 0xDF) && in(at(1), 0x80, 0xBF)) n = 2;
    else if (b == 0xE0 && in(at(1), 0xA0, 0xBF) && in(at(2), 0x80, 0xBF)) n = 3;
    else if ((in(b, 0xE1, 0xEC) || in(b, 0xEE, 0xEF)) && in(at(1), 0x80, 0xBF) && in(at(2), 0x80, 0xBF)) n = 3;
    else if (b == 0xED && in(at(1), 0x80, 0x9F) && in(at(2), 0x80, 0xBF)) n = 3;
    else if (b == 0xF0 && in(at(1), 0x90, 0xBF) && in(at(2), 0x80, 0xBF) && in(at(3), 0x80, 0xBF)) n = 4;
    else if (in(b, 0xF1, 0xF3) && in(at(1), 0x80, 0xBF) && in(at(2), 0x80, 0xBF) && in(at(3), 0x80, 0xBF)) n = 4;
    else if (b == 0xF4 && in(at(1), 0x80, 0x8F) && in(at(2), 0x80, 0xBF) && in(at(3), 0x80, 0xBF)) n = 4;
    else return i;
    i += n;
  }
  return std::string::npos;
}

// A control character other than newline (a raw \x0A would be one, but HTML and Markdown
// need their own newlines): its index, or npos.
inline size_t first_control(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\n') || c == 0x7F) return i;
  }
  return std::string::npos;
}

struct HostileState {
  audit::State state;
  std::string profile_path;   // a real file (docker-default.json's text): <dir>/p<kHostileFile>.json
  std::string missing_path;   // a hostile path that does not exist: /nonexistent/<kHostile>/q<kHostileFile>.json
};

// Two containers: "<hostile>" under the hostile-named profile file, and "<hostile>-2" whose
// recorded profile path is hostile and missing (two profile groups, p... and q...). Each records acct (a would-be denial) by a
// process whose name and executable are hostile, and reboot with arguments.
inline HostileState hostile_state(const std::string& dir) {
  HostileState h;
  h.profile_path = dir + "/p" + kHostileFile + ".json";
  {
    std::ifstream in(shared_profile("docker-default.json"), std::ios::binary);
    std::ofstream out(h.profile_path, std::ios::binary);
    out << in.rdbuf();
  }
  h.missing_path = "/nonexistent/" + kHostile + "/q" + kHostileFile + ".json";
  h.state.last_flush_ns = kT0;
  h.state.sources["audit"] = {true, "netlink multicast group", 42, 0};
  int n = 0;
  for (const auto& path : {h.profile_path, h.missing_path}) {
    auto c = container(kHostile + (n ? "-2" : ""), path,
                       {Call("acct", "log", 12, kT0 - 40 * kHour, kT0 - 2 * kHour, kHostile),
                        Call("reboot", "log", 1, kT0 - 30 * kHour, kT0 - 30 * kHour, kHostile, {0xfee1dead, 0x28121969})});
    c.cgroup_path = "/" + kHostile + "/" + kHostile;
    c.runtime = "podman";
    for (auto& [key, v] : c.verdicts) v.sample->exe = "/usr/bin/" + kHostile;
    h.state.containers[c.container_id] = c;
    ++n;
  }
  return h;
}

}  // namespace sc::refine::testing
