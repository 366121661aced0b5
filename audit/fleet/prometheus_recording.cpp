#include "audit/fleet/prometheus_recording.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <optional>
#include <stdexcept>
#include <tuple>

#include "audit/refine/syscall_names.h"
#include "common/arch.h"
#include "common/seccomp_ret.h"

namespace sc::fleet {
namespace {

using Labels = std::map<std::string, std::string>;

// What the exporter writes for an errno (metrics/verdict_series.cpp errno_label): the C
// library's name, or the number when it has none. Back to the number; -1 when unknown.
int32_t errno_from_label(const std::string& label) {
  if (label.empty()) return -1;
  for (int32_t e = 0; e < 4096; ++e)
    if (const char* name = strerrorname_np(e); name && label == name) return e;
  try {
    size_t used = 0;
    int v = std::stoi(label, &used);
    if (used == label.size() && v >= 0) return v;
  } catch (const std::exception&) {
  }
  return -1;
}

uint64_t count_of(const PromSample& s, const std::string& what) {
  if (!std::isfinite(s.value) || s.value < 0)
    throw std::runtime_error("prometheus: " + what + " has value " + std::to_string(s.value) + ", not a count");
  return static_cast<uint64_t>(std::llround(s.value));
}

int64_t ns_of(double seconds) {
  if (!std::isfinite(seconds) || seconds <= 0) return 0;
  return static_cast<int64_t>(std::llround(seconds * 1e9));
}

std::vector<std::string> capability_list(const std::string& label) {
  std::vector<std::string> out;
  if (label == "none") return out;
  size_t at = 0;
  while (at <= label.size()) {
    size_t comma = label.find(',', at);
    if (comma == std::string::npos) comma = label.size();
    if (comma > at) out.push_back(label.substr(at, comma - at));
    at = comma + 1;
  }
  return out;
}

// The series labels that identify a verdict within one container (what the exporter groups by).
using SeriesKey = std::tuple<std::string, std::string, std::string, std::string, std::string, std::string>;
SeriesKey series_key(const PromSample& s) {
  return {s.label("instance"), s.label("container"), s.label("syscall"), s.label("action"), s.label("arch"),
          s.label("errno")};
}

class Rebuild {
 public:
  Rebuild(const PrometheusClient& client, const std::string& digest) : client_(client), digest_(digest) {}

  std::vector<HostRecording> run() {
    const std::string sel = "{profile_sha256=" + promql_string(digest_) + "}";
    for (const auto& s : client_.query("seccomp_container_info" + sel)) add_container(s);
    if (hosts_.empty())
      throw std::runtime_error("prometheus '" + client_.url() + "': no instance exports a container running profile sha256 " +
                               digest_ + " (seccomp_container_info{profile_sha256=...} is empty: is the daemon " +
                               "scraped, and did a container run this version of the file within its metrics retention?)");
    host_health();
    container_times(sel);
    verdicts(sel);
    std::vector<HostRecording> out;
    for (auto& [host, h] : hosts_) out.push_back(std::move(h));
    return out;
  }

 private:
  HostRecording& host(const std::string& instance) {
    auto [it, created] = hosts_.try_emplace(instance);
    if (created) it->second.host = instance;
    return it->second;
  }
  // Series of an instance as one job scrapes it: a target scraped by two jobs would otherwise
  // have every count twice. The job is the one its first seccomp_container_info came from.
  bool same_job(const PromSample& s) const {
    auto j = job_.find(s.label("instance"));
    return j != job_.end() && j->second == s.label("job");
  }
  audit::ContainerRecord* container(const PromSample& s) {
    if (!same_job(s)) return nullptr;
    auto h = hosts_.find(s.label("instance"));
    if (h == hosts_.end()) return nullptr;
    auto c = h->second.state.containers.find(s.label("container"));
    return c == h->second.state.containers.end() ? nullptr : &c->second;
  }

