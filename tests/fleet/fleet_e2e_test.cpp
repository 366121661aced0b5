// Issue 15, part 4, end to end: two real daemons on this machine stand in for two hosts (each
// its own state, runtime and pin dir and metrics port), containers of one workload run under
// each with `seccomp-isolator launch --audit`, a real Prometheus on 127.0.0.1 scrapes both, and
// `seccomp-audit suggest --prometheus` yields one patch covering both hosts' would-be denials,
// which the workload then passes enforced. `report --prometheus` judges readiness per host. One
// test: the daemons and Prometheus start once (the suite runs twice in CI).
#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "audit/fleet/prometheus_client.h"
#include "audit/report/markdown_escape.h"
#include "tests/fleet/fleet_files.h"
#include "tests/metrics/prometheus_server.h"
#include "tests/refine/loop_fixture.h"
#include "tests/support/privileges.h"

namespace sc::fleet_tests {
namespace {

using refine::testing::bin;
using refine::testing::Daemon;
using refine::testing::ProcessResult;
using refine::testing::read_file;
using refine::testing::run;
using refine::testing::TempDir;
using refine::testing::write_file;

// Docker's default capability set, as Mesos ContainerInfo: the profile's capability-gated
// rules (syslog under CAP_SYSLOG, ...) must be judged with it, not with the test's own set.
const char* kDockerCaps =
    R"({"linux_info": {"bounding_capabilities": {"capabilities": ["CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER",)"
    R"( "MKNOD", "NET_RAW", "SETGID", "SETUID", "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL",)"
    R"( "AUDIT_WRITE"]}}})";

struct Host {
  std::string name, dir, address;
  std::unique_ptr<Daemon> daemon;
};

struct FleetLoop : ::testing::Test {
  TempDir tmp;
  std::string config, profile;
  Host a, b;

  void start(Host& h, const std::string& name) {
    h.name = name;
    h.dir = tmp.path() + "/" + name;
    refine::testing::loop_fs::create_directories(h.dir + "/state");
    h.address = "127.0.0.1:" + std::to_string(metrics::testing::free_loopback_port());
    h.daemon = std::make_unique<Daemon>(h.dir, "/sys/fs/bpf/sc-fleet-test-" + std::to_string(getpid()) + "-" + name,
                                        std::vector<std::string>{"--listen=" + h.address, "--workload_label=app"});
    ASSERT_TRUE(h.daemon->running()) << h.daemon->log();
  }

  // launch --audit of the workload behind its barrier, released once this host's daemon
  // watches the container (so every call is attributed to it).
  // workload_flag: how the container's registry entry names its workload: the label the
  // daemons read (--workload_label=app) by default, or the entry's own field (--workload=).
  ProcessResult launch(Host& h, const std::string& id, const std::string& profile_name, bool audit,
                       const std::vector<std::string>& workload_args, const std::string& workload_flag = "--label=app=shop") {
    const std::string go = tmp.path() + "/go-" + id;
    std::vector<std::string> args = {bin("seccomp-isolator"), "launch", "--isolation=linux/seccomp",
                                     "--seccomp_config_dir=" + config, "--seccomp_profile_name=" + profile_name,
                                     "--container_id=" + id, "--runtime_dir=" + h.dir + "/run",
                                     "--container_info=" + std::string(kDockerCaps), workload_flag};
    if (audit) args.push_back("--audit");
    args.insert(args.end(), {"--", bin("refine_workload"), "--wait-file=" + go});
    args.insert(args.end(), workload_args.begin(), workload_args.end());
    ProcessResult result;
    std::thread launcher([&] { result = run(args, 60); });
    bool watched = h.daemon->wait_watched(id);
    write_file(go, "go\n");
    launcher.join();
    EXPECT_TRUE(watched) << h.name << " never watched " << id << "\n" << h.daemon->log();
    return result;
  }

  ProcessResult audit_cli(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {bin("seccomp-audit")};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, 60);
  }

