// End to end with a real Prometheus: real processes under real seccomp filters produce errno,
// kill and audit-mode log verdicts; the kernel's audit records of them (AUDIT_SECCOMP, read
// from the audit netlink multicast group) become the State the Exporter serves; Prometheus
// scrapes it (basic auth) and evaluates the shipped alert rules. Every dashboard panel,
// variable and rule expression then runs through the HTTP API; the kill alert must fire.
// Also: a churn of short-lived containers stays within the documented series bound.
#include <seccomp.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <mutex>
#include <map>
#include <set>
#include <thread>
#include <tuple>

#include <gtest/gtest.h>

#include "audit/sources/audit_netlink.h"
#include "audit/sources/seccomp_record.h"
#include "metrics/exporter.h"
#include "metrics/families.h"
#include "metrics/label_value.h"
#include "metrics/verdict_series.h"
#include "tests/metrics/dashboard_check.h"
#include "tests/metrics/dashboard_files.h"
#include "tests/metrics/filtered_child.h"
#include "tests/metrics/http_client.h"
#include "tests/metrics/prometheus_server.h"
#include "tests/metrics/run_command.h"
#include "tests/support/privileges.h"
#include "tests/support/verdict_key.h"
#include "common/seccomp_ret.h"

namespace sc::metrics {
namespace {

using namespace std::chrono_literals;
using testing::FilteredChild;
using testing::PrometheusServer;

int64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// The daemon's State, shared with the Exporter's scrapes.
struct SharedState {
  std::mutex mu;
  audit::State state;
  audit::State snapshot() {
    std::lock_guard lock(mu);
    return state;
  }
};

// Polls `condition` until it holds or `timeout` passes.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(200ms);  // the poll step (Prometheus scrapes and evaluates every 1 s)
  }
  return condition();
}

double scalar_value(const nlohmann::json& reply) {
  if (reply.value("status", "") != "success" || reply["data"]["result"].empty()) return -1;
  return std::stod(reply["data"]["result"][0]["value"][1].get<std::string>());
}

// What the three filtered children of RealVerdicts... must produce, worked out by hand from
// their filters and bodies below: a literal table, not a re-implementation of the daemon's
// aggregation. would_be: the deny-uname profile's action for uname (SCMP_ACT_ERRNO) is what
// an audit-mode container's logged uname would have met when enforced.
struct ExpectedVerdict {
  const char* container;
  const char* syscall;
  const char* action;
  uint64_t count;
  const char* would_be;
};
constexpr ExpectedVerdict kExpectedVerdicts[] = {
    {"e2e-enforce", "uname", "errno", 3, ""},
    {"e2e-kill", "ptrace", "kill_process", 1, ""},
    {"e2e-audit", "uname", "log", 2, "errno"},
};

audit::ContainerRecord new_container(const std::string& id, const std::string& mode, const std::string& profile) {
  audit::ContainerRecord c;
  c.container_id = id;
  c.runtime = "seccomp-companion";
  c.mode = mode;
  c.profile_name = profile;
  c.first_seen_ns = c.last_seen_ns = now_ns();
  return c;
}

bool prometheus_available() { return std::filesystem::exists("/usr/bin/prometheus"); }

// The real daemon, `seccomp-audit run`, with its exporter on a free loopback port and state,
// runtime dir and BPF pins of its own (removed afterwards), and `seccomp-isolator launch` to
// start the containers it attributes through the registry.
class RunningDaemon {
 public:
  std::string bin, dir, pins, profiles, listen;