  void add_container(const PromSample& s) {
    const std::string& instance = s.label("instance");
    const std::string& id = s.label("container");
    if (instance.empty() || id.empty())
      throw std::runtime_error("prometheus '" + client_.url() + "': seccomp_container_info without instance or container label");
    auto [job, first] = job_.try_emplace(instance, s.label("job"));
    if (!first && job->second != s.label("job")) {
      std::string note = "instance " + instance + " is scraped by jobs '" + job->second + "' and '" + s.label("job") +
                         "': only the series of '" + job->second + "' are read";
      auto& notes = host(instance).notes;
      if (std::find(notes.begin(), notes.end(), note) == notes.end()) notes.push_back(std::move(note));  // once, not per container
      return;
    }
    audit::ContainerRecord& c = host(instance).state.containers[id];
    c.container_id = id;
    c.host = instance;
    c.mode = s.label("mode") == "unknown" ? "" : s.label("mode");
    c.profile_name = s.label("profile");
    c.profile_sha256 = digest_;
    c.runtime = s.label("runtime");
    c.workload = s.label("workload");
    if (s.labels.count("capabilities")) c.capabilities = capability_list(s.label("capabilities"));
  }

  // Per instance: sources (for coverage and losses), the tracer's hooks, the last flush (the
  // readiness reference), the native arch (series without an arch label), scrape health.
  void host_health() {
    auto each = [&](const std::string& q, auto f) {
      for (const auto& s : client_.query(q))
        if (auto it = hosts_.find(s.label("instance")); it != hosts_.end() && same_job(s)) f(it->second, s);
    };
    each("seccomp_build_info", [&](HostRecording& h, const PromSample& s) { native_[h.host] = s.label("native_arch"); });
    each("seccomp_state_last_flush_timestamp_seconds",
         [](HostRecording& h, const PromSample& s) { h.state.last_flush_ns = ns_of(s.value); });
    each("seccomp_source_up", [](HostRecording& h, const PromSample& s) { h.state.sources[s.label("source")].live = s.value == 1; });
    each("seccomp_source_info",
         [](HostRecording& h, const PromSample& s) { h.state.sources[s.label("source")].detail = s.label("detail"); });
    each("seccomp_source_events_total",
         [](HostRecording& h, const PromSample& s) { h.state.sources[s.label("source")].events = count_of(s, "seccomp_source_events_total"); });
    each("seccomp_source_lost_total",
         [](HostRecording& h, const PromSample& s) { h.state.sources[s.label("source")].lost = count_of(s, "seccomp_source_lost_total"); });
    each("seccomp_source_samples_dropped_total", [](HostRecording& h, const PromSample& s) {
      h.state.sources[s.label("source")].samples_dropped = count_of(s, "seccomp_source_samples_dropped_total");
    });
    // The hooks are the tracer's (state/coverage.cpp reads them under source "bpf").
    each("seccomp_tracer_hook_live", [](HostRecording& h, const PromSample& s) {
      h.state.sources["bpf"].hooks.push_back({s.label("hook"), s.value == 1, s.label("serves"), ""});
    });
    // Calls no container was found for, on that host (coverage: "not attributed").
    each("sum by (instance, job) (seccomp_verdicts_total{container=~\"unattributed|cgroup:.*\"})",
         [](HostRecording& h, const PromSample& s) {
           audit::ContainerRecord& u = h.state.containers["unattributed"];
           u.container_id = "unattributed";
           u.host = h.host;
           u.verdicts[{0, 0, common::Action::Unknown, -1}].count = count_of(s, "unattributed verdicts");
         });
    each("up", [](HostRecording& h, const PromSample& s) {
      if (s.value != 1)
        h.notes.push_back("the last scrape of " + h.host + " failed (up=0): its numbers are those of its last good scrape");
    });
    for (auto& [name, h] : hosts_)
      if (native_[name].empty())
        throw std::runtime_error("prometheus '" + client_.url() + "': instance " + name +
                                 " exports no seccomp_build_info (native_arch): its series without an arch label cannot be read");
  }

