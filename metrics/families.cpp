#include "metrics/families.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <utility>

#include "common/arch.h"
#include "metrics/label_value.h"
#include "metrics/shadow_series.h"
#include "metrics/verdict_series.h"

namespace sc::metrics {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricType;
using Labels = std::vector<std::pair<std::string, std::string>>;

enum class Combine { Sum, Min, Max };

// One family under construction. Series whose sanitised labels coincide are combined, so the
// exposition never has duplicate series whatever bytes the state holds.
class Family {
 public:
  Family(std::string name, std::string help, MetricType type, Combine combine)
      : name_(std::move(name)), help_(std::move(help)), type_(type), combine_(combine) {}

  void add(const Labels& labels, double value) {
    std::vector<ClientMetric::Label> key;
    for (const auto& [n, v] : labels) key.push_back({n, utf8_label_value(v)});
    auto [it, inserted] = series_.try_emplace(std::move(key), value);
    if (inserted) return;
    double& have = it->second;
    switch (combine_) {
      case Combine::Sum: have += value; break;
      case Combine::Min: have = std::min(have, value); break;
      case Combine::Max: have = std::max(have, value); break;
    }
  }

  prometheus::MetricFamily done() const {
    prometheus::MetricFamily f{name_, help_, type_, {}};
    for (const auto& [labels, value] : series_) {
      ClientMetric m;
      m.label = labels;
      if (type_ == MetricType::Counter) m.counter.value = value;
      else m.gauge.value = value;
      f.metric.push_back(std::move(m));
    }
    return f;
  }

  const std::string& name() const { return name_; }

 private:
  std::string name_, help_;
  MetricType type_;
  Combine combine_;
  std::map<std::vector<ClientMetric::Label>, double> series_;
};

double seconds(int64_t ns) { return static_cast<double>(ns) / 1e9; }

// The labels every series of one container carries: its id, and (when known) the digest of
// the profile it runs and its workload. Both are constant per container, so they add no
// series: they let one PromQL selector find a profile's containers on every host.
Labels container_labels(const std::string& container, const audit::ContainerRecord& c) {
  Labels l{{"container", container}};
  if (!c.profile_sha256.empty()) l.emplace_back("profile_sha256", c.profile_sha256);
  if (!c.workload.empty()) l.emplace_back("workload", c.workload);
  return l;
}

// Labels with the optional ones (empty value) left out.
Labels verdict_labels(const Labels& container, const VerdictSeries& s) {
  Labels l = container;
  l.emplace_back("syscall", s.syscall);
  l.emplace_back("action", s.action);
  if (!s.arch.empty()) l.emplace_back("arch", s.arch);
  if (!s.error.empty()) l.emplace_back("errno", s.error);
  return l;
}

// The bounding set as one label value, sorted: the fleet merge resolves capability-gated
// rules with it (a host's registry is not reachable from where `suggest` runs). An empty set
// is "none": Prometheus drops empty labels, and "unknown" must stay distinct from "no caps".
std::string capabilities_label(const std::vector<std::string>& caps) {
  if (caps.empty()) return "none";
  std::vector<std::string> sorted = caps;
  std::sort(sorted.begin(), sorted.end());
  std::string out;
  for (const auto& c : sorted) out += (out.empty() ? "" : ",") + c;
  return out;
}

std::string mode_label(const std::string& mode) {
  if (mode == "enforce" || mode == "audit" || mode == "unconfined") return mode;
  return "unknown";
}

struct Families {
  Family verdicts{"seccomp_verdicts_total",
                  "Seccomp verdicts (calls not simply allowed) by container, syscall and action taken.",
                  MetricType::Counter, Combine::Sum};
  Family verdict_first{"seccomp_verdict_first_seen_timestamp_seconds",
                       "When a verdict series was first seen (Unix time).", MetricType::Gauge, Combine::Min};
  Family verdict_last{"seccomp_verdict_last_seen_timestamp_seconds",
                      "When a verdict series was last seen (Unix time).", MetricType::Gauge, Combine::Max};
  Family would_be{"seccomp_would_be_denials_total",
                  "Audit mode: logged calls that the enforcing profile would have denied, by the action it "
                  "would have taken.",
                  MetricType::Counter, Combine::Sum};
  Family info{"seccomp_container_info", "Containers known to the daemon (value 1), with mode, profile and runtime.",
              MetricType::Gauge, Combine::Max};
  Family first_seen{"seccomp_container_first_seen_timestamp_seconds", "When a container was first seen (Unix time).",
                    MetricType::Gauge, Combine::Min};
  Family last_seen{"seccomp_container_last_seen_timestamp_seconds",
                   "When a container was last seen alive or producing verdicts (Unix time).", MetricType::Gauge,
                   Combine::Max};
  Family exited{"seccomp_container_exited_timestamp_seconds", "When a container exited (Unix time).",
                MetricType::Gauge, Combine::Max};
  Family last_would_be{"seccomp_container_last_would_be_denial_timestamp_seconds",
                       "Audit mode: when the container last made a call the enforcing profile would deny (Unix time).",
                       MetricType::Gauge, Combine::Max};
  Family learned{"seccomp_container_learned_syscalls",
                 "Distinct syscalls the container was seen entering (learning), per architecture.",
                 MetricType::Gauge, Combine::Sum};
  Family folded{"seccomp_container_folded_series",
                "Verdict label sets folded into syscall=\"other\" by the per-container series cap.",
                MetricType::Gauge, Combine::Sum};
  Family containers{"seccomp_containers", "Containers known, by mode and state (running or exited within retention).",
                    MetricType::Gauge, Combine::Sum};
  Family source_up{"seccomp_source_up", "Whether an event source (bpf tracer, audit netlink) is live (1) or not (0).",
                   MetricType::Gauge, Combine::Max};
  Family source_info{"seccomp_source_info", "Event source detail: which hooks are live, or why not (value 1).",
                     MetricType::Gauge, Combine::Max};
  Family hook_live{"seccomp_tracer_hook_live",
                   "Whether a BPF hook of the tracer is live (1: attached, or attachable on demand for the syscall "
                   "hooks) or not (0), with the verdict classes it serves: what a 0 leaves unseen unless the audit "
                   "stream sees it.",
                   MetricType::Gauge, Combine::Max};
  Family source_events{"seccomp_source_events_total", "Events received from a source.", MetricType::Counter,
                       Combine::Sum};
  Family source_lost{"seccomp_source_lost_total", "Events or audit records a source reports as lost.",
                     MetricType::Counter, Combine::Sum};
  Family samples_dropped{"seccomp_source_samples_dropped_total",
                         "Context samples a source dropped (ring buffer full or rate limit); counts are unaffected.",
                         MetricType::Counter, Combine::Sum};
  Family last_flush{"seccomp_state_last_flush_timestamp_seconds",
                    "When the daemon last wrote its state to disk (Unix time; 0: never).", MetricType::Gauge,
                    Combine::Max};
  Family build{"seccomp_build_info", "Build of the exporting daemon (value 1).", MetricType::Gauge, Combine::Max};
  Family shadow_verdicts{"seccomp_shadow_verdicts_total",
                         "Shadow evaluation: calls by what the container's own filter did (current) and what the "
                         "candidate profile would do (candidate).",
                         MetricType::Counter, Combine::Sum};
  Family shadow_lost{"seccomp_shadow_lost_total",
                     "Shadow evaluation: calls not counted since the shadow started (the kernel's shadow map was full).",
                     MetricType::Counter, Combine::Sum};

