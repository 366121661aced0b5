// `seccomp-audit events`: what the daemon recorded, from <state_dir>/state.json. A running
// daemon writes that file every --flush_interval, so counts are at most that late.
#include <cstdio>
#include <ctime>
#include <string>
#include <system_error>

#include <nlohmann/json.hpp>

#include "audit/refine/arg_display.h"
#include "audit/refine/arg_names.h"
#include "state/coverage.h"
#include "audit/cli/commands.h"
#include "common/arch.h"
#include "common/paths.h"
#include "common/seccomp_ret.h"
#include "state/aggregate.h"
#include "state/state_file.h"
#include "bytes/untrusted.h"

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

// Recorded strings are any bytes: shown as bytes::display_text (valid UTF-8, invalid bytes and
// control characters as \xNN), in the table and in the JSON alike (the raw bytes stay in
// state.json).
std::string shown(const std::string& s) { return bytes::display_text(s); }

// The first `width` bytes of display text, not cutting a UTF-8 sequence.
std::string clip(const std::string& text, size_t width) {
  if (text.size() <= width) return text;
  size_t cut = width - 3;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "...";
}

// The argument record in JSON: each tuple's six values as hex strings (64-bit values do not
// survive a JSON reader's doubles), its symbolic text and count, and the calls not kept.
nlohmann::json args_json(const EventRow& r) {
  nlohmann::json tuples = nlohmann::json::array();
  for (const auto& [t, n] : r.stats->args->tuples) {
    nlohmann::json values = nlohmann::json::array();
    for (uint64_t v : t) values.push_back(refine::hex_value(v));
    tuples.push_back({{"values", values}, {"text", refine::tuple_text(r.stats->syscall, common::arch_name(r.key->arch), t)}, {"count", n}});
  }
  return {{"tuples", tuples}, {"dropped", r.stats->args->dropped}};
}

}  // namespace

Run add_events_command(CLI::App& app) {
  auto* sub = app.add_subcommand("events", "what the daemon recorded (from <state_dir>/state.json)");
  auto state_dir = std::make_shared<std::string>(common::kDefaultStateDir);
  auto container = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("table");
  auto args = std::make_shared<bool>(false);
  sub->add_option("--state_dir", *state_dir, "the daemon's state dir")->capture_default_str();
  sub->add_option("--container", *container, "only this container id");
  sub->add_option("--format", *format, "table or json")->capture_default_str()->check(CLI::IsMember({"table", "json"}));
  sub->add_flag("--args", *args,
                "under each verdict, the argument tuples the daemon recorded (hex and names, count, calls not "
                "kept); the JSON always carries them");
  sub->footer(
      "Counts come from state.json, which a running daemon rewrites every --flush_interval: they are at\n"
      "most one flush interval late. Exit codes: 0 ok, 1 state missing or unreadable, 2 usage.");
  return [state_dir, container, format, args] {
    std::string path = state_file_path(*state_dir);
    State state;
    try {
      state = read_state_file(*state_dir);  // the daemon's own format (state/state_file.h), changing nothing
    } catch (const std::system_error& e) {
      std::fprintf(stderr, "seccomp-audit events: cannot read %s: %s (is the daemon running with --state_dir=%s?)\n",
                   path.c_str(), e.code().message().c_str(), state_dir->c_str());
      return 1;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "seccomp-audit events: %s: %s\n", path.c_str(), e.what());
      return 1;
    }
    auto rows = event_rows(state, *container);
    if (*format == "json") {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& r : rows) {
        if (r.stats->count == 0) continue;  // sample-only rows (the owning source has not counted yet)
        nlohmann::json j = {{"container", shown(r.container->container_id)},
                            {"runtime", shown(r.container->runtime)},
                            {"name", shown(r.container->container_name)},
                            {"cgroup", shown(r.container->cgroup_path)},
                            {"syscall", shown(r.stats->syscall)},
                            {"nr", r.key->nr},
                            {"arch", common::arch_name(r.key->arch)},
                            {"action", common::action_text(r.key->action)},
                            {"errno", r.key->error >= 0 ? nlohmann::json(r.key->error) : nlohmann::json(nullptr)},
                            {"count", r.stats->count},
                            {"first_seen", iso_time(r.stats->first_seen_ns)},
                            {"last_seen", iso_time(r.stats->last_seen_ns)},
                            {"mode", shown(r.container->mode)},
                            {"profile", shown(r.container->profile_name)}};
        if (r.stats->would_be_action) j["would_be_action"] = common::action_text(*r.stats->would_be_action);
        if (r.stats->sample) {
          j["comm"] = shown(r.stats->sample->comm);
          j["exe"] = shown(r.stats->sample->exe);
          j["pid"] = r.stats->sample->pid;
        }
        if (r.stats->args) j["args"] = args_json(r);
        out.push_back(std::move(j));
      }
      std::printf("%s\n", out.dump(1).c_str());
      return 0;
    }
    std::printf("%-24s %-8s %-20s %-8s %-12s %5s %10s %-24s %-16s\n", "CONTAINER", "MODE", "SYSCALL", "ARCH",
                "ACTION", "ERRNO", "COUNT", "LAST SEEN", "COMM");
    for (const auto& r : rows) {
      if (r.stats->count == 0) continue;
      std::string id = clip(shown(r.container->container_id), 24);
      std::string mode = r.container->mode.empty() ? "-" : shown(r.container->mode);
      std::printf("%-24s %-8s %-20s %-8s %-12s %5s %10llu %-24s %-16s\n", id.c_str(), mode.c_str(),
                  shown(r.stats->syscall).c_str(), common::arch_name(r.key->arch).c_str(), common::action_text(r.key->action).c_str(),
                  r.key->error >= 0 ? std::to_string(r.key->error).c_str() : "-",
                  static_cast<unsigned long long>(r.stats->count), iso_time(r.stats->last_seen_ns).c_str(),
                  r.stats->sample ? shown(r.stats->sample->comm).c_str() : "");
      if (*args) {
        if (!r.stats->args) std::printf("    args: not recorded\n");
        else
          for (const auto& line : refine::record_lines(r.stats->syscall, common::arch_name(r.key->arch), *r.stats->args))
            std::printf("    args: %s\n", line.c_str());
      }
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