  void SetUp() override {
    config = tmp.path() + "/config";
    refine::testing::loop_fs::create_directories(config);
    profile = write_strict_profile(config);
  }
};

// The syscalls Prometheus shows for `digest`, per instance (waits until `want` per instance is there).
bool wait_for_series(const metrics::testing::PrometheusServer& prom, const std::string& digest,
                     const std::map<std::string, std::set<std::string>>& want, std::string* seen) {
  for (int i = 0; i < 300; ++i) {
    nlohmann::json r = prom.query("seccomp_verdicts_total{workload=\"shop\",profile_sha256=\"" + digest + "\"}");
    std::map<std::string, std::set<std::string>> have;
    for (const auto& s : r["data"]["result"])
      have[s["metric"].value("instance", "")].insert(s["metric"].value("syscall", ""));
    *seen = r.dump();
    bool all = true;
    for (const auto& [instance, names] : want)
      for (const auto& n : names) all = all && have[instance].count(n);
    if (all) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // Prometheus scrapes every second
  }
  return false;
}

std::string comment_adding(const nlohmann::json& patch, const std::string& name) {
  for (const auto& op : patch)
    if (op.value("op", "") == "add" && op.contains("value") && op["value"] == name) return op.value("comment", "");
  return "";
}

TEST_F(FleetLoop, OnePatchAndFleetReadinessFromPrometheus) {
  SC_REQUIRE_ROOT();
  ASSERT_NO_FATAL_FAILURE(start(a, "host-a"));
  ASSERT_NO_FATAL_FAILURE(start(b, "host-b"));
  metrics::testing::PrometheusServer prom(metrics::testing::ScrapeTargets{{a.address, b.address}}, "");
  const std::string digest = digest_of(profile);

  // Host A: the workload (uname, sysinfo, getrusage, personality). Host B: the same workload,
  // and a container of the same workload whose only would-be denial is syslog (allowed by
  // Docker's profile only under CAP_SYSLOG, which these containers lack); that one names its
  // workload with `launch --workload` rather than the label the daemons read.
  ProcessResult ra = launch(a, "shop-a1", "strict.json", true, {});
  ASSERT_EQ(ra.exit_code, 0) << ra.err << a.daemon->log();
  ProcessResult rb = launch(b, "shop-b1", "strict.json", true, {});
  ASSERT_EQ(rb.exit_code, 0) << rb.err << b.daemon->log();
  ProcessResult rs = launch(b, "shop-b2", "strict.json", true, {"--probe=syslog:10"}, "--workload=shop");
  ASSERT_EQ(rs.exit_code, 0) << rs.err << b.daemon->log();

  std::string seen;
  ASSERT_TRUE(wait_for_series(prom, digest,
                              {{a.address, {"uname", "sysinfo", "getrusage"}},
                               {b.address, {"uname", "sysinfo", "getrusage", "syslog"}}},
                              &seen))
      << seen << "\n" << a.daemon->log() << b.daemon->log();

  const std::string url = "http://" + prom.address();
  ProcessResult s = audit_cli({"suggest", "--prometheus=" + url, "--profile=" + profile});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  nlohmann::json patch = nlohmann::json::parse(s.out);
  for (const char* name : {"uname", "sysinfo", "getrusage"})
    EXPECT_NE(comment_adding(patch, name).find("in 2 of 3 containers on 2 of 2 hosts"), std::string::npos)
        << name << "\n" << patch.dump(1) << s.err;
  // Only host B's second container made syslog: without its capability set (exported in
  // seccomp_container_info) it would be judged allowed under ours and missing here.
  EXPECT_NE(comment_adding(patch, "syslog").find("in 1 of 3 containers on 1 of 2 hosts"), std::string::npos)
      << patch.dump(1) << s.err;
  EXPECT_NE(s.err.find("fleet: 2 hosts, 3 containers ran sha256 " + digest.substr(0, 12)), std::string::npos) << s.err;
  EXPECT_NE(s.err.find("shop-a1 [shop]"), std::string::npos) << s.err;
  EXPECT_NE(s.err.find("not the calls' argument tuples"), std::string::npos) << s.err;

  // The one patch, applied, lets the workload run enforced on either host with no denial but
  // the marker (keyctl, which no profile here allows).
  ProcessResult patched = audit_cli({"suggest", "--prometheus=" + url, "--profile=" + profile, "--format=profile",
                                     "--output=" + config + "/patched.json"});
  ASSERT_EQ(patched.exit_code, 0) << patched.err;
  ProcessResult enforced = launch(b, "shop-b3", "patched.json", false, {"--marker"});
  EXPECT_EQ(enforced.exit_code, 0) << enforced.out << enforced.err;

  // Readiness, from the same scrape (shop-b3 ran enforced: it has no audit-mode verdict).
  // Observed for well under an hour on both hosts: not ready anywhere.
  ProcessResult hour = audit_cli({"report", "--prometheus=" + url, "--profile=" + profile, "--ready_after=1h"});
  ASSERT_EQ(hour.exit_code, 0) << hour.err;
  EXPECT_NE(hour.out.find("**Readiness: not ready** — 0 of 2 hosts ready"), std::string::npos) << hour.out;
  const std::pair<const Host*, const char*> rows[] = {{&a, " | 1 | "}, {&b, " | 2 | "}};  // containers per host
  for (const auto& [h, n] : rows)
    EXPECT_NE(hour.out.find("| " + report::markdown_text(h->address) + n + "not ready | "), std::string::npos) << hour.out;
  // A zero window: every host's verdict is its own (its sources, losses and flush); the
  // fleet's is the least ready host's.
  ProcessResult now = audit_cli({"report", "--prometheus=" + url, "--profile=" + profile, "--ready_after=0s"});
  ASSERT_EQ(now.exit_code, 0) << now.err;
  size_t ready_hosts = 0;
  for (const auto& [h, n] : rows)
    if (now.out.find("| " + report::markdown_text(h->address) + n + "ready with patch | ") != std::string::npos) ++ready_hosts;
  EXPECT_NE(now.out.find(std::to_string(ready_hosts) + " of 2 hosts ready"), std::string::npos) << now.out;
  EXPECT_NE(now.out.find(ready_hosts == 2 ? "**Readiness: ready with patch**" : "**Readiness: not ready**"),
            std::string::npos) << now.out;

  // Errors name the server and what failed; nothing is printed on stdout.
  ProcessResult other = audit_cli({"suggest", "--prometheus=" + url, "--profile=" + refine::testing::shared_profile("docker-default.json")});
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_NE(other.err.find("no instance exports a container running profile sha256"), std::string::npos) << other.err;
  EXPECT_EQ(other.out, "");
  fleet::PrometheusClient client(url);
  try {
    client.query("sum(");
    FAIL() << "a bad query must fail";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("Prometheus error (bad_data)"), std::string::npos) << e.what();
  }
  ProcessResult wrong_path = audit_cli({"suggest", "--prometheus=" + url + "/not-prometheus", "--profile=" + profile});
  EXPECT_EQ(wrong_path.exit_code, 1);
  EXPECT_NE(wrong_path.err.find("prometheus '" + url + "/not-prometheus'"), std::string::npos) << wrong_path.err;

  // The same merge offline, from the two daemons' state files, agrees on what to add.
  a.daemon->stop();
  b.daemon->stop();
  ProcessResult offline = audit_cli({"suggest", "--state_file=" + a.dir + "/state/state.json",
                                     "--state_file=" + b.dir + "/state/state.json", "--profile=" + profile});
  ASSERT_EQ(offline.exit_code, 0) << offline.err;
  nlohmann::json offline_patch = nlohmann::json::parse(offline.out);
  for (const char* name : {"uname", "sysinfo", "getrusage"})
    EXPECT_NE(comment_adding(offline_patch, name).find("in 2 of 3 containers on 2 of 2 hosts"), std::string::npos)
        << name << "\n" << offline_patch.dump(1);
  // What only the state files carry: syslog's recorded argument, so a rule for that value
  // rather than the name (Prometheus had no tuple to condition on).
  EXPECT_NE(offline.out.find("SYSLOG_ACTION_SIZE_BUFFER"), std::string::npos) << offline_patch.dump(1) << offline.err;
  EXPECT_EQ(s.out.find("SYSLOG_ACTION_SIZE_BUFFER"), std::string::npos);
}

}  // namespace
}  // namespace sc::fleet_tests
