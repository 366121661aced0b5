// `seccomp-audit events`: what the daemon recorded, from <state_dir>/state.json. A running
// daemon writes that file every --flush_interval, so counts are at most that late.
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "audit/state/coverage.h"
#include "audit/cli/commands.h"
#include "audit/state/aggregate.h"

namespace sc::audit::cli {
namespace {

std::string iso_time(int64_t ns) {
  if (ns <= 0) return "";
  time_t secs = static_cast<time_t>(ns / 1000000000);
  tm t{};
  gmtime_r(&secs, &t);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", t.tm_year + 1900, t.tm_mon + 1,
                t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, static_cast<int>((ns / 1000000) % 1000));
  return buffer;
}

// Terminal-safe text: bytes outside printable ASCII (and backslash) as \xNN.
std::string printable(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f && c != '\\') out += static_cast<char>(c);
    else {
      char b[5];
      std::snprintf(b, sizeof b, "\\x%02x", c);
      out += b;
    }
  }
  return out;
}

// JSON needs UTF-8: invalid bytes are shown as \xNN escapes (the raw bytes stay in state.json).
std::string json_safe(const std::string& s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 0x2;
    if (ok) {
      out.append(s, i, len);
      i += len;
    } else {
      char b[5];
      std::snprintf(b, sizeof b, "\\x%02x", c);
      out += b;
      ++i;
    }
  }
  return out;
}

}  // namespace

Run add_events_command(CLI::App& app) {
  auto* sub = app.add_subcommand("events", "what the daemon recorded (from <state_dir>/state.json)");
  auto state_dir = std::make_shared<std::string>("/var/lib/seccomp-companion");
  auto container = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("table");
  sub->add_option("--state_dir", *state_dir, "the daemon's state dir")->capture_default_str();
  sub->add_option("--container", *container, "only this container id");
  sub->add_option("--format", *format, "table or json")->capture_default_str()->check(CLI::IsMember({"table", "json"}));
  sub->footer(
      "Counts come from state.json, which a running daemon rewrites every --flush_interval: they are at\n"
      "most one flush interval late. Exit codes: 0 ok, 1 state missing or unreadable, 2 usage.");
  return [state_dir, container, format] {
    std::string path = *state_dir + "/state.json";
    std::ifstream in(path);
    if (!in) {
      std::fprintf(stderr, "seccomp-audit events: cannot read %s: %s (is the daemon running with --state_dir=%s?)\n",
                   path.c_str(), std::strerror(errno), state_dir->c_str());
      return 1;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    State state;
    try {
      state = from_json_text(buffer.str());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "seccomp-audit events: %s: %s\n", path.c_str(), e.what());
      return 1;
    }
    auto rows = event_rows(state, *container);
    if (*format == "json") {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& r : rows) {
        if (r.stats->count == 0) continue;  // sample-only rows (the owning source has not counted yet)
        nlohmann::json j = {{"container", json_safe(r.container->container_id)},
                            {"runtime", r.container->runtime},
                            {"cgroup", json_safe(r.container->cgroup_path)},
                            {"syscall", r.stats->syscall},
                            {"nr", r.key->nr},
                            {"arch", r.key->arch},
                            {"action", r.key->action},
                            {"errno", r.key->error >= 0 ? nlohmann::json(r.key->error) : nlohmann::json(nullptr)},
                            {"count", r.stats->count},
                            {"first_seen", iso_time(r.stats->first_seen_ns)},
                            {"last_seen", iso_time(r.stats->last_seen_ns)},
                            {"mode", r.container->mode},
                            {"profile", r.container->profile_name}};
        if (!r.stats->would_be_action.empty()) j["would_be_action"] = r.stats->would_be_action;
        if (r.stats->sample) {
          j["comm"] = json_safe(r.stats->sample->comm);
          j["exe"] = json_safe(r.stats->sample->exe);
          j["pid"] = r.stats->sample->pid;
        }
        out.push_back(std::move(j));
      }
      std::printf("%s\n", out.dump(1).c_str());
      return 0;
    }
    std::printf("%-24s %-8s %-20s %-8s %-12s %5s %10s %-24s %-16s\n", "CONTAINER", "MODE", "SYSCALL", "ARCH",
                "ACTION", "ERRNO", "COUNT", "LAST SEEN", "COMM");
    for (const auto& r : rows) {
      if (r.stats->count == 0) continue;
      std::string id = printable(r.container->container_id);
      if (id.size() > 24) id = id.substr(0, 21) + "...";
      std::printf("%-24s %-8s %-20s %-8s %-12s %5s %10llu %-24s %-16s\n", id.c_str(),
                  r.container->mode.empty() ? "-" : r.container->mode.c_str(), r.stats->syscall.c_str(),
                  r.key->arch.c_str(), r.key->action.c_str(),
                  r.key->error >= 0 ? std::to_string(r.key->error).c_str() : "-",
                  static_cast<unsigned long long>(r.stats->count), iso_time(r.stats->last_seen_ns).c_str(),
                  r.stats->sample ? printable(r.stats->sample->comm).c_str() : "");
    }
    auto audit = state.sources.find("audit");
    if (audit != state.sources.end() && audit->second.lost > 0)
      std::printf("\nWARNING: the audit stream lost %llu record(s): counts from it are lower bounds.\n",
                  static_cast<unsigned long long>(audit->second.lost));
    if (Coverage cov = coverage_of(state); !cov.complete() || cov.unattributed_calls)
      std::printf("\nWARNING: recording %s\n", cov.summary().c_str());
    std::printf("\n(state as of %s; a running daemon writes it every flush interval)\n",
                iso_time(state.last_flush_ns).c_str());
    return 0;
  };
}

}  // namespace sc::audit::cli
