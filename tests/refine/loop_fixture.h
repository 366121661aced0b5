// The closed-loop tests' fixture: the real daemon (`seccomp-audit run`) with private dirs and
// its own bpffs pin dir, and `seccomp-isolator launch` of a workload it watches.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "audit/refine/state_input.h"
#include "tests/refine/process.h"
#include "tests/refine/recorded_state.h"

namespace sc::refine::testing {

namespace loop_fs = std::filesystem;

// The syscalls the closed loop's too-strict profile (Docker's default without them) denies.
inline const std::vector<std::string> kRemoved = {"uname", "sysinfo", "getrusage"};

// CLOCK_REALTIME_COARSE in whole milliseconds: what audit records are stamped with.
inline int64_t coarse_ms_ns() {
  timespec t{};
  clock_gettime(CLOCK_REALTIME_COARSE, &t);
  int64_t ns = int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec;
  return ns - ns % 1'000'000;
}

// The real daemon with private dirs and its own bpffs pin dir; stopped (SIGTERM, so it
// flushes) and cleaned up in the destructor, also when a test fails.
class Daemon {
 public:
  // extra: more `run` flags (a --listen=... there replaces the default --listen=off).
  Daemon(const std::string& dir, const std::string& pin_dir, const std::vector<std::string>& extra = {})
      : dir_(dir), pin_dir_(pin_dir) {
    log_ = dir + "/daemon.log";
    pid_ = fork();
    if (pid_ == 0) {
      FILE* f = std::fopen(log_.c_str(), "w");
      if (f) { dup2(fileno(f), 1); dup2(fileno(f), 2); }
      std::string a0 = bin("seccomp-audit");
      std::vector<std::string> args = {a0, "run", "--state_dir=" + dir + "/state", "--runtime_dir=" + dir + "/run",
                                       "--listen=off", "--flush_interval=0.2", "--scan_interval=0.2",
                                       "--syscall_hooks=on", "--pin_dir=" + pin_dir};
      for (const auto& e : extra) {
        if (e.rfind("--listen=", 0) == 0) args.erase(std::find(args.begin(), args.end(), "--listen=off"));
        args.push_back(e);
      }
      std::vector<char*> argv;
      for (auto& s : args) argv.push_back(s.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    for (int i = 0; i < 500; ++i) {
      if (read_file(log_).find("seccomp-audit running") != std::string::npos) return;
      int status;
      if (waitpid(pid_, &status, WNOHANG) == pid_) { pid_ = -1; return; }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling the log file for start-up
    }
  }
  ~Daemon() {
    stop();
    std::error_code ec;
    loop_fs::remove_all(pin_dir_, ec);  // bpffs pins: unlink is how they go
  }
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  std::string log() const { return read_file(log_); }
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status;
    for (int i = 0; i < 100 && waitpid(pid_, &status, WNOHANG) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // up to 5 s for its final flush, then SIGKILL
    if (waitpid(pid_, &status, WNOHANG) == 0) { kill(pid_, SIGKILL); waitpid(pid_, &status, 0); }
    pid_ = -1;
  }
  // Polls state.json until `ready(state)` holds (the daemon flushes every 0.2 s).
  template <class Pred>
  bool wait_for(Pred ready, int seconds = 15) {
    for (int i = 0; i < seconds * 100; ++i) {
      try {
        audit::State st = load_state(dir_ + "/state");
        if (ready(st)) return true;
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling a file the daemon rewrites
    }
    return false;
  }
  // Waits until state.json's daemon.watched lists `id` (docs/daemon.md, "Durable state"),
  // then until the coarse clock audit records are stamped with has reached the tracer's
  // since_ns for it: every later call is counted by exactly one source, and learned.
  bool wait_watched(const std::string& id, int seconds = 15) {
    for (int i = 0; i < seconds * 100; ++i) {
      int64_t since = -1;
      try {
        auto j = nlohmann::json::parse(read_file(dir_ + "/state/state.json"));
        for (const auto& w : j.at("daemon").value("watched", nlohmann::json::array()))
          if (w.value("container_id", "") == id) since = w.value("since_ns", int64_t{0});
      } catch (const std::exception&) {
      }
      if (since >= 0) {
        while (coarse_ms_ns() < since) std::this_thread::sleep_for(std::chrono::milliseconds(1));  // a clock tick at most
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling a file the daemon rewrites
    }
    return false;
  }

 private:
  std::string dir_, pin_dir_, log_;
  pid_t pid_ = -1;
};

struct Loop : ::testing::Test {
  TempDir tmp;
  std::string config, run_dir, state_dir, pin_dir;
  std::string workload;
  void SetUp() override {
    config = tmp.path() + "/config";
    run_dir = tmp.path() + "/run";
    state_dir = tmp.path() + "/state";
    loop_fs::create_directories(config);
    loop_fs::create_directories(state_dir);
    pin_dir = "/sys/fs/bpf/sc-refine-test-" + std::to_string(getpid());
    // The too-strict profile: Docker's default without three names the workload needs.
    write_docker_default_without("strict.json", kRemoved);
    workload = bin("refine_workload");
  }
  // config/<file>: Docker's default profile with `removed` taken out of its allow-list.
  void write_docker_default_without(const std::string& file, const std::vector<std::string>& removed) {
    nlohmann::ordered_json profile = nlohmann::ordered_json::parse(read_file(shared_profile("docker-default.json")));
    auto& names = profile["syscalls"][0]["names"];
    for (const auto& n : removed)
      for (size_t i = 0; i < names.size(); ++i)
        if (names[i] == n) { names.erase(i); break; }
    write_file(config + "/" + file, profile.dump(1, '\t') + "\n");
  }
  ProcessResult launch(const std::string& profile, const std::string& id, bool audit,
                       const std::vector<std::string>& command, int timeout_seconds = 60) {
    std::vector<std::string> args = {bin("seccomp-isolator"), "launch", "--isolation=linux/seccomp",
                                     "--seccomp_config_dir=" + config, "--seccomp_profile_name=" + profile,
                                     "--container_id=" + id, "--runtime_dir=" + run_dir};
    if (audit) args.push_back("--audit");
    args.push_back("--");
    args.insert(args.end(), command.begin(), command.end());
    return run(args, timeout_seconds);
  }
  // launch() of the workload behind its barrier: released once the daemon watches the
  // container (so every call of its second image is attributed to the id and learned).
  ProcessResult launch_watched(Daemon& daemon, const std::string& profile, const std::string& id, bool audit,
                               const std::vector<std::string>& extra = {}, const std::string& exe = "",
                               int timeout_seconds = 60) {
    const std::string go = tmp.path() + "/go-" + id;
    std::vector<std::string> command = {exe.empty() ? workload : exe, "--wait-file=" + go};
    command.insert(command.end(), extra.begin(), extra.end());
    ProcessResult result;
    std::thread launcher([&] { result = launch(profile, id, audit, command, timeout_seconds); });
    bool watched = daemon.wait_watched(id);
    write_file(go, "go\n");
    launcher.join();
    EXPECT_TRUE(watched) << "the daemon never watched " << id << "\n" << daemon.log();
    return result;
  }
  // The BPF program `seccomp-isolator compile` makes of config/<profile> (enforce mode).
  std::string compiled(const std::string& profile) {
    std::string out = tmp.path() + "/" + profile + ".bpf";
    auto r = run({bin("seccomp-isolator"), "compile", config + "/" + profile, "--format=bpf", "--output=" + out});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return out;
  }
  ProcessResult audit_cli(std::vector<std::string> args) {
    args.insert(args.begin(), bin("seccomp-audit"));
    args.push_back("--state_dir=" + state_dir);
    args.push_back("--runtime_dir=" + run_dir);
    return run(args, 60);
  }
  static uint64_t verdict_count(const audit::State& st, const std::string& id, const std::string& name = "") {
    auto it = st.containers.find(id);
    if (it == st.containers.end()) return 0;
    uint64_t n = 0;
    for (const auto& [k, v] : it->second.verdicts)
      if (name.empty() || v.syscall == name) n += v.count;
    return n;
  }
};

}  // namespace sc::refine::testing
