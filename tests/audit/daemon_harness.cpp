#include "tests/audit/daemon_harness.h"

#include <fcntl.h>
#include <signal.h>
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

#include "host/cgroup2.h"
#include "isolator/registry/registry.h"

namespace sc::testing {
namespace fs = std::filesystem;

std::string binary(const std::string& name) { return std::string(SC_BINARY_DIR) + "/bin/" + name; }

int run_program(const std::vector<std::string>& argv, std::string* out) {
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  pid_t pid = fork();
  if (pid == 0) {
    dup2(pipefd[1], 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(pipefd[1]);
  std::string text;
  char buffer[4096];
  ssize_t n;
  while ((n = read(pipefd[0], buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<size_t>(n));
  close(pipefd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (out) *out = text;
  return status;
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
  for (int i = 0; i < 200; ++i) {
    if (log().find("seccomp-audit running", log_start) != std::string::npos) return;
    int status;
    if (waitpid(daemon_, &status, WNOHANG) == daemon_) {
      daemon_ = -1;
      throw std::runtime_error("daemon exited at start-up: " + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
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

void DaemonHarness::wait_until_watched(const std::string& container_id) {
  for (int w = 0; w < 100 && log().find("watching container " + container_id) == std::string::npos; ++w)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

void DaemonHarness::wait_flush() {
  std::string path = state_dir() + "/state.json";
  struct stat before{};
  stat(path.c_str(), &before);
  for (int i = 0; i < 100; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    struct stat now{};
    if (stat(path.c_str(), &now) == 0 && (now.st_ino != before.st_ino || now.st_mtim.tv_nsec != before.st_mtim.tv_nsec))
      return;
  }
}

std::string DaemonHarness::make_cgroup(const std::string& id) {
  std::string rel = parent_rel + "/" + id;
  fs::create_directories(cgroup_mount + rel);
  cgroups_.push_back(rel);
  return rel;
}

DaemonHarness::Child DaemonHarness::fork_child(const std::string& cgroup_rel, const std::function<int()>& body) {
  int gate[2];
  if (pipe2(gate, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  std::string procs = cgroup_mount + cgroup_rel + "/cgroup.procs";
  pid_t pid = fork();
  if (pid == 0) {
    close(gate[1]);
    int fd = open(procs.c_str(), O_WRONLY);
    if (fd < 0 || write(fd, "0", 1) != 1) _exit(80);
    close(fd);
    char c;
    if (read(gate[0], &c, 1) != 1) _exit(81);
    _exit(body());
  }
  close(gate[0]);
  return {pid, gate[1]};
}

void DaemonHarness::release(Child& child) {
  if (write(child.gate, "x", 1) != 1) throw std::runtime_error("release");
  close(child.gate);
  child.gate = -1;
}

int DaemonHarness::wait_child(const Child& child) {
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

}  // namespace sc::testing