  void container_times(const std::string& sel) {
    const std::string join = " and on(instance, container) seccomp_container_info" + sel;
    for (const auto& s : client_.query("seccomp_container_first_seen_timestamp_seconds" + join))
      if (auto* c = container(s)) c->first_seen_ns = ns_of(s.value);
    for (const auto& s : client_.query("seccomp_container_last_seen_timestamp_seconds" + join))
      if (auto* c = container(s)) c->last_seen_ns = ns_of(s.value);
    for (const auto& s : client_.query("seccomp_container_exited_timestamp_seconds" + join))
      if (auto* c = container(s)) c->exited_at_ns = ns_of(s.value);
  }

  void verdicts(const std::string& sel) {
    std::map<SeriesKey, double> first, last;
    for (const auto& s : client_.query("seccomp_verdict_first_seen_timestamp_seconds" + sel))
      if (same_job(s)) first[series_key(s)] = s.value;
    for (const auto& s : client_.query("seccomp_verdict_last_seen_timestamp_seconds" + sel))
      if (same_job(s)) last[series_key(s)] = s.value;
    // The exporter's action labels are action words (metrics::action_label); one that is not
    // (another exporter's) is left out: the would-be verdict is then not known.
    std::map<std::tuple<std::string, std::string, std::string, std::string>, common::Action> would_be;
    for (const auto& s : client_.query("seccomp_would_be_denials_total" + sel))
      if (s.value > 0 && same_job(s))
        if (auto a = common::action_from_text(s.label("would_be_action")))
          would_be[{s.label("instance"), s.label("container"), s.label("syscall"), s.label("arch")}] = *a;
    for (const auto& s : client_.query("seccomp_verdicts_total" + sel)) {
      audit::ContainerRecord* c = container(s);
      if (!c) continue;  // a container whose info series left between the two queries
      HostRecording& h = hosts_.at(c->host);
      const uint64_t n = count_of(s, "seccomp_verdicts_total");
      const std::string& name = s.label("syscall");
      const std::string arch = s.label("arch").empty() ? native_.at(c->host) : s.label("arch");
      std::optional<int32_t> nr;
      if (name == "other") {
        h.calls_not_covered += n;
        h.notes.push_back(std::to_string(n) + " " + s.label("action") + " call(s) of container " + c->container_id +
                          " on " + h.host + " were folded into syscall=\"other\" by its exporter's series cap " +
                          "(--metrics_max_series): their syscalls are unknown here and the patch does not cover them; " +
                          "merge that host's state file instead");
        continue;
      }
      if (!name.empty() && name[0] == '#') {
        try { nr = std::stoi(name.substr(1)); } catch (const std::exception&) {}
      } else {
        nr = refine::syscall_number(arch, name);
      }
      if (!nr) {
        h.calls_not_covered += n;
        h.notes.push_back("syscall '" + name + "' on " + arch + " (container " + c->container_id + " on " + h.host +
                          ") has no number in this build's tables: not merged");
        continue;
      }
      auto arch_value = common::arch_from_text(arch);
      auto action = common::action_from_text(s.label("action"));
      if (!arch_value || !action) {
        h.calls_not_covered += n;
        h.notes.push_back("series of syscall '" + name + "' (container " + c->container_id + " on " + h.host +
                          ") has an " + (arch_value ? "action '" + s.label("action") + "'" : "arch '" + arch + "'") +
                          " this build does not know: not merged");
        continue;
      }
      audit::VerdictKey key{*arch_value, *nr, *action, errno_from_label(s.label("errno"))};
      audit::VerdictStats& v = c->verdicts[key];
      v.syscall = name;
      v.count += n;
      v.first_seen_ns = ns_of(first[series_key(s)]);
      v.last_seen_ns = ns_of(last[series_key(s)]);
      if (key.action == common::Action::Log)
        if (auto w = would_be.find({c->host, c->container_id, name, s.label("arch")}); w != would_be.end())
          v.would_be_action = w->second;
    }
  }

  const PrometheusClient& client_;
  const std::string digest_;
  std::map<std::string, HostRecording> hosts_;
  std::map<std::string, std::string> native_;
  std::map<std::string, std::string> job_;  // instance -> the job its series are read from
};

}  // namespace

std::vector<HostRecording> recordings_from_prometheus(const PrometheusClient& client, const std::string& digest) {
  return Rebuild(client, digest).run();
}

}  // namespace sc::fleet