  std::vector<Family*> all() {
    return {&verdicts, &verdict_first, &verdict_last, &would_be, &info, &first_seen, &last_seen, &exited,
            &last_would_be, &learned, &folded, &containers, &source_up, &source_info, &hook_live, &source_events,
            &source_lost, &samples_dropped, &last_flush, &build, &shadow_verdicts, &shadow_lost};
  }
};

}  // namespace

bool retained(const audit::ContainerRecord& container, const ExporterOptions& options, int64_t now_ns) {
  if (!container.exited_at_ns) return true;
  constexpr int64_t kNsPerSecond = 1000000000;
  if (options.retention_seconds >= INT64_MAX / kNsPerSecond) return true;  // "forever", no overflow
  return now_ns - *container.exited_at_ns <= options.retention_seconds * kNsPerSecond;
}

std::vector<prometheus::MetricFamily> collect_families(const audit::State& state, const ExporterOptions& options,
                                                       int64_t now_ns) {
  Families f;
  std::map<std::pair<std::string, std::string>, double> by_mode;
  for (const char* mode : {"enforce", "audit", "unconfined", "unknown"})
    for (const char* st : {"running", "exited"}) by_mode[{mode, st}] = 0;

  for (const auto& [id, c] : state.containers) {
    if (!retained(c, options, now_ns)) continue;
    const std::string container = c.container_id.empty() ? id : c.container_id;
    const std::string mode = mode_label(c.mode);
    by_mode[{mode, c.exited_at_ns ? "exited" : "running"}] += 1;
    const Labels identity = container_labels(container, c);
    Labels info = identity;
    info.insert(info.end(), {{"mode", mode}, {"profile", c.profile_name}, {"runtime", c.runtime}});
    if (c.capabilities) info.emplace_back("capabilities", capabilities_label(*c.capabilities));
    f.info.add(info, 1);
    if (c.first_seen_ns) f.first_seen.add({{"container", container}}, seconds(c.first_seen_ns));
    if (c.last_seen_ns) f.last_seen.add({{"container", container}}, seconds(c.last_seen_ns));
    if (c.exited_at_ns) f.exited.add({{"container", container}}, seconds(*c.exited_at_ns));
    for (const auto& [arch, nrs] : c.learned) {
      Labels l{{"container", container}};
      if (arch != common::native_arch()) l.emplace_back("arch", common::arch_name(arch));
      f.learned.add(l, static_cast<double>(nrs.size()));
    }

    ContainerSeries cs = container_series(c, options.max_series_per_container);
    if (cs.folded) f.folded.add({{"container", container}}, static_cast<double>(cs.folded));
    if (cs.last_would_be_denial_ns)
      f.last_would_be.add({{"container", container}}, seconds(cs.last_would_be_denial_ns));
    for (const VerdictSeries& s : cs.series) {
      Labels l = verdict_labels(identity, s);
      f.verdicts.add(l, static_cast<double>(s.count));
      if (s.first_seen_ns) f.verdict_first.add(l, seconds(s.first_seen_ns));
      if (s.last_seen_ns) f.verdict_last.add(l, seconds(s.last_seen_ns));
      for (const auto& [would_be_action, n] : s.would_be_denials) {
        Labels w = identity;
        w.insert(w.end(), {{"syscall", s.syscall}, {"would_be_action", would_be_action}});
        if (!s.arch.empty()) w.emplace_back("arch", s.arch);
        f.would_be.add(w, static_cast<double>(n));
      }
    }
  }
  for (const auto& [k, n] : by_mode) f.containers.add({{"mode", k.first}, {"state", k.second}}, n);

  for (const ShadowSeries& shadow : shadow_series(state, options, now_ns)) {
    f.shadow_lost.add({{"shadow", shadow.shadow}}, static_cast<double>(shadow.lost));
    for (const ShadowContainerSeries& cs : shadow.containers)
      for (const ShadowVerdictSeries& s : cs.series) {
        Labels l{{"shadow", shadow.shadow}, {"container", cs.container}, {"syscall", s.syscall},
                 {"current", s.current}, {"candidate", s.candidate}};
        if (!s.arch.empty()) l.emplace_back("arch", s.arch);
        f.shadow_verdicts.add(l, static_cast<double>(s.count));
      }
  }

  for (const auto& [name, s] : state.sources) {
    f.source_up.add({{"source", name}}, s.live ? 1 : 0);
    f.source_info.add({{"source", name}, {"detail", s.detail}}, 1);
    f.source_events.add({{"source", name}}, static_cast<double>(s.events));
    f.source_lost.add({{"source", name}}, static_cast<double>(s.lost));
    f.samples_dropped.add({{"source", name}}, static_cast<double>(s.samples_dropped));
    for (const auto& h : s.hooks) f.hook_live.add({{"hook", h.name}, {"serves", h.serves}}, h.live ? 1 : 0);
  }
  f.last_flush.add({}, seconds(state.last_flush_ns));
  f.build.add({{"version", SC_VERSION}, {"native_arch", native_arch()}}, 1);

  std::vector<prometheus::MetricFamily> out;
  for (Family* family : f.all()) {
    prometheus::MetricFamily done = family->done();
    if (!done.metric.empty()) out.push_back(std::move(done));
  }
  return out;
}

size_t series_bound(size_t containers, size_t sources, size_t arches, size_t shadows, size_t shadow_containers,
                    const ExporterOptions& options) {
  // Per container: verdicts, first and last seen (3 per verdict series, at most M' of them);
  // would-be denials (one per kept logged series, plus one per would-be action folded into
  // "other": at most M' + 7); info, first/last seen, exited, last would-be, folded (6);
  // learned (one per arch). Global: 5 per source, 8 by mode/state, flush, build, snapshot errors,
  // and one per tracer hook (kTracerHooks: the programs of bpf/tracer.bpf.c). Shadows: one lost
  // series per exported shadow, at most M' verdict series per (shadow, retained container).
  constexpr size_t kTracerHooks = 8;
  const size_t m = std::max(options.max_series_per_container, kActionCount);
  return containers * (4 * m + arches + 13) + 5 * sources + 11 + kTracerHooks + shadows + shadow_containers * m;
}

const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> names = [] {
    Families f;
    std::vector<std::string> n;
    for (Family* family : f.all()) n.push_back(family->name());
    n.push_back("seccomp_exporter_snapshot_errors_total");  // exporter.cpp: scrapes whose snapshot failed
    return n;
  }();
  return names;
}

}  // namespace sc::metrics
