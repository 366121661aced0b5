// Shadow evaluation end to end (issue 13): the real daemon with the BPF tracer live, real
// containers from `seccomp-isolator launch`, and the proof that the shadow is right: the same
// deterministic workload runs twice,
//   1. under P (Docker's profile, enforcing) while candidates are shadowed;
//   2. under each candidate for real, in audit mode, the daemon recording its would-be verdicts;
// and per (syscall, arch, action) the shadow's counts equal what the candidate really did.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "state/shadow.h"
#include "tests/audit/daemon_harness.h"
#include "tests/support/privileges.h"
#include "common/arch.h"
#include "common/seccomp_ret.h"

using sc::testing::DaemonHarness;
using sc::testing::PinDir;

namespace {

// Docker's default capabilities: no CAP_SYS_ADMIN, so its clone rule checks the flags.
const char* kDockerCaps =
    R"({"linux_info":{"bounding_capabilities":{"capabilities":["CHOWN","DAC_OVERRIDE","FSETID","FOWNER","MKNOD",)"
    R"("NET_RAW","SETGID","SETUID","SETFCAP","SETPCAP","NET_BIND_SERVICE","SYS_CHROOT","KILL","AUDIT_WRITE"]}}})";

nlohmann::json docker_profile() {
  std::ifstream in(std::string(SC_SHARED_DIR) + "/profiles/docker-default.json");
  return nlohmann::json::parse(in);
}

// Removes `name` from every ALLOW rule of `p` (a rule left without names is dropped).
void disallow(nlohmann::json& p, const std::string& name, const std::function<bool(const nlohmann::json&)>& which = {}) {
  auto& rules = p["syscalls"];
  for (auto it = rules.begin(); it != rules.end();) {
    auto& names = (*it)["names"];
    if ((*it)["action"] == "SCMP_ACT_ALLOW" && (!which || which(*it)))
      names.erase(std::remove(names.begin(), names.end(), name), names.end());
    it = names.empty() ? rules.erase(it) : std::next(it);
  }
}

// Stricter than Docker's: uname denied with EACCES, times kills, personality(0xffffffff) no
// longer allowed (an argument-checked rule removed).
nlohmann::json stricter_profile() {
  nlohmann::json p = docker_profile();
  disallow(p, "uname");
  disallow(p, "times");
  disallow(p, "personality", [](const nlohmann::json& r) {
    return r.contains("args") && r["args"].size() == 1 && r["args"][0]["value"] == 4294967295u;
  });
  p["syscalls"].push_back({{"names", {"uname"}}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", 13}});
  p["syscalls"].push_back({{"names", {"times"}}, {"action", "SCMP_ACT_KILL_PROCESS"}});
  return p;
}

// Looser: keyctl, personality and clone allowed whatever their arguments.
nlohmann::json looser_profile() {
  nlohmann::json p = docker_profile();
  p["syscalls"].push_back({{"names", {"keyctl", "personality", "clone"}}, {"action", "SCMP_ACT_ALLOW"}});
  return p;
}

// The workload's syscalls (tests/audit/shadow_workload.cpp): only these are compared (the
// launcher's and the loader's calls before the barrier are not part of the shadow).
const std::set<std::string> kBody = {"uname", "getppid", "times", "personality", "keyctl", "add_key", "clone", "getpid"};

// Launches `id` under `profile` running the workload behind a FIFO barrier; `before_release`
// runs once the daemon watches the container. Returns launch's wait status and output.
int launch(DaemonHarness& h, const std::string& profiles, const std::string& id, const std::string& profile,
           bool audit, const std::function<void()>& before_release, std::string* out) {
  const std::string fifo = h.dir() + "/go-" + id;
  EXPECT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::vector<std::string> argv = {sc::testing::binary("seccomp-isolator"), "launch",
                                   "--seccomp_config_dir=" + profiles, "--seccomp_profile_name=" + profile,
                                   "--runtime_dir=" + h.runtime_dir(), "--container_id=" + id,
                                   std::string("--container_info=") + kDockerCaps};
  if (audit) argv.push_back("--audit");
  argv.insert(argv.end(), {"--", SC_SHADOW_WORKLOAD, fifo});
  int status = -1;
  std::thread launcher([&] { status = sc::testing::run_program(argv, out); });
  h.wait_until_watched(id);
  before_release();
  int fd = -1;
  for (int i = 0; i < 10000 && fd < 0; ++i) {
    fd = open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));  // a FIFO has no "opened" event: poll
  }
  EXPECT_GE(fd, 0) << "the workload never read its barrier";
  if (fd >= 0) {
    EXPECT_EQ(write(fd, "go\n", 3), 3);
    close(fd);
  }
  launcher.join();
  return status;
}

// `seccomp-audit shadow ARGS --state_dir=...` as an operator runs it; stdout and stderr in `out`.
int shadow_cli(const DaemonHarness& h, std::vector<std::string> args, std::string* out) {
  args.insert(args.begin(), {sc::testing::binary("seccomp-audit"), "shadow"});
  args.push_back("--state_dir=" + h.state_dir());
  int st = sc::testing::run_program(args, out, true);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

// `shadow start` of `profile_path` on `containers`; it returns once the daemon took it up.
void request_shadow(const DaemonHarness& h, const std::string& name, const std::string& profile_path,
                    const std::vector<std::string>& containers) {
  std::vector<std::string> args = {"start", "--name=" + name, "--profile=" + profile_path, "--wait=30"};
  for (const auto& c : containers) args.push_back("--container=" + c);
  std::string out;
  EXPECT_EQ(shadow_cli(h, args, &out), 0) << out << h.log_tail();
  EXPECT_NE(out.find("shadow " + name + ": active"), std::string::npos) << out;
}

using Tally = std::map<std::tuple<std::string, std::string, std::string>, uint64_t>;  // (syscall, arch, action)

std::string show(const Tally& t) {
  std::ostringstream o;
  for (const auto& [k, n] : t) o << "  " << std::get<0>(k) << "/" << std::get<1>(k) << " " << std::get<2>(k) << " x" << n << "\n";
  return o.str();
}

std::string show_rows(const sc::audit::ShadowRecord& r) {
  std::ostringstream o;
  o << r.name << " [" << r.status << "] " << r.detail << "\n";
  for (const auto& row : r.rows)
    o << "  " << row.container << " " << row.syscall << "/" << sc::common::arch_name(row.arch)
      << " current=" << sc::common::action_text(row.current) << "(" << row.current_errno
      << ") candidate=" << sc::common::action_text(row.candidate) << "(" << row.candidate_errno << ") x" << row.count << "\n";
  return o.str();
}

uint64_t rows_count(const sc::audit::ShadowRecord& r, const std::string& syscall, const std::string& arch,
                    const std::string& current, const std::string& candidate, int32_t candidate_errno = -2) {
  uint64_t n = 0;
  for (const auto& row : r.rows)
    if (row.syscall == syscall && sc::common::arch_name(row.arch) == arch && sc::common::action_text(row.current) == current &&
        sc::common::action_text(row.candidate) == candidate &&
        (candidate_errno == -2 || row.candidate_errno == candidate_errno))
      n += row.count;
  return n;
}

}  // namespace

TEST(Shadow, CandidateCountsEqualWhatTheCandidateReallyDoes) {
  SC_REQUIRE_ROOT();
  SC_REQUIRE(std::filesystem::is_directory("/sys/fs/bpf"), "bpffs is not mounted at /sys/fs/bpf");
  PinDir pins;  // destroyed after the harness (which stops the daemon first)
  DaemonHarness h;
  h.start_daemon({"--pin_dir=" + pins.path, "--syscall_hooks=auto", "--listen=127.0.0.1:0"});
  const std::string profiles = h.dir() + "/profiles";
  std::filesystem::create_directories(profiles);
  std::ofstream(profiles + "/docker.json") << docker_profile().dump(1);
  std::ofstream(profiles + "/stricter.json") << stricter_profile().dump(1);
  std::ofstream(profiles + "/looser.json") << looser_profile().dump(1);
  const std::string pid = std::to_string(getpid());

  // 1. Under Docker's profile, with both candidates shadowed from before the workload's calls.
  const std::string shadowed = "shadowed-" + pid;
  std::string out;
  int st = launch(h, profiles, shadowed, "docker.json", false, [&] {
    request_shadow(h, "stricter", profiles + "/stricter.json", {shadowed});
    request_shadow(h, "looser", profiles + "/looser.json", {shadowed});
    h.wait_state([&](const sc::audit::State& s) {
      for (const char* n : {"stricter", "looser"}) {
        auto it = s.shadows.find(n);
        if (it == s.shadows.end() || !it->second.targets.count(shadowed)) return false;
      }
      return true;
    }, "both shadows active on " + shadowed);
  }, &out);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st << " " << out << h.log_tail();
  ASSERT_TRUE(h.mark());  // every record of run 1 is in the state, and its rows in the same flush
  const sc::audit::State s1 = h.read_state();
  ASSERT_TRUE(s1.shadows.count("stricter") && s1.shadows.count("looser")) << h.log_tail();
  const auto& stricter = s1.shadows.at("stricter");
  const auto& looser = s1.shadows.at("looser");
  ASSERT_EQ(stricter.status, "active") << stricter.detail;
  EXPECT_EQ(stricter.lost, 0u);

  // Literal expectations, worked out from the workload and the three profiles.
  SCOPED_TRACE(show_rows(stricter) + show_rows(looser));
  EXPECT_EQ(rows_count(stricter, "uname", "x86_64", "allow", "errno", 13), 3u);
  EXPECT_EQ(rows_count(stricter, "uname", "x86", "allow", "errno", 13), 1u);     // int 0x80
  EXPECT_EQ(rows_count(stricter, "times", "x86_64", "allow", "kill_process"), 1u);
  EXPECT_EQ(rows_count(stricter, "personality", "x86_64", "allow", "errno", 1), 1u);  // 0xffffffff, per tuple
  EXPECT_EQ(rows_count(stricter, "personality", "x86_64", "allow", "allow"), 1u);     // 0x0008
  EXPECT_EQ(rows_count(stricter, "personality", "x86_64", "errno", "unknown"), 2u);   // denied: no arguments
  EXPECT_EQ(rows_count(stricter, "clone", "x86_64", "errno", "unknown"), 1u);
  EXPECT_EQ(rows_count(stricter, "keyctl", "x86_64", "errno", "errno", 1), 2u);
  EXPECT_EQ(rows_count(stricter, "getpid", "x86", "allow", "allow"), 2u);
  EXPECT_EQ(rows_count(looser, "keyctl", "x86_64", "errno", "allow"), 2u);           // newly allowed
  EXPECT_EQ(rows_count(looser, "personality", "x86_64", "errno", "allow"), 2u);
  EXPECT_EQ(rows_count(looser, "personality", "x86", "errno", "allow"), 1u);
  EXPECT_EQ(rows_count(looser, "clone", "x86_64", "errno", "allow"), 1u);
  EXPECT_EQ(rows_count(looser, "add_key", "x86_64", "errno", "errno", 1), 1u);
  EXPECT_EQ(rows_count(looser, "uname", "x86_64", "allow", "allow"), 3u);
  // A call the container's filter denied never reached sys_enter: no row says it ran.
  EXPECT_EQ(rows_count(looser, "keyctl", "x86_64", "allow", "allow"), 0u);

  // The same rows on the daemon's /metrics (seccomp_shadow_verdicts_total; the arch label only
  // for non-native calls), as Prometheus would scrape them.
  {
    std::string log = h.log();
    size_t at = log.rfind("metrics: http://");
    ASSERT_NE(at, std::string::npos) << log;
    std::string url = log.substr(at + 9, log.find('\n', at) - at - 9);
    std::string text;
    ASSERT_EQ(sc::testing::run_program({"/usr/bin/curl", "-sf", url}, &text), 0) << url;
    auto series = [&](const std::string& shadow, const std::string& syscall, const std::string& current,
                      const std::string& candidate, const std::string& arch) {
      double sum = -1;
      std::istringstream lines(text);
      std::string line;
      while (std::getline(lines, line)) {
        if (line.rfind("seccomp_shadow_verdicts_total{", 0) != 0) continue;
        bool match = line.find("shadow=\"" + shadow + "\"") != std::string::npos &&
                     line.find("container=\"" + shadowed + "\"") != std::string::npos &&
                     line.find("syscall=\"" + syscall + "\"") != std::string::npos &&
                     line.find("current=\"" + current + "\"") != std::string::npos &&
                     line.find("candidate=\"" + candidate + "\"") != std::string::npos &&
                     (arch.empty() ? line.find("arch=\"") == std::string::npos
                                   : line.find("arch=\"" + arch + "\"") != std::string::npos);
        if (match) sum = std::max(sum, 0.0) + std::stod(line.substr(line.rfind(' ') + 1));
      }
      return sum;
    };
    EXPECT_EQ(series("stricter", "uname", "allow", "errno", ""), 3) << text;
    EXPECT_EQ(series("stricter", "uname", "allow", "errno", "x86"), 1) << text;
    EXPECT_EQ(series("looser", "keyctl", "errno", "allow", ""), 2) << text;
    EXPECT_NE(text.find("seccomp_shadow_lost_total{shadow=\"stricter\"} 0"), std::string::npos) << text;
  }

  // The operator's view of the same record: `shadow results --format=json` row for row, and
  // the report on the too-strict candidate names what it would break.
  std::string cli;
  ASSERT_EQ(shadow_cli(h, {"results", "--name=stricter", "--format=json"}, &cli), 0) << cli;
  {
    auto rows = nlohmann::json::parse(cli);
    ASSERT_EQ(rows.size(), stricter.rows.size()) << cli;
    std::multiset<std::tuple<std::string, std::string, std::string, std::string, int64_t, uint64_t>> from_cli, recorded;
    for (const auto& j : rows)
      from_cli.insert({j["container"], j["syscall"], j["arch"], j["current"] .get<std::string>() + ">" + j["candidate"].get<std::string>(),
                       j["errno"].is_null() ? -1 : j["errno"].get<int64_t>(), j["count"]});
    for (const auto& r : stricter.rows)
      recorded.insert({r.container, r.syscall, sc::common::arch_name(r.arch),
                       sc::common::action_text(r.current) + ">" + sc::common::action_text(r.candidate), r.candidate_errno, r.count});
    EXPECT_EQ(from_cli, recorded);
  }
  std::string report;
  ASSERT_EQ(sc::testing::run_program({sc::testing::binary("seccomp-audit"), "report", "--shadow=stricter",
                                      "--state_dir=" + h.state_dir()}, &report), 0);
  EXPECT_NE(report.find("**Readiness: not ready**"), std::string::npos) << report;
  EXPECT_NE(report.find("| uname | x86 | allow | errno \\(13\\) | 1 |"), std::string::npos) << report;
  EXPECT_NE(report.find("| times | x86\\_64 | allow | kill\\_process | 1 |"), std::string::npos) << report;
  ASSERT_EQ(sc::testing::run_program({sc::testing::binary("seccomp-audit"), "report", "--shadow=looser",
                                      "--state_dir=" + h.state_dir()}, &report), 0);
  EXPECT_NE(report.find("## Calls it would break (0)"), std::string::npos) << report;
  EXPECT_NE(report.find("| keyctl | x86\\_64 | errno \\(1\\) | allow | 2 |"), std::string::npos) << report;

  // 2. Each candidate for real, in audit mode: its would-be verdicts are what it does.
  for (const auto* record : {&stricter, &looser}) {
    const std::string real = "real-" + record->name + "-" + pid;
    st = launch(h, profiles, real, record->name + ".json", true, [] {}, &out);
    ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << real << ": " << st << " " << out;
    ASSERT_TRUE(h.mark());
    const sc::audit::State s2 = h.read_state();
    Tally did, shadow_known;
    std::map<std::pair<std::string, std::string>, uint64_t> did_total, shadow_total;  // (syscall, arch)
    std::set<std::pair<std::string, std::string>> unknown;
    for (const auto& [k, v] : s2.containers.at(real).verdicts) {
      if (!kBody.count(v.syscall) || sc::common::action_text(k.action) != "log") continue;
      ASSERT_TRUE(v.would_be_action.has_value()) << v.syscall;
      did[{v.syscall, sc::common::arch_name(k.arch), sc::common::action_text(*v.would_be_action)}] += v.count;
      did_total[{v.syscall, sc::common::arch_name(k.arch)}] += v.count;
    }
    for (const auto& row : record->rows) {
      if (row.container != shadowed || !kBody.count(row.syscall) || row.candidate == sc::common::Action::Allow) continue;
      const std::string arch = sc::common::arch_name(row.arch);
      shadow_total[{row.syscall, arch}] += row.count;
      if (row.candidate == sc::common::Action::Unknown) unknown.insert({row.syscall, arch});
      else shadow_known[{row.syscall, arch, sc::common::action_text(row.candidate)}] += row.count;
    }
    SCOPED_TRACE(record->name + ": the candidate did\n" + show(did) + "the shadow said\n" + show(shadow_known));
    EXPECT_FALSE(did.empty());
    EXPECT_EQ(did_total, shadow_total) << "per (syscall, arch), every denial counted once, known or unknown";
    for (const auto& [k, n] : did)
      if (!unknown.count({std::get<0>(k), std::get<1>(k)})) {
        EXPECT_EQ(shadow_known[k], n) << std::get<0>(k) << "/" << std::get<1>(k);
      }
    for (const auto& [k, n] : shadow_known)
      if (!unknown.count({std::get<0>(k), std::get<1>(k)})) {
        EXPECT_EQ(did[k], n) << std::get<0>(k) << "/" << std::get<1>(k);
      }
  }

  // Stopping keeps the results: the final rows are those of the shadowed run.
  ASSERT_EQ(shadow_cli(h, {"stop", "--name=stricter", "--wait=30"}, &cli), 0) << cli << h.log_tail();
  EXPECT_NE(cli.find("shadow stricter: stopped"), std::string::npos) << cli;
  const auto stopped = h.read_state().shadows.at("stricter");
  EXPECT_EQ(stopped.status, "stopped");
  EXPECT_EQ(rows_count(stopped, "uname", "x86_64", "allow", "errno", 13), 3u);
  EXPECT_FALSE(std::filesystem::exists(sc::audit::shadow_request_path(h.state_dir(), "stricter")));
  ASSERT_EQ(shadow_cli(h, {"list", "--format=json"}, &cli), 0) << cli;
  std::map<std::string, std::string> status;
  for (const auto& j : nlohmann::json::parse(cli)) status[j["name"]] = j["status"];
  EXPECT_EQ(status, (std::map<std::string, std::string>{{"looser", "active"}, {"stricter", "stopped"}}));
}

// Without the tracer (the harness's default pin dir is not on bpffs) a request is refused,
// saying why, and nothing is counted.
TEST(Shadow, WithoutTheTracerARequestIsRefusedWithTheReason) {
  SC_REQUIRE_ROOT();
  DaemonHarness h;
  h.start_daemon();
  const std::string profile = h.dir() + "/candidate.json";
  std::ofstream(profile) << docker_profile().dump();
  std::string out;
  EXPECT_EQ(shadow_cli(h, {"start", "--name=blind", "--profile=" + profile, "--container=anything", "--wait=30"}, &out), 1)
      << out;
  EXPECT_NE(out.find("refused by the daemon"), std::string::npos) << out;
  EXPECT_NE(out.find("raw_tp/sys_enter"), std::string::npos) << out;
  EXPECT_NE(out.find("cannot see allowed calls"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(sc::audit::shadow_request_path(h.state_dir(), "blind")))
      << "a refused request is not left behind";
  const auto r = h.read_state().shadows.at("blind");
  EXPECT_EQ(r.status, "refused");
  EXPECT_TRUE(r.rows.empty());
}

// A shadow outlives a crash of the daemon: the request is a file, the record and its targets
// are in state.json, the kernel's table and counts in the pinned maps. The calls made after
// the restart are counted exactly as without one.
TEST(Shadow, AShadowSurvivesADaemonCrash) {
  SC_REQUIRE_ROOT();
  SC_REQUIRE(std::filesystem::is_directory("/sys/fs/bpf"), "bpffs is not mounted at /sys/fs/bpf");
  PinDir pins;
  DaemonHarness h;
  const std::vector<std::string> flags = {"--pin_dir=" + pins.path, "--syscall_hooks=auto"};
  h.start_daemon(flags);
  const std::string profiles = h.dir() + "/profiles";
  std::filesystem::create_directories(profiles);
  std::ofstream(profiles + "/docker.json") << docker_profile().dump(1);
  std::ofstream(profiles + "/stricter.json") << stricter_profile().dump(1);
  const std::string id = "crash-" + std::to_string(getpid());
  std::string out;
  int st = launch(h, profiles, id, "docker.json", false, [&] {
    request_shadow(h, "stricter", profiles + "/stricter.json", {id});
    ASSERT_TRUE(h.wait_flush());
    h.stop_daemon(SIGKILL);
    h.start_daemon(flags);
    h.wait_until_watched(id);
    ASSERT_TRUE(h.wait_state([&](const sc::audit::State& s) {
      auto it = s.shadows.find("stricter");
      return it != s.shadows.end() && it->second.status == "active" && it->second.targets.count(id);
    }, "the shadow active again after the restart")) << h.log_tail();
  }, &out);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st << " " << out << h.log_tail();
  ASSERT_TRUE(h.mark());
  const auto r = h.read_state().shadows.at("stricter");
  SCOPED_TRACE(show_rows(r) + h.log_tail());
  EXPECT_EQ(r.status, "active");
  EXPECT_EQ(rows_count(r, "uname", "x86_64", "allow", "errno", 13), 3u);
  EXPECT_EQ(rows_count(r, "uname", "x86", "allow", "errno", 13), 1u);
  EXPECT_EQ(rows_count(r, "times", "x86_64", "allow", "kill_process"), 1u);
  EXPECT_EQ(rows_count(r, "personality", "x86_64", "allow", "errno", 1), 1u);
  EXPECT_EQ(rows_count(r, "keyctl", "x86_64", "errno", "errno", 1), 2u);
  EXPECT_EQ(rows_count(r, "getpid", "x86", "allow", "allow"), 2u);
}
