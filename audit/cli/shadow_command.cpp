// `seccomp-audit shadow start|results|stop|list`: shadow evaluation (state/shadow.h).
// The CLI never talks to the daemon directly: it writes or removes a durable request file
// in <state_dir>/shadow and reads the daemon's answer from <state_dir>/state.json, so a
// request made while the daemon is down is taken up when it starts, and survives restarts.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "audit/cli/commands.h"
#include "common/paths.h"
#include "audit/refine/profile_document.h"
#include "audit/refine/state_input.h"
#include "audit/refine/time_text.h"
#include "audit/report/report_model.h"
#include "common/arch.h"
#include "common/seccomp_ret.h"
#include "state/shadow.h"
#include "state/shadow_files.h"
#include "bytes/untrusted.h"
#include "isolator/compiler/filter.h"
#include "isolator/profile/parser.h"
#include "isolator/profile/resolver.h"

namespace sc::audit::cli {
namespace shadow_cli {  // named: the unity build puts other commands' helpers beside these
namespace {

struct ShadowFlags {
  std::string state_dir = refine::kDefaultStateDir;
  std::string name;
  std::string profile;
  std::vector<std::string> containers;
  bool all = false;
  std::string format = "text";
  std::string container;
  double wait_s = 15;
};

std::string shown(const std::string& s) { return bytes::display_text(s); }

// A usage-level error: printed as "seccomp-audit shadow: ..." by the dispatcher, exit 1.
[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

// state.json, or an empty State when the daemon never wrote one (the error of a corrupt one
// is thrown).
State read_state_if_any(const std::string& state_dir) {
  if (::access(common::state_file_path(state_dir).c_str(), F_OK) != 0) return State{};
  return refine::load_state(state_dir);
}

// Polls state.json until `done` holds for the named record or `wait_s` passes. The daemon
// takes requests up at its next rescan (--scan_interval) and writes them at once.
const ShadowRecord* wait_for(const std::string& state_dir, const std::string& name, double wait_s, State& state,
                             const std::function<bool(const ShadowRecord&)>& done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(wait_s);
  for (;;) {
    try {
      state = read_state_if_any(state_dir);
    } catch (const std::exception&) {
      state = State{};  // a torn read cannot happen (atomic rename); a corrupt file: try again
    }
    auto it = state.shadows.find(name);
    if (it != state.shadows.end() && done(it->second)) return &it->second;
    if (std::chrono::steady_clock::now() >= deadline) return nullptr;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::string containers_text(const ShadowRecord& r) {
  if (r.all) return "all";
  std::string out;
  for (const auto& c : r.containers) out += (out.empty() ? "" : ",") + shown(c);
  return out;
}

// --- start ---------------------------------------------------------------------------------

int run_start(const ShadowFlags& f) {
  if (auto e = shadow_name_error(f.name)) fail("--name: " + *e);
  if (f.all == !f.containers.empty()) fail("give either --container (one or more) or --all");
  for (const auto& c : f.containers)
    if (c.empty()) fail("--container: an empty container id");
  std::ifstream in(f.profile, std::ios::binary);
  if (!in) fail("--profile: cannot read " + shown(f.profile) + ": " + std::strerror(errno));
  std::string text((std::istreambuf_iterator<char>(in)), {});
  // The engine's own checks, now, so that a bad candidate is an error here and not a line in
  // the daemon's log (the daemon compiles it again per container, with its capabilities).
  try {
    profile::ResolveContext ctx;
    compiler::Filter(profile::resolve(profile::parse_profile(text), ctx), compiler::CompileOptions{});
  } catch (const std::exception& e) {
    fail("--profile " + shown(f.profile) + ": " + e.what());
  }
  if (::access(shadow_request_path(f.state_dir, f.name).c_str(), F_OK) == 0)
    fail("a shadow named '" + f.name + "' is running (" + shadow_request_path(f.state_dir, f.name) +
         "): stop it first (seccomp-audit shadow stop --name=" + f.name + ") or choose another name");
  ShadowRequest r;
  r.name = f.name;
  r.profile_path = f.profile;
  r.profile_text = text;
  r.profile_sha256 = refine::sha256_hex(text);
  r.containers = f.containers;
  r.all = f.all;
  r.requested_ns = refine::now_ns();
  write_shadow_request(f.state_dir, r);
  State state;
  const ShadowRecord* record = wait_for(f.state_dir, f.name, f.wait_s, state, [&](const ShadowRecord& rec) {
    return rec.requested_ns == r.requested_ns;
  });
  if (!record) {
    std::fprintf(stderr,
                 "seccomp-audit shadow: the daemon has not taken up the request within %.0f s (is it running with "
                 "--state_dir=%s?); it stays queued in %s and is taken up when the daemon starts\n",
                 f.wait_s, f.state_dir.c_str(), shadow_request_path(f.state_dir, f.name).c_str());
    return f.wait_s > 0 ? 3 : 0;
  }
  if (record->status == "refused") {
    (void)remove_shadow_request(f.state_dir, f.name);  // nothing to stop later
    fail("shadow " + f.name + " refused by the daemon: " + shown(record->detail));
  }
  std::printf("shadow %s: %s; candidate %s (sha256 %.12s)\n", f.name.c_str(), record->status.c_str(),
              shown(f.profile).c_str(), r.profile_sha256.c_str());
  std::printf("  shadowing %zu container(s)", record->targets.size());
  std::vector<std::string> waiting;
  for (const auto& c : f.containers)
    if (!record->targets.count(c)) waiting.push_back(c);
  if (f.all) std::printf(" (all watched containers, and those that start later)");
  std::printf("\n");
  for (const auto& c : waiting)
    std::printf("  container %s is not watched yet: it is shadowed from when it is\n", shown(c).c_str());
  if (!record->detail.empty()) std::printf("  note: %s\n", shown(record->detail).c_str());
  std::printf("  results: seccomp-audit shadow results --name=%s --state_dir=%s\n", f.name.c_str(), f.state_dir.c_str());
  return 0;
}

// --- stop ----------------------------------------------------------------------------------

int run_stop(const ShadowFlags& f) {
  if (auto e = shadow_name_error(f.name)) fail("--name: " + *e);
  if (!remove_shadow_request(f.state_dir, f.name)) {
    State state = read_state_if_any(f.state_dir);
    auto it = state.shadows.find(f.name);
    if (it != state.shadows.end() && it->second.status != "active") {
      std::printf("shadow %s: already %s\n", f.name.c_str(), it->second.status.c_str());
      return 0;
    }
    fail("no shadow named '" + f.name + "' (no request " + shadow_request_path(f.state_dir, f.name) + ")");
  }
  State state;
  const ShadowRecord* record =
      wait_for(f.state_dir, f.name, f.wait_s, state, [](const ShadowRecord& rec) { return rec.status != "active"; });
  if (!record) {
    std::fprintf(stderr,
                 "seccomp-audit shadow: request removed; the daemon has not written the final results within %.0f s "
                 "(it does at its next rescan)\n",
                 f.wait_s);
    return f.wait_s > 0 ? 3 : 0;
  }
  uint64_t calls = 0;
  for (const auto& row : record->rows) calls += row.count;
  std::printf("shadow %s: %s; %zu result row(s), %llu call(s) kept\n", f.name.c_str(), record->status.c_str(),
              record->rows.size(), static_cast<unsigned long long>(calls));
  return 0;
}

// --- results -------------------------------------------------------------------------------

nlohmann::json errno_json(int32_t e) { return e >= 0 ? nlohmann::json(e) : nlohmann::json(nullptr); }

int run_results(const ShadowFlags& f) {
  if (auto e = shadow_name_error(f.name)) fail("--name: " + *e);
  State state = read_state_if_any(f.state_dir);
  auto it = state.shadows.find(f.name);
  if (it == state.shadows.end()) {
    if (::access(shadow_request_path(f.state_dir, f.name).c_str(), F_OK) == 0)
      fail("shadow '" + f.name + "' is requested but the daemon has not taken it up yet (is it running with --state_dir=" +
           f.state_dir + "?)");
    std::string known;
    for (const auto& [n, r] : state.shadows) known += (known.empty() ? "" : ", ") + n;
    fail("no shadow named '" + f.name + "' in " + f.state_dir + "/state.json" +
         (known.empty() ? std::string(" (none recorded)") : " (recorded: " + known + ")"));
  }
  const ShadowRecord& r = it->second;
  std::vector<const ShadowRow*> rows;
  for (const auto& row : r.rows)
    if (f.container.empty() || row.container == f.container) rows.push_back(&row);
  auto order = [](const ShadowRow* r) {  // by the words shown
    return std::tuple(r->container, r->syscall, common::arch_name(r->arch), common::action_text(r->current),
                      common::action_text(r->candidate));
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const ShadowRow* a, const ShadowRow* b) { return order(a) < order(b); });
  if (f.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const ShadowRow* row : rows)
      out.push_back({{"container", shown(row->container)},
                     {"syscall", shown(row->syscall)},
                     {"nr", row->nr},
                     {"arch", common::arch_name(row->arch)},
                     {"current", common::action_text(row->current)},
                     {"current_errno", errno_json(row->current_errno)},
                     {"candidate", common::action_text(row->candidate)},
                     {"errno", errno_json(row->candidate_errno)},
                     {"count", row->count}});
    std::printf("%s\n", out.dump(1).c_str());
    if (r.lost > 0)
      std::fprintf(stderr, "seccomp-audit shadow: %llu call(s) of shadow %s were not counted (the kernel's shadow map was full)\n",
                   static_cast<unsigned long long>(r.lost), f.name.c_str());
    return 0;
  }
  std::printf("shadow %s: %s%s%s\n", f.name.c_str(), r.status.c_str(), r.detail.empty() ? "" : ": ",
              shown(r.detail).c_str());
  std::printf("  candidate  %s (sha256 %.12s)\n", shown(r.profile_path).c_str(), r.profile_sha256.c_str());
  std::printf("  containers %s (%zu shadowed)\n", containers_text(r).c_str(), r.targets.size());
  std::printf("  since      %s%s%s\n", refine::utc_time(r.started_ns).c_str(), r.stopped_ns ? ", stopped " : "",
              r.stopped_ns ? refine::utc_time(r.stopped_ns).c_str() : "");
  std::printf("  lost       %llu call(s) not counted%s\n", static_cast<unsigned long long>(r.lost),
              r.lost ? " (the kernel's shadow map was full): counts are lower bounds" : "");
  std::printf("  as of      %s (the daemon writes every --flush_interval)\n\n", refine::utc_time(state.last_flush_ns).c_str());
  if (rows.empty()) {
    std::printf("no calls counted yet\n");
    return 0;
  }
  std::printf("%-24s %-20s %-7s %-16s %-16s %10s\n", "CONTAINER", "SYSCALL", "ARCH", "CURRENT", "CANDIDATE", "COUNT");
  for (const ShadowRow* row : rows) {
    std::string marker = row->candidate == row->current && row->candidate_errno == row->current_errno ? "" : "  *";
    std::printf("%-24s %-20s %-7s %-16s %-16s %10llu%s\n", shown(row->container).c_str(), shown(row->syscall).c_str(),
                common::arch_name(row->arch).c_str(), report::action_label(row->current, row->current_errno).c_str(),
                report::action_label(row->candidate, row->candidate_errno).c_str(), static_cast<unsigned long long>(row->count),
                marker.c_str());
  }
  std::printf("\n* the candidate decides differently; 'unknown': it depends on arguments a denied call did not show\n");
  return 0;
}

// --- list ----------------------------------------------------------------------------------

int run_list(const ShadowFlags& f) {
  State state = read_state_if_any(f.state_dir);
  ShadowRequests requests = read_shadow_requests(f.state_dir);
  std::set<std::string> names;
  for (const auto& [n, r] : state.shadows) names.insert(n);
  for (const auto& [n, r] : requests.valid) names.insert(n);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& n : names) {
    auto rec = state.shadows.find(n);
    auto req = requests.valid.find(n);
    bool pending = req != requests.valid.end() &&
                   (rec == state.shadows.end() || rec->second.requested_ns != req->second.requested_ns);
    nlohmann::json j;
    j["name"] = n;
    if (pending) {
      j["status"] = "pending";
      j["profile"] = shown(req->second.profile_path);
      j["containers"] = req->second.all ? "all" : std::to_string(req->second.containers.size()) + " requested";
      j["started"] = nullptr;
      j["shadowed"] = 0;
      j["calls"] = 0;
      j["lost"] = 0;
      j["detail"] = "not taken up by the daemon yet";
    } else {
      const ShadowRecord& r = rec->second;
      uint64_t calls = 0;
      for (const auto& row : r.rows) calls += row.count;
      j["status"] = r.status;
      j["profile"] = shown(r.profile_path);
      j["containers"] = containers_text(r);
      j["started"] = refine::utc_time(r.started_ns);
      j["shadowed"] = r.targets.size();
      j["calls"] = calls;
      j["lost"] = r.lost;
      j["detail"] = shown(r.detail);
    }
    out.push_back(std::move(j));
  }
  if (f.format == "json") {
    std::printf("%s\n", out.dump(1).c_str());
  } else if (out.empty()) {
    std::printf("no shadows (start one: seccomp-audit shadow start --name=NAME --profile=FILE --container=ID)\n");
  } else {
    std::printf("%-20s %-9s %-30s %-9s %10s %8s  %s\n", "NAME", "STATUS", "CANDIDATE", "SHADOWED", "CALLS", "LOST", "DETAIL");
    for (const auto& j : out)
      std::printf("%-20s %-9s %-30s %-9s %10llu %8llu  %s\n", j["name"].get<std::string>().c_str(),
                  j["status"].get<std::string>().c_str(), j["profile"].get<std::string>().c_str(),
                  std::to_string(j["shadowed"].get<size_t>()).c_str(),
                  static_cast<unsigned long long>(j["calls"].get<uint64_t>()),
                  static_cast<unsigned long long>(j["lost"].get<uint64_t>()), j["detail"].get<std::string>().c_str());
  }
  for (const auto& [path, error] : requests.bad)
    std::fprintf(stderr, "seccomp-audit shadow: request %s is ignored by the daemon: %s\n", shown(path).c_str(),
                 error.c_str());
  return 0;
}

}  // namespace
}  // namespace shadow_cli

Run add_shadow_command(CLI::App& app) {
  using namespace shadow_cli;
  auto flags = std::make_shared<ShadowFlags>();
  auto chosen = std::make_shared<Run>();
  CLI::App* shadow = app.add_subcommand(
      "shadow", "Shadow evaluation: what a candidate profile would do to running containers, live, with no restart");
  shadow->require_subcommand(1);
  shadow->footer(
      "The daemon (seccomp-audit run, with the BPF tracer's syscall hooks live) counts every call of the shadowed\n"
      "containers by what their own filter did and what the candidate would do. Requests are files in\n"
      "<state_dir>/shadow: they survive restarts. Exit codes: 0 ok, 1 error or refused, 2 usage,\n"
      "3 the daemon did not answer within --wait (the request stays queued).");
  auto state_dir = [&](CLI::App* sub) {
    sub->add_option("--state_dir", flags->state_dir, "The daemon's state dir")->capture_default_str();
  };
  auto name = [&](CLI::App* sub) {
    sub->add_option("--name", flags->name, "The shadow's name: letters, digits, '.', '_', '-'")->required();
  };
  auto wait = [&](CLI::App* sub) {
    sub->add_option("--wait", flags->wait_s, "Seconds to wait for the daemon's answer (0: do not wait)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
  };

  CLI::App* start = shadow->add_subcommand("start", "Shadow a candidate profile on running containers");
  name(start);
  start->add_option("--profile", flags->profile, "The candidate profile (Docker or Mesos JSON); its text is copied")
      ->required();
  auto* containers = start->add_option("--container", flags->containers, "A container id to shadow (repeatable)");
  auto* all = start->add_flag("--all", flags->all, "Every watched container, now and those that start later");
  containers->excludes(all);
  all->excludes(containers);
  state_dir(start);
  wait(start);
  start->callback([chosen, flags] { *chosen = [flags] { return run_start(*flags); }; });

  CLI::App* results = shadow->add_subcommand("results", "Per container and call: current action, candidate action, count");
  name(results);
  results->add_option("--format", flags->format, "text or json")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  results->add_option("--container", flags->container, "Only this container");
  state_dir(results);
  results->callback([chosen, flags] { *chosen = [flags] { return run_results(*flags); }; });

  CLI::App* stop = shadow->add_subcommand("stop", "Stop a shadow; its results are kept");
  name(stop);
  state_dir(stop);
  wait(stop);
  stop->callback([chosen, flags] { *chosen = [flags] { return run_stop(*flags); }; });

  CLI::App* list = shadow->add_subcommand("list", "Every shadow: requested, active, stopped or refused");
  list->add_option("--format", flags->format, "text or json")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  state_dir(list);
  list->callback([chosen, flags] { *chosen = [flags] { return run_list(*flags); }; });

  return [chosen] { return (*chosen)(); };
}

}  // namespace sc::audit::cli
