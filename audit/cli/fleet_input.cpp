#include "audit/cli/fleet_input.h"

#include <map>
#include <stdexcept>

#include "audit/fleet/prometheus_client.h"
#include "audit/fleet/prometheus_recording.h"
#include "audit/fleet/state_files.h"
#include "audit/refine/profile_document.h"
#include "bytes/untrusted.h"

namespace sc::audit::cli {

void add_fleet_options(CLI::App* sub, FleetFlags& flags, const std::vector<CLI::Option*>& local) {
  auto* prom = sub->add_option("--prometheus", flags.prometheus,
                               "The fleet as a Prometheus server at URL sees it: every instance exporting a container "
                               "that ran the --profile FILE's digest (needs --profile=FILE)");
  auto* files = sub->add_option("--state_file", flags.state_files,
                                "The fleet offline: a state.json copied from a host; repeat once per host (needs "
                                "--profile=FILE)")
                    ->allow_extra_args(false);
  auto* digest = sub->add_option("--profile_sha256", flags.profile_sha256,
                                 "With --prometheus/--state_file: select the containers that ran this sha256 (e.g. the "
                                 "version before an edit) instead of the --profile FILE's own");
  prom->excludes(files);
  files->excludes(prom);
  for (CLI::Option* o : local) {
    prom->excludes(o);
    files->excludes(o);
  }
  (void)digest;
}

std::unique_ptr<FleetSelection> select_fleet(const FleetFlags& flags, const std::string& profile_file) {
  if (profile_file.empty())
    throw CLI::ValidationError("--profile", "--prometheus and --state_file need --profile=FILE (the profile file)");
  auto out = std::make_unique<FleetSelection>();
  std::string digest = flags.profile_sha256;
  if (digest.empty()) {
    refine::ProfileDocument doc = refine::load_document(profile_file);  // throws naming the file
    digest = refine::sha256_hex(doc.text);
  } else if (digest.size() != 64 || digest.find_first_not_of("0123456789abcdef") != std::string::npos) {
    throw CLI::ValidationError("--profile_sha256", "'" + bytes::display_text(digest) + "' is not 64 lower-case hex digits");
  }
  std::vector<fleet::HostRecording> recordings;
  if (!flags.prometheus.empty()) {
    fleet::PrometheusClient client(flags.prometheus);
    recordings = fleet::recordings_from_prometheus(client, digest);
    out->from_prometheus = true;
  } else {
    recordings = fleet::load_state_files(flags.state_files);
  }
  out->fleet = fleet::merge_fleet(std::move(recordings));
  out->digest = digest;
  out->group = fleet::select_digest(out->fleet, digest, profile_file);
  out->hosts = fleet::hosts_of(out->group);
  if (out->from_prometheus)
    out->fleet.notes.push_back(
        "Prometheus carries counts per (syscall, arch, action), not the calls' argument tuples nor samples: "
        "syscalls the profile judges by their arguments are allowed by name (merge the hosts' state files for "
        "argument conditions)");
  return out;
}

std::string fleet_summary(const FleetSelection& s, const std::string& profile_file) {
  std::map<std::string, std::vector<std::string>> by_host;
  for (const auto* c : s.group.containers) {
    // The container's own id, without the "@host" the merge added.
    std::string id = c->container_id.substr(0, c->container_id.size() - c->host.size() - 1);
    by_host[c->host].push_back(id + (c->workload.empty() ? "" : " [" + c->workload + "]"));
  }
  std::string out = "fleet: " + std::to_string(s.hosts.size()) + " host" + (s.hosts.size() == 1 ? "" : "s") + ", " +
                    std::to_string(s.group.containers.size()) + " container" +
                    (s.group.containers.size() == 1 ? "" : "s") + " ran sha256 " + s.digest.substr(0, 12) + "... (" +
                    profile_file + ")" + (s.from_prometheus ? " per Prometheus" : " per the state files") + ":";
  bool first_host = true;
  for (const auto& [host, ids] : by_host) {
    out += std::string(first_host ? " " : "; ") + bytes::display_text(host) + " (";
    for (size_t i = 0; i < ids.size(); ++i) out += (i ? ", " : "") + bytes::display_text(ids[i]);
    out += ")";
    first_host = false;
  }
  return out;
}

}  // namespace sc::audit::cli