  // Starts the daemon with `extra` flags and waits until /metrics answers (fatal failure if not).
  void start(const std::vector<std::string>& extra) {
    // SC_TEST_BIN_DIR runs this against another build's binaries (e.g. a daemon being developed).
    const char* bin_override = std::getenv("SC_TEST_BIN_DIR");
    bin = bin_override ? std::string(bin_override) + "/" : std::string(SC_BINARY_DIR) + "/bin/";
    ASSERT_TRUE(std::filesystem::exists(bin + "seccomp-audit") && std::filesystem::exists(bin + "seccomp-isolator"))
        << "seccomp-audit / seccomp-isolator not built in " << bin;
    auto help = testing::run_command({bin + "seccomp-audit", "run", "--help"});
    ASSERT_EQ(help.exit_code, 0) << help.output;
    ASSERT_NE(help.output.find("--listen"), std::string::npos) << "seccomp-audit run has no --listen";
    char tmpl[] = "/tmp/sc-metrics-daemon-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir = tmpl;
    // The daemon's BPF pins go in a directory of this test's own, never the default one:
    // pinned syscall hooks left behind would slow every syscall on the host.
    pins = "/sys/fs/bpf/sc-metrics-test-" + std::to_string(getpid()) + "-" + std::to_string(++instances_);
    profiles = dir + "/profiles";
    std::filesystem::create_directories(profiles);
    listen = "127.0.0.1:" + std::to_string(testing::free_loopback_port());
    std::vector<std::string> argv = {
        bin + "seccomp-audit", "run", "--listen=" + listen, "--state_dir=" + dir + "/state",
        "--runtime_dir=" + dir + "/run", "--flush_interval=0.2", "--scan_interval=0.1", "--log_level=warn",
        "--pin_dir=" + pins};
    argv.insert(argv.end(), extra.begin(), extra.end());
    pid_ = fork();
    ASSERT_GE(pid_, 0);
    if (pid_ == 0) {
      int fd = open((dir + "/daemon.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      if (fd >= 0) { dup2(fd, 1); dup2(fd, 2); }
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    ASSERT_TRUE(eventually(
        [&] {
          try {
            return testing::http_get(listen, "/metrics", "", 500).status == 200;
          } catch (const std::exception&) {
            return false;
          }
        },
        10000ms))
        << log();
  }

  ~RunningDaemon() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      bool gone = false;
      for (int i = 0; i < 100 && !gone; ++i) {
        gone = waitpid(pid_, nullptr, WNOHANG) == pid_;
        if (!gone) std::this_thread::sleep_for(50ms);  // up to 5 s for the daemon's final flush, then SIGKILL
      }
      if (!gone) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
      }
    }
    std::error_code ec;
    if (!dir.empty()) std::filesystem::remove_all(dir, ec);
    if (!pins.empty()) std::filesystem::remove_all(pins, ec);  // unlinking bpffs pins detaches the programs
  }

  std::string log() const {
    std::ifstream in(dir + "/daemon.log");
    return std::string((std::istreambuf_iterator<char>(in)), {});
  }

  void write_profile(const std::string& name, const std::string& json) const { std::ofstream(profiles + "/" + name) << json; }

  // Whether the daemon's state.json lists `id` among its watched cgroups (daemon.watched).
  bool watched(const std::string& id) const {
    try {
      std::ifstream in(dir + "/state/state.json");
      auto j = nlohmann::json::parse(std::string((std::istreambuf_iterator<char>(in)), {}));
      for (const auto& w : j.at("daemon").value("watched", nlohmann::json::array()))
        if (w.value("container_id", "") == id) return true;
    } catch (const std::exception&) {
    }
    return false;
  }

  // A container started by launch_async: wait() joins the launcher and returns its result.
  struct Launched {
    std::thread thread;
    std::shared_ptr<testing::CommandResult> result = std::make_shared<testing::CommandResult>();
    testing::CommandResult wait() {
      if (thread.joinable()) thread.join();
      return *result;
    }
  };

  // Launches container `id` under `profile` (--audit if audit_mode) running command(FIFO),
  // whose first step must be to read a line from FIFO: the barrier is written once the daemon
  // watches the container, so none of its calls precede the watch. Returns once the barrier
  // is written, with the launcher still running.
  Launched launch_async(const std::string& id, const std::string& profile, bool audit_mode,
                        const std::function<std::vector<std::string>(const std::string&)>& command) {
    const std::string fifo = dir + "/go-" + id;
    EXPECT_EQ(mkfifo(fifo.c_str(), 0600), 0) << fifo;
    std::vector<std::string> argv = {bin + "seccomp-isolator", "launch", "--seccomp_config_dir=" + profiles,
                                     "--seccomp_profile_name=" + profile, "--runtime_dir=" + dir + "/run",
                                     "--container_id=" + id};
    if (audit_mode) argv.push_back("--audit");
    argv.push_back("--");
    for (const std::string& a : command(fifo)) argv.push_back(a);
    Launched launched;
    launched.thread = std::thread([argv, out = launched.result] { *out = testing::run_command(argv); });
    EXPECT_TRUE(eventually([&] { return watched(id); }, 10000ms)) << "the daemon never watched " << id << log();
    // Calls made within a few ms after the moment a cgroup becomes watched can be counted by
    // both sources (audit record times are the kernel's coarse clock, in ms: up to a tick behind
    // the call; docs/daemon.md, "Sources and which one counts what"). state.json may list the
    // container within a millisecond of that moment: let the window pass before the barrier.
    std::this_thread::sleep_for(25ms);
    // The FIFO opens once the container reads it (or fails: no reader yet).
    int fd = -1;
    for (int i = 0; i < 10000 && fd < 0; ++i) {
      fd = open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (fd < 0) std::this_thread::sleep_for(1ms);  // a FIFO offers no event for "opened": poll it
    }
    EXPECT_GE(fd, 0) << "the container never read its barrier " << fifo;
    if (fd >= 0) {
      EXPECT_EQ(write(fd, "go\n", 3), 3);
      close(fd);
    }
    return launched;
  }

