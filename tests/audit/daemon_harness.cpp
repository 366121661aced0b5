#include "tests/audit/daemon_harness.h"

#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "host/cgroup2.h"
#include "isolator/registry/registry.h"
#include "tests/support/process.h"
#include "common/arch.h"
#include "common/seccomp_ret.h"

namespace sc::testing {
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

Clock::time_point deadline_in(double seconds) {
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

// The step of every wait-until loop below: the thing waited for is a file the daemon
// rewrites (at least every --flush_interval), which offers no event to block on.
void poll_step() { std::this_thread::sleep_for(std::chrono::milliseconds(10)); }

std::string describe_status(const DaemonHarness::Status& s) {
  if (!s.readable) return "state.json not readable (" + s.error + ")";
  std::string out = "flush_seq " + std::to_string(s.flush_seq) + ", watched:";
  for (const auto& w : s.watched)
    out += " " + w.container_id + " (" + w.cgroup_path + ", since " + std::to_string(w.since_ns) + ")";
  return out + (s.watched.empty() ? " none" : "");
}

int64_t coarse_realtime_ms_ns() {
  timespec t{};
  clock_gettime(CLOCK_REALTIME_COARSE, &t);
  int64_t ns = int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec;
  return ns - ns % 1'000'000;  // audit stamps are printed in milliseconds
}

}  // namespace

std::string binary(const std::string& name) { return built_binary(name); }

uint64_t verdict_count(const audit::State& st, const std::string& container, const std::string& syscall,
                       const std::string& action) {
  auto c = st.containers.find(container);
  if (c == st.containers.end()) return 0;
  uint64_t n = 0;
  for (const auto& [k, v] : c->second.verdicts)
    if (v.syscall == syscall && sc::common::action_text(k.action) == action) n += v.count;
  return n;
}


int run_program(const std::vector<std::string>& argv, std::string* out, bool with_stderr) {
  ProcessOptions options;
  options.stderr_to = with_stderr ? ProcessOptions::Stderr::Merge : ProcessOptions::Stderr::Inherit;
  auto r = run_process(argv, options);
  if (out) *out = std::move(r.out);
  return r.status;
}

DaemonHarness::DaemonHarness() {
  char tmpl[] = "/tmp/sc-daemon-test-XXXXXX";
  dir_ = mkdtemp(tmpl);
  fs::create_directories(state_dir());
  fs::create_directories(registry::containers_dir(runtime_dir()));
  cgroup_mount = host::cgroup2_mount();
  parent_rel = "/sc-daemon-test-" + std::to_string(getpid()) + ".slice/t";
  fs::create_directories(cgroup_mount + parent_rel);
}

DaemonHarness::~DaemonHarness() {
  if (daemon_ > 0) stop_daemon(SIGKILL);
  for (auto it = cgroups_.rbegin(); it != cgroups_.rend(); ++it) rmdir((cgroup_mount + *it).c_str());
  rmdir((cgroup_mount + parent_rel).c_str());
  rmdir((cgroup_mount + fs::path(parent_rel).parent_path().string()).c_str());
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string DaemonHarness::log() const {
  std::ifstream in(log_path());
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void DaemonHarness::start_daemon(const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {binary("seccomp-audit"), "run", "--state_dir=" + state_dir(),
                                   "--runtime_dir=" + runtime_dir(), "--listen=off", "--flush_interval=0.2",
                                   "--scan_interval=0.2", "--pin_dir=" + dir_ + "/nonexistent-bpffs"};
  // A flag given in `extra` replaces the harness's default for it.
  for (const auto& x : extra) {
    std::string name = x.substr(0, x.find('='));
    std::erase_if(argv, [&](const std::string& a) { return a.rfind(name + "=", 0) == 0; });
    argv.push_back(x);
  }
  // The log is appended to across restarts: only a start-up line written after this point
  // means this daemon is ready (an earlier run's line would let the test race its start-up).
  const size_t log_start = log().size();
  daemon_ = fork();
  if (daemon_ == 0) {
    int fd = open(log_path().c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 2);
    dup2(fd, 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  // Ready when the start-up line is logged.
  for (int i = 0; i < 500; ++i) {
    if (log().find("seccomp-audit running", log_start) != std::string::npos) return;
    int status;
    if (waitpid(daemon_, &status, WNOHANG) == daemon_) {
      daemon_ = -1;
      throw std::runtime_error("daemon exited at start-up: " + log());
    }
    // Start-up is logged to a file (no event to block on): poll it.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("daemon did not start: " + log());
}

void DaemonHarness::stop_daemon(int sig) {
  if (daemon_ <= 0) return;
  kill(daemon_, sig);
  int status = 0;
  waitpid(daemon_, &status, 0);
  daemon_ = -1;
}

DaemonHarness::Status DaemonHarness::status() const {
  Status st;
  std::ifstream in(state_dir() + "/state.json");
  if (!in) {
    st.error = "cannot open";
    return st;
  }
  std::stringstream text;
  text << in.rdbuf();
  try {
    auto j = nlohmann::json::parse(text.str());
    const auto& d = j.at("daemon");
    st.flush_seq = d.value("flush_seq", uint64_t{0});
    if (d.contains("watched"))
      for (const auto& w : d.at("watched"))
        st.watched.push_back({w.value("container_id", std::string()), w.value("cgroup_path", std::string()),
                              w.value("cgroup_id", uint64_t{0}), w.value("since_ns", int64_t{0})});
    st.readable = true;
  } catch (const std::exception& e) {
    st.error = e.what();
  }
  return st;
}

std::string DaemonHarness::log_tail(size_t bytes) const {
  std::string l = log();
  return l.size() > bytes ? "[...]\n" + l.substr(l.size() - bytes) : l;
}

std::string DaemonHarness::describe(const audit::State& st) {
  std::string out;
  for (const auto& [id, c] : st.containers)
    for (const auto& [k, v] : c.verdicts)
      out += "  " + id + " [" + c.runtime + "] " + v.syscall + "/" + sc::common::action_text(k.action) + " = " + std::to_string(v.count) + "\n";
  return out.empty() ? "  (no verdicts)\n" : out;
}

bool DaemonHarness::wait_flush(double seconds) {
  const uint64_t before = status().flush_seq;
  auto deadline = deadline_in(seconds);
  Status now;
  while (Clock::now() < deadline) {
    now = status();
    if (now.readable && now.flush_seq > before) return true;
    poll_step();
  }
  ADD_FAILURE() << "timed out (" << seconds << " s) waiting for a flush after flush_seq " << before << "; "
                << describe_status(now) << "\ndaemon log:\n" << log_tail();
  return false;
}

bool DaemonHarness::wait_state(const std::function<bool(const audit::State&)>& done, const std::string& what,
                               double seconds) {
  auto deadline = deadline_in(seconds);
  audit::State last;
  std::string problem = "never read";
  while (Clock::now() < deadline) {
    try {
      last = read_state();
      problem.clear();
      if (done(last)) return true;
    } catch (const std::exception& e) {
      problem = e.what();  // not written yet
    }
    poll_step();
  }
  ADD_FAILURE() << "timed out (" << seconds << " s) waiting for " << what << "; state.json "
                << (problem.empty() ? "had:\n" + describe(last) : "unreadable: " + problem + "\n") << describe_status(status())
                << "\ndaemon log:\n" << log_tail();
  return false;
}

bool DaemonHarness::wait_until_watched(const std::string& container_id, double seconds) {
  auto deadline = deadline_in(seconds);
  Status now;
  while (Clock::now() < deadline) {
    now = status();
    for (const auto& w : now.watched) {
      if (w.container_id != container_id) continue;
      // The hand-over instant: audit records stamped before since_ns are the audit stream's.
      // The stamps come from the kernel's coarse clock: wait (at most a tick) until it has
      // passed since_ns, so that every later call is stamped on the tracer's side.
      while (coarse_realtime_ms_ns() < w.since_ns) {
        if (Clock::now() > deadline) {
          ADD_FAILURE() << "the coarse clock did not reach since_ns " << w.since_ns << " of " << container_id;
          return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));  // polling a clock: 1 ms steps
      }
      return true;
    }
    poll_step();
  }
  ADD_FAILURE() << "timed out (" << seconds << " s) waiting for the daemon to watch " << container_id << "; "
                << describe_status(now) << "\ndaemon log:\n" << log_tail();
  return false;
}

bool DaemonHarness::mark(double seconds) {
  const std::string id = marker_id();
  if (marker_cgroup_.empty()) marker_cgroup_ = make_cgroup("marker");
  auto child = fork_child(
      marker_cgroup_,
      [] {
        scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
        if (!ctx || seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1) != 0 ||
            seccomp_rule_add(ctx, SCMP_ACT_LOG, SCMP_SYS(getpgrp), 0) != 0 ||
            seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(getsid), 0) != 0 || seccomp_load(ctx) != 0)
          return 90;
        seccomp_release(ctx);
        if (syscall(SYS_getpgrp) <= 0) return 91;
        if (syscall(SYS_getsid, 0) != -1 || errno != EPERM) return 92;
        return 0;
      },
      true);
  if (!registry::read(runtime_dir(), id)) write_registry(id, child.pid, marker_cgroup_, "enforce");
  if (!wait_until_watched(id, seconds)) {
    release(child);
    wait_child(child);
    return false;
  }
  release(child);
  const uint64_t n = static_cast<uint64_t>(++markers_);
  bool ok = wait_state(
      [&](const audit::State& s) {
        return verdict_count(s, id, "getpgrp", "log") >= n && verdict_count(s, id, "getsid", "errno") >= n;
      },
      "marker " + std::to_string(n) + " (getpgrp/log and getsid/errno of " + id + ")", seconds);
  int st = wait_child(child);
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    ADD_FAILURE() << "the marker child failed: status " << st;
    return false;
  }
  if (ok) {
    auto s = read_state();
    if (verdict_count(s, id, "getpgrp", "log") != n || verdict_count(s, id, "getsid", "errno") != n) {
      ADD_FAILURE() << "marker " << n << " counted more than once:\n" << describe(s);
      return false;
    }
  }
  return ok;
}

std::string DaemonHarness::make_cgroup(const std::string& id) {
  std::string rel = parent_rel + "/" + id;
  fs::create_directories(cgroup_mount + rel);
  cgroups_.push_back(rel);
  return rel;
}

DaemonHarness::Child DaemonHarness::fork_child(const std::string& cgroup_rel, const std::function<int()>& body,
                                               bool hold) {
  int gate[2], held[2] = {-1, -1};
  if (pipe2(gate, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  if (hold && pipe2(held, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  std::string procs = cgroup_mount + cgroup_rel + "/cgroup.procs";
  pid_t pid = fork();
  if (pid == 0) {
    close(gate[1]);
    if (hold) close(held[1]);
    int fd = open(procs.c_str(), O_WRONLY);
    if (fd < 0 || write(fd, "0", 1) != 1) _exit(80);
    close(fd);
    char c;
    if (read(gate[0], &c, 1) != 1) _exit(81);
    int rc = body();
    if (hold) (void)!read(held[0], &c, 1);  // until finish(): end of file
    _exit(rc);
  }
  close(gate[0]);
  if (hold) close(held[0]);
  return {pid, gate[1], held[1]};
}

void DaemonHarness::release(Child& child) {
  if (write(child.gate, "x", 1) != 1) throw std::runtime_error("release");
  close(child.gate);
  child.gate = -1;
}

void DaemonHarness::finish(Child& child) {
  if (child.hold >= 0) close(child.hold);
  child.hold = -1;
}

int DaemonHarness::wait_child(Child& child) {
  finish(child);
  int status = 0;
  waitpid(child.pid, &status, 0);
  return status;
}

void DaemonHarness::write_registry(const std::string& id, pid_t pid, const std::string& cgroup_rel,
                                   const std::string& mode, const std::string& profile_path,
                                   const std::vector<std::string>& capabilities) {
  registry::Entry e;
  e.container_id = id;
  e.pid = pid;
  e.cgroup_path = cgroup_rel;
  e.cgroup_id = host::cgroup_id(cgroup_mount + cgroup_rel);
  e.profile_name = "test.json";
  e.mode = mode;
  e.profile_path = profile_path;
  e.capabilities = capabilities;
  e.command = {"test"};
  e.started_at_ns = static_cast<int64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::system_clock::now().time_since_epoch()).count());
  registry::write(runtime_dir(), e);
}

void DaemonHarness::mark_exited(const std::string& id, pid_t pid, const std::string& cgroup_rel, const std::string& mode) {
  auto e = registry::read(runtime_dir(), id);
  if (!e) {
    write_registry(id, pid, cgroup_rel, mode);
    e = registry::read(runtime_dir(), id);
  }
  e->exited_at_ns = e->started_at_ns + 1;
  e->exit_status = 0;
  registry::write(runtime_dir(), *e);
}

audit::State DaemonHarness::read_state() const {
  std::ifstream in(state_dir() + "/state.json");
  std::stringstream s;
  s << in.rdbuf();
  return audit::from_json_text(s.str());
}

std::string DaemonHarness::events_json(int* status, const std::string& container) const {
  std::vector<std::string> argv = {binary("seccomp-audit"), "events", "--state_dir=" + state_dir(), "--format=json"};
  if (!container.empty()) argv.push_back("--container=" + container);
  std::string out;
  int st = run_program(argv, &out);
  if (status) *status = st;
  return out;
}

PinDir::~PinDir() {
  sc::testing::run_program({sc::testing::binary("seccomp-audit"), "run", "--reset", "--pin_dir=" + path});
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

bool load_single_rule_filter(uint32_t action, int syscall_nr) {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (!ctx) return false;
  bool ok = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1) == 0 && seccomp_rule_add(ctx, action, syscall_nr, 0) == 0 &&
            seccomp_load(ctx) == 0;
  seccomp_release(ctx);
  return ok;
}

}  // namespace sc::testing
