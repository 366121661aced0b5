// Part 4's label set: the profile digest and the workload on every verdict series (constant
// per container, so within the documented series bound), the workload taken from the registry
// entry or from the label `run --workload_label` names, hostile values escaped.
#include <gtest/gtest.h>

#include "audit/daemon/workload.h"
#include "isolator/registry/registry.h"
#include "metrics/exporter.h"
#include "metrics/families.h"
#include "tests/fleet/fleet_files.h"
#include "tests/support/verdict_key.h"

namespace sc::fleet_tests {
namespace {

using refine::testing::Call;
using refine::testing::kT0;

TEST(WorkloadLabel, FromTheNamedLabelElseTheEntry) {
  registry::Entry e;
  e.workload = "from-entry";
  e.labels = {{"app.kubernetes.io/name", "from-label"}, {"empty", ""}};
  EXPECT_EQ(audit::workload_of(e, ""), "from-entry");
  EXPECT_EQ(audit::workload_of(e, "app.kubernetes.io/name"), "from-label");
  EXPECT_EQ(audit::workload_of(e, "absent"), "from-entry");
  EXPECT_EQ(audit::workload_of(e, "empty"), "from-entry");
}

TEST(WorkloadLabel, RegistryEntriesCarryItAndOlderOnesReadWithout) {
  registry::Entry e;
  e.container_id = "c1";
  e.mode = "audit";
  e.workload = "web";
  e.labels = {{"team", "a\"b"}, {"bytes", std::string("\xff\x01", 2)}};
  registry::Entry back = registry::from_json_text(registry::to_json_text(e));
  EXPECT_EQ(back.workload, "web");
  EXPECT_EQ(back.labels, e.labels);
  e.workload.clear();
  e.labels.clear();
  std::string old = registry::to_json_text(e);
  EXPECT_EQ(old.find("workload"), std::string::npos) << "omitted when empty, as before the field existed";
  EXPECT_EQ(old.find("labels"), std::string::npos);
  EXPECT_THROW(registry::from_json_text(R"({"container_id":"c","pid":1,"cgroup_path":"","cgroup_id":0,
      "profile_name":"","profile_path":"","profile_sha256":"","mode":"audit","started_at_ns":0,"labels":[1]})"),
               std::runtime_error);
}

TEST(FleetLabels, EveryVerdictSeriesCarriesDigestAndWorkload) {
  audit::State st;
  audit::ContainerRecord c = refine::testing::container("web-1", "/p/strict.json",
                                                        {Call("uname", "log", 3), Call("sysinfo", "errno", 2)});
  c.profile_sha256 = std::string(64, 'a');
  c.workload = "shop\"\n\xff";  // from a label: any bytes
  c.capabilities = std::vector<std::string>{"CAP_KILL", "CAP_CHOWN"};
  st.containers["web-1"] = c;
  metrics::ExporterOptions options;
  std::string text = metrics::render(st, options, kT0);
  const std::string id = "container=\"web-1\",profile_sha256=\"" + std::string(64, 'a') + "\",workload=\"shop\\\"\\\\x0A\\\\xFF\"";
  EXPECT_NE(text.find("seccomp_verdicts_total{" + id + ",syscall=\"uname\",action=\"log\"} 3"), std::string::npos) << text;
  EXPECT_NE(text.find("seccomp_verdicts_total{" + id + ",syscall=\"sysinfo\",action=\"errno\",errno=\"EPERM\"} 2"),
            std::string::npos) << text;
  EXPECT_NE(text.find("seccomp_verdict_first_seen_timestamp_seconds{" + id + ",syscall=\"uname\""), std::string::npos);
  EXPECT_NE(text.find("seccomp_would_be_denials_total{" + id + ",syscall=\"uname\",would_be_action=\"errno\"} 3"),
            std::string::npos) << text;
  EXPECT_NE(text.find("seccomp_container_info{" + id + ",mode=\"audit\",profile=\"strict.json\",runtime=\"seccomp-companion\",capabilities=\"CAP_CHOWN,CAP_KILL\"} 1"),
            std::string::npos) << text;

  // Constant per container: they add no series, so the documented bound still holds when a
  // container's series are folded.
  for (int i = 0; i < 40; ++i) c.verdicts[sc::testing::verdict_key("x86_64", 1000 + i, "log", -1)] = {"#" + std::to_string(1000 + i), 1u + i, kT0, kT0, sc::common::Action::Errno, {}, {}};
  st.containers["web-1"] = c;
  options.max_series_per_container = 8;
  std::string folded = metrics::render(st, options, kT0);
  size_t series = 0;
  for (size_t at = 0; (at = folded.find('\n', at)) != std::string::npos; ++at)
    if (at + 1 < folded.size() && folded[at + 1] != '#') ++series;
  EXPECT_LE(series, metrics::series_bound(1, 0, 1, 0, 0, options));
  EXPECT_NE(folded.find("seccomp_verdicts_total{" + id + ",syscall=\"other\",action=\"log\"}"), std::string::npos);
}

TEST(FleetLabels, AnEmptyBoundingSetIsNoneNotAbsent) {
  audit::State st;
  audit::ContainerRecord c = refine::testing::container("c", "/p.json", {});
  c.capabilities = std::vector<std::string>{};
  st.containers["c"] = c;
  EXPECT_NE(metrics::render(st, {}, kT0).find("capabilities=\"none\""), std::string::npos);
}

}  // namespace
}  // namespace sc::fleet_tests