  testing::CommandResult launch(const std::string& id, const std::string& profile, bool audit_mode,
                                const std::function<std::vector<std::string>(const std::string&)>& command) {
    return launch_async(id, profile, audit_mode, command).wait();
  }

 private:
  pid_t pid_ = -1;
  static inline int instances_ = 0;
};


// Every dashboard panel, variable and rule expression runs without error and every panel
// shows data; the rules are healthy; the kill and would-be-denial alerts fire for the given
// containers and no kill alert fires for the errno one.
void expect_dashboards_rules_and_alerts(const PrometheusServer& prometheus, const std::string& errno_container,
                                        const std::string& kill_container, const std::string& audit_container,
                                        const std::set<std::string>& may_be_empty) {
  std::vector<testing::Substitution> subs;
  for (const auto& c : {errno_container, kill_container, audit_container})
    subs.push_back({{"container", c}, {"action", ".*"}, {"mode", ".*"}, {"profile", ".*"}});
  subs.push_back({{"container", ".*"}, {"action", ".*"}, {"mode", ".*"}, {"profile", ".*"}});
  auto report = testing::run_dashboard_and_rule_expressions(prometheus, subs);
  for (const auto& e : report.errors) ADD_FAILURE() << e;
  for (const auto& p : report.empty_panels)
    if (!may_be_empty.count(p)) ADD_FAILURE() << "no data: " << p;
  EXPECT_GT(report.queries_run, 100u);

  // Rules: evaluated without error; the kill and the would-be denial alerts fire.
  ASSERT_TRUE(eventually(
      [&] {
        auto rules = prometheus.api("/api/v1/rules");
        size_t ok = 0, total = 0;
        for (const auto& g : rules["data"]["groups"])
          for (const auto& r : g["rules"]) {
            ++total;
            if (r.value("health", "") == "ok") ++ok;
          }
        return total >= 6 && ok == total;
      },
      10000ms))
      << prometheus.api("/api/v1/rules").dump();
  auto firing = [&](const std::string& alert, const std::string& container) {
    auto alerts = prometheus.api("/api/v1/alerts");
    for (const auto& a : alerts["data"]["alerts"])
      if (a["labels"].value("alertname", "") == alert && a["labels"].value("container", "") == container &&
          a.value("state", "") == "firing")
        return true;
    return false;
  };
  EXPECT_TRUE(eventually([&] { return firing("SeccompKill", kill_container); }, 10000ms))
      << prometheus.api("/api/v1/alerts").dump();
  EXPECT_TRUE(eventually([&] { return firing("SeccompNewWouldBeDenial", audit_container); }, 10000ms))
      << prometheus.api("/api/v1/alerts").dump();
  EXPECT_FALSE(firing("SeccompKill", errno_container)) << "an errno denial is not a kill";
  EXPECT_TRUE(eventually(
      [&] {
        return scalar_value(prometheus.query("ALERTS{alertname=\"SeccompKill\",alertstate=\"firing\",container=\"" +
                                             kill_container + "\"}")) == 1;
      },
      5000ms));
}

TEST(EndToEnd, RealVerdictsThroughRealPrometheusDashboardsAndAlerts) {
  SC_REQUIRE_ROOT();
  SC_REQUIRE(prometheus_available(), "/usr/bin/prometheus (Debian package prometheus)");

  audit::AuditNetlink audit_stream;  // bound before the children run: no record missed

  // Three containers, each a real process under a real filter.
  struct Run {
    std::string container, mode, profile;
    std::vector<testing::FilterRule> rules;
    std::function<int()> body;
    pid_t pid = 0;
    int status = 0;
  };
  std::vector<Run> runs = {
      {"e2e-enforce", "enforce", "deny-uname", {{"uname", SCMP_ACT_ERRNO(EPERM)}},
       [] {
         utsname u{};
         for (int i = 0; i < 3; ++i)
           if (uname(&u) == 0 || errno != EPERM) return 1;
         return 0;
       }},
      {"e2e-kill", "enforce", "kill-ptrace", {{"ptrace", SCMP_ACT_KILL_PROCESS}},
       [] {
         syscall(SYS_ptrace, 0 /* PTRACE_TRACEME */, 0, 0, 0);
         return 3;  // not reached: killed by SIGSYS
       }},
      {"e2e-audit", "audit", "deny-uname", {{"uname", SCMP_ACT_LOG}},
       [] {
         utsname u{};
         for (int i = 0; i < 2; ++i)
           if (uname(&u) != 0) return 1;  // audit mode: the call runs
         return 0;
       }},
  };
  for (auto& r : runs) {
    FilteredChild child(r.rules, r.body);
    r.pid = child.pid();
    r.status = child.wait();
  }
  ASSERT_TRUE(WIFEXITED(runs[0].status) && WEXITSTATUS(runs[0].status) == 0) << "uname was not denied with EPERM";
  ASSERT_TRUE(WIFSIGNALED(runs[1].status) && WTERMSIG(runs[1].status) == SIGSYS) << "ptrace did not kill";
  ASSERT_TRUE(WIFEXITED(runs[2].status) && WEXITSTATUS(runs[2].status) == 0) << "logged uname did not run";

  // The kernel's own records of them (AUDIT_SECCOMP) must be exactly the table: counted per
  // (container, syscall, action) from the records' pid, syscall number and action.
  std::map<std::tuple<std::string, std::string, std::string>, uint64_t> kernel;
  uint64_t got = 0, expected = 0;
  for (const auto& e : kExpectedVerdicts) expected += e.count;
  eventually(
      [&] {
        audit_stream.poll(100, [&](int type, std::string_view text) {
          if (type != audit::kAuditSeccompType) return;
          auto rec = audit::parse_seccomp_record(text);
          if (!rec) return;
          for (const auto& r : runs)
            if (rec->pid == r.pid) {
              ++kernel[{r.container, testing::syscall_name(rec->arch, rec->syscall), sc::common::action_text(sc::common::action_of(rec->code))}];
              ++got;
            }
        });
        return got >= expected;
      },
      5000ms);
  ASSERT_EQ(got, expected) << "kernel audit records of the children's verdicts";
  for (const auto& e : kExpectedVerdicts)
    EXPECT_EQ((kernel[{e.container, e.syscall, e.action}]), e.count) << e.container << " " << e.syscall << " " << e.action;

  // The state the Exporter serves: the literal table.
  SharedState shared;
  {
    std::lock_guard lock(shared.mu);
    for (const auto& r : runs) shared.state.containers[r.container] = new_container(r.container, r.mode, r.profile);
    const int64_t t = now_ns();
    for (const auto& e : kExpectedVerdicts) {
      auto& c = shared.state.containers[e.container];
      auto& v = c.verdicts[sc::testing::verdict_key(native_arch(), testing::syscall_number(e.syscall), e.action, -1)];
      v.syscall = e.syscall;
      v.count = e.count;
      v.first_seen_ns = v.last_seen_ns = t;
      v.would_be_action = sc::testing::would_be(e.would_be);
      c.exited_at_ns = t;
    }
    shared.state.containers["e2e-unconfined"] = new_container("e2e-unconfined", "unconfined", "");
    // An operator-chosen id with everything a label must survive.
    const std::string hostile = "e2e-hostile\"\\\n\xFF";
    shared.state.containers[hostile] = new_container(hostile, "enforce", "p\"\\\n\xFE");
    // A shadow evaluation of a candidate that would kill the enforce container's uname and
    // allow the audit one's (the "Candidate vs current" panels read it), and a refused one.
    auto& shadow = shared.state.shadows["e2e-candidate"];
    shadow.name = "e2e-candidate";
    shadow.status = "active";
    using sc::common::Action;
    shadow.rows.push_back({"e2e-enforce", sc::common::native_arch(), testing::syscall_number("uname"), "uname", Action::Errno,
                           EPERM, Action::KillProcess, -1, 3});
    shadow.rows.push_back({"e2e-audit", sc::common::native_arch(), testing::syscall_number("uname"), "uname", Action::Log, -1,
                           Action::Allow, -1, 2});
    auto& refused = shared.state.shadows["e2e-refused"];
    refused.name = "e2e-refused";
    refused.status = "refused";
    refused.rows = shadow.rows;
    shared.state.sources["audit"] = {true, "netlink AUDIT_NLGRP_READLOG", got, audit_stream.lost(), 0};
    shared.state.last_flush_ns = now_ns();
  }

  ExporterOptions options;
  options.listen = "127.0.0.1:0";
  options.basic_auth_user = "prometheus";
  options.basic_auth_password = "e2e \"pass\" word";
  Exporter exporter(options, [&] { return shared.snapshot(); });
  PrometheusServer prometheus({exporter.address(), options.basic_auth_user, options.basic_auth_password},
                              testing::alert_rules_path());

  // Scraped (through basic auth), and long enough for rate() windows to hold two samples.
  ASSERT_TRUE(eventually([&] { return scalar_value(prometheus.query("up{job=\"seccomp-companion\"}")) == 1; }, 15000ms))
      << prometheus.query("up").dump() << prometheus.log();
  ASSERT_TRUE(eventually(
      [&] { return scalar_value(prometheus.query("count_over_time(seccomp_build_info[1m])")) >= 3; }, 15000ms));

  // The numbers Prometheus holds are the kernel's.
  EXPECT_EQ(scalar_value(prometheus.query(
                "seccomp_verdicts_total{container=\"e2e-enforce\",syscall=\"uname\",action=\"errno\"}")),
            3);
  EXPECT_EQ(scalar_value(prometheus.query(
                "seccomp_verdicts_total{container=\"e2e-kill\",syscall=\"ptrace\",action=\"kill_process\"}")),
            1);
  EXPECT_EQ(scalar_value(prometheus.query(
                "seccomp_would_be_denials_total{container=\"e2e-audit\",syscall=\"uname\",would_be_action=\"errno\"}")),
            2);
  EXPECT_EQ(scalar_value(prometheus.query("seccomp_verdicts_total{container=\"e2e-audit\",action=\"log\"}")), 2);
  EXPECT_EQ(scalar_value(prometheus.query(
                "seccomp_shadow_verdicts_total{shadow=\"e2e-candidate\",container=\"e2e-enforce\",syscall=\"uname\","
                "current=\"errno\",candidate=\"kill_process\"}")),
            3);
  EXPECT_EQ(scalar_value(prometheus.query(
                "sum by (shadow, current, candidate) (seccomp_shadow_verdicts_total{current=\"log\",candidate=\"allow\"})")),
            2);
  EXPECT_EQ(scalar_value(prometheus.query("seccomp_shadow_lost_total{shadow=\"e2e-candidate\"}")), 0);
  EXPECT_EQ(scalar_value(prometheus.query("count(seccomp_shadow_lost_total)")), 1) << "the refused shadow is not exported";
  // The hostile id arrived intact (escaped on the wire, valid UTF-8).
  auto info = prometheus.query("seccomp_container_info{mode=\"enforce\"}");
  bool hostile_found = false;
  for (const auto& s : info["data"]["result"])
    if (s["metric"]["container"] == utf8_label_value("e2e-hostile\"\\\n\xFF") &&
        s["metric"]["profile"] == utf8_label_value("p\"\\\n\xFE"))
      hostile_found = true;
  EXPECT_TRUE(hostile_found) << info.dump();

  // The tracer's learning bitmaps are not part of this run (audit records only).
  expect_dashboards_rules_and_alerts(prometheus, "e2e-enforce", "e2e-kill", "e2e-audit",
                                     {"seccomp-companion / Container / Syscalls learned"});
}

// The real product: `seccomp-audit run` (the daemon, its own Exporter on --listen) and
// containers started by `seccomp-isolator launch` under real profiles: errno (enforce), kill
// (enforce) and log (--audit). Prometheus scrapes the daemon; everything above must hold.
TEST(EndToEnd, RealDaemonAndLaunchedContainers) {
  SC_REQUIRE_ROOT();
  SC_REQUIRE(prometheus_available(), "/usr/bin/prometheus (Debian package prometheus)");
  RunningDaemon daemon;
  ASSERT_NO_FATAL_FAILURE(daemon.start({}));
  auto write_profile = [&](const std::string& name, const std::string& action) {
    daemon.write_profile(name, R"({"defaultAction": "SCMP_ACT_ALLOW", "archMap": [)"
                               R"({"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},)"
                               R"({"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}],)"
                               R"("syscalls": [{"names": ["uname"], "action": ")" + action + R"("}]})");
  };
  write_profile("deny-uname.json", "SCMP_ACT_ERRNO");
  write_profile("kill-uname.json", "SCMP_ACT_KILL_PROCESS");
  PrometheusServer prometheus({daemon.listen, "", ""}, testing::alert_rules_path());
  auto daemon_log = [&] { return daemon.log(); };
  // Each container first reads a line from a FIFO (a barrier, written once the daemon
  // watches it), then calls uname twice.
  auto launch = [&](const std::string& id, const std::string& profile, bool audit_mode) {
    return daemon.launch(id, profile, audit_mode, [](const std::string& fifo) {
      return std::vector<std::string>{"/bin/sh", "-c", "read x < " + fifo + "; uname; uname"};
    });
  };
  auto errno_run = launch("m-errno", "deny-uname.json", false);
  EXPECT_NE(errno_run.exit_code, 0) << "uname denied with an errno must fail: " << errno_run.output;
  EXPECT_NE(errno_run.exit_code, 125) << errno_run.output;
  auto kill_run = launch("m-kill", "kill-uname.json", false);
  EXPECT_EQ(kill_run.exit_code, 128 + SIGSYS) << kill_run.output;
  auto audit_run = launch("m-audit", "deny-uname.json", true);
  EXPECT_EQ(audit_run.exit_code, 0) << "audit mode must not break uname: " << audit_run.output;

  ASSERT_TRUE(eventually([&] { return scalar_value(prometheus.query("up{job=\"seccomp-companion\"}")) == 1; }, 15000ms))
      << prometheus.log();
  // The daemon attributed each verdict to its container with the action the kernel took.
  auto has = [&](const std::string& q) { return scalar_value(prometheus.query(q)) > 0; };
  EXPECT_TRUE(eventually([&] { return has("seccomp_verdicts_total{container=\"m-errno\",syscall=\"uname\",action=\"errno\"}"); }, 15000ms))
      << prometheus.query("seccomp_verdicts_total").dump() << daemon_log();
  EXPECT_TRUE(eventually([&] { return has("seccomp_verdicts_total{container=\"m-kill\",syscall=\"uname\",action=\"kill_process\"}"); }, 5000ms))
      << prometheus.query("seccomp_verdicts_total").dump();
  EXPECT_TRUE(eventually([&] { return has("seccomp_verdicts_total{container=\"m-audit\",syscall=\"uname\",action=\"log\"}"); }, 5000ms))
      << prometheus.query("seccomp_verdicts_total").dump();
  EXPECT_TRUE(has("seccomp_container_info{container=\"m-audit\",mode=\"audit\"}"))
      << prometheus.query("seccomp_container_info").dump();
  EXPECT_TRUE(has("seccomp_source_up"));
  // Would-be denials need the daemon to know what the enforcing profile does with a logged
  // call (VerdictStats.would_be_action). Until it does, the would-be panels and alert cannot be
  // checked against the daemon (they are, above, against kernel records): say so.
  const bool daemon_has_would_be =
      eventually([&] { return has("seccomp_would_be_denials_total{container=\"m-audit\",syscall=\"uname\"}"); }, 5000ms);
  EXPECT_TRUE(daemon_has_would_be) << "the daemon must export would-be denials for audit-mode containers";
  // rate() windows need two samples of every series: wait until Prometheus holds them.
  EXPECT_TRUE(eventually(
      [&] {
        return scalar_value(prometheus.query("min(count_over_time(seccomp_verdicts_total[1m]))")) >= 2 &&
               (!daemon_has_would_be ||
                scalar_value(prometheus.query("min(count_over_time(seccomp_would_be_denials_total[1m]))")) >= 2);
      },
      15000ms))
      << prometheus.query("count_over_time(seccomp_verdicts_total[1m])").dump();
  std::set<std::string> may_be_empty = {"seccomp-companion / Container / Syscalls learned"};
  // No shadow evaluation runs under this daemon (RealVerdicts... checks those panels with data).
  for (const char* p : {"seccomp-companion / Overview / Candidate vs current",
                        "seccomp-companion / Container / Candidate vs current"})
    may_be_empty.insert(p);
  if (!daemon_has_would_be)
    for (const char* p : {"seccomp-companion / Overview / Would-be denials per second",
                          "seccomp-companion / Overview / Would-be denials by container and syscall",
                          "seccomp-companion / Container / Would break if enforced",
                          "seccomp-companion / Container / Would-be denials per second"})
      may_be_empty.insert(p);
  if (daemon_has_would_be) {
    expect_dashboards_rules_and_alerts(prometheus, "m-errno", "m-kill", "m-audit", may_be_empty);
  } else {
    // Everything but the would-be alert: run the expressions and the kill alert.
    std::vector<testing::Substitution> subs;
    for (const char* c : {"m-errno", "m-kill", "m-audit", ".*"})
      subs.push_back({{"container", c}, {"action", ".*"}, {"mode", ".*"}, {"profile", ".*"}});
    auto report = testing::run_dashboard_and_rule_expressions(prometheus, subs);
    for (const auto& e : report.errors) ADD_FAILURE() << e;
    for (const auto& p : report.empty_panels)
      if (!may_be_empty.count(p)) ADD_FAILURE() << "no data: " << p;
    EXPECT_TRUE(eventually(
        [&] {
          return scalar_value(prometheus.query(
                     "ALERTS{alertname=\"SeccompKill\",alertstate=\"firing\",container=\"m-kill\"}")) == 1;
        },
        10000ms))
        << prometheus.api("/api/v1/alerts").dump();
  }
}

// Many short-lived containers started by `seccomp-isolator launch` under the real daemon, each
// denied a dozen syscalls, 1 to 12 times each. With --metrics_retention=2 and
// --metrics_max_series=8, the series Prometheus sees stay within series_bound() while
// containers churn, each container's verdicts arrive folded as documented, and the exited
// ones leave while a running one stays.
TEST(EndToEnd, ContainerChurnStaysWithinTheDocumentedSeriesBound) {
  SC_REQUIRE_ROOT();
  SC_REQUIRE(prometheus_available(), "/usr/bin/prometheus (Debian package prometheus)");
  const std::vector<std::string> denied = {"uname",   "getcwd",  "getppid", "getpgrp", "getuid", "getgid",
                                           "geteuid", "getegid", "sysinfo", "times",   "umask",  "getpriority"};
  RunningDaemon daemon;
  ASSERT_NO_FATAL_FAILURE(daemon.start({"--metrics_retention=2", "--metrics_max_series=8"}));
  std::string names;
  for (const auto& n : denied) names += (names.empty() ? "\"" : ",\"") + n + "\"";
  daemon.write_profile("deny-12.json",
                       R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":[)" + names + R"(],"action":"SCMP_ACT_ERRNO"}]})");
  // denied[k] is called 1 + k times: 78 denied calls per container.
  std::vector<std::string> calls;
  for (size_t k = 0; k < denied.size(); ++k)
    calls.push_back(std::to_string(testing::syscall_number(denied[k])) + ":" + std::to_string(1 + k));
  auto probe_command = [&](const std::string& fifo) {
    std::vector<std::string> argv = {SC_LAUNCH_PROBE, "repeat", fifo};
    argv.insert(argv.end(), calls.begin(), calls.end());
    return argv;
  };

  // One container runs throughout: past its barrier it blocks on its FIFO again until the end.
  auto steady = daemon.launch_async("steady", "deny-12.json", false, [](const std::string& fifo) {
    return std::vector<std::string>{"/bin/sh", "-c", "read x < " + fifo + "; read y < " + fifo};
  });
  metrics::ExporterOptions options;  // what the daemon's flags set
  options.retention_seconds = 2;
  options.max_series_per_container = 8;
  PrometheusServer prometheus({daemon.listen, "", ""}, "");
  ASSERT_TRUE(eventually([&] { return scalar_value(prometheus.query("up{job=\"seccomp-companion\"}")) == 1; }, 15000ms))
      << prometheus.log();

  const size_t bound_idle = series_bound(1, 2, 1, 0, 0, options);  // no shadow evaluations here
  const int kContainers = 60;
  // When each churn container exited (launch returned). The daemon notices an exit at its
  // next scan and Prometheus drops a series at the scrape after: a container counts as
  // retained for 2 s more than the retention, so the bound below is an upper bound.
  std::vector<std::chrono::steady_clock::time_point> exits;
  size_t peak_retained = 0;
  double peak_series = 0;
  for (int i = 0; i < kContainers; ++i) {
    const std::string id = "churn-" + std::to_string(i);
    auto result = daemon.launch(id, "deny-12.json", false, probe_command);
    ASSERT_EQ(result.exit_code, 0) << id << ": " << result.output;
    ASSERT_NE(result.output.find("denied=78"), std::string::npos) << id << ": " << result.output;
    exits.push_back(std::chrono::steady_clock::now());
    size_t retained_now = 1;  // steady
    for (auto t : exits) retained_now += std::chrono::steady_clock::now() - t < std::chrono::seconds(options.retention_seconds + 2);
    peak_retained = std::max(peak_retained, retained_now);
    if (i % 10 == 9) {
      peak_series = std::max(peak_series, scalar_value(prometheus.query("count({__name__=~\"seccomp_.+\"})")));
      EXPECT_LE(scalar_value(prometheus.query("max(count by (container) (seccomp_verdicts_total))")), 8)
          << "per-container cap";
    }
  }
  EXPECT_GT(peak_series, static_cast<double>(bound_idle)) << "churning containers were exported while retained";
  EXPECT_LE(peak_series, static_cast<double>(series_bound(peak_retained, 2, 1, 0, 0, options)));
  // After the retention period (and Prometheus's staleness marking at the next scrape) only
  // the steady container remains, within the bound for 1 container.
  EXPECT_TRUE(eventually(
      [&] {
        return prometheus.query("seccomp_container_info{container=~\"churn-.*\"}")["data"]["result"].empty();
      },
      10000ms))
      << "exited containers still exported after the retention period";
  const double series = scalar_value(prometheus.query("count({__name__=~\"seccomp_.+\"})"));
  EXPECT_GT(series, 0);
  EXPECT_LE(series, static_cast<double>(bound_idle));
  EXPECT_EQ(scalar_value(prometheus.query("count(seccomp_container_info)")), 1);
  EXPECT_EQ(scalar_value(prometheus.query("count(seccomp_container_info{container=\"steady\"})")), 1);

  // Folding, as the daemon counted the real calls: each churn container's 12 verdicts (counts
  // 1..12) were exported as 8 series: the 7 most frequent (counts 6..12) and one
  // syscall="other" holding 1 + 2 + 3 + 4 + 5 = 15; 5 label sets folded. Over the whole run, so
  // exited ones count too.
  for (const char* id : {"churn-0", "churn-37", "churn-59"}) {
    const std::string c = std::string("container=\"") + id + "\"";
    EXPECT_EQ(scalar_value(prometheus.query("count(count_over_time(seccomp_verdicts_total{" + c + "}[5m]))")), 8) << id;
    EXPECT_EQ(scalar_value(prometheus.query("max_over_time(seccomp_verdicts_total{" + c + ",syscall=\"other\"}[5m])")), 15)
        << id << prometheus.query("seccomp_verdicts_total{" + c + "}[5m]").dump();
    EXPECT_EQ(scalar_value(prometheus.query("max_over_time(seccomp_container_folded_series{" + c + "}[5m])")), 5) << id;
    EXPECT_EQ(scalar_value(prometheus.query("max_over_time(seccomp_verdicts_total{" + c + ",syscall=\"getpriority\"}[5m])")),
              12)
        << id;
    EXPECT_EQ(scalar_value(prometheus.query("max_over_time(seccomp_verdicts_total{" + c + ",syscall=\"times\"}[5m])")), 10)
        << id;
    EXPECT_EQ(scalar_value(prometheus.query("count(count_over_time(seccomp_verdicts_total{" + c + ",syscall=\"uname\"}[5m]))")),
              -1)
        << id << ": the rarest verdict is folded, not exported";
  }

  // Release the steady container (its second read), and it exits cleanly.
  const std::string steady_fifo = daemon.dir + "/go-steady";
  int fd = open(steady_fifo.c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(write(fd, "done\n", 5), 5);
  close(fd);
  EXPECT_EQ(steady.wait().exit_code, 0);
}

}  // namespace
}  // namespace sc::metrics
