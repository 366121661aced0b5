// What the launch tests share: running the real `seccomp-isolator` binary (no shell), a
// private config dir and runtime dir per test (removed afterwards, also on failure), unique
// container ids, and small profile generators.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "host/cgroup2.h"
#include "tests/support/privileges.h"

namespace sc::testing {

inline const std::string kIsolator = SC_ISOLATOR_BIN;
inline const std::string kProbe = SC_LAUNCH_PROBE;

struct Result {
  int code = -1;
  std::string out, err;
};

// A child process with its stdout on a pipe and stderr in a file; killed if still running
// when destroyed.
class Process {
 public:
  explicit Process(const std::vector<std::string>& argv, const std::string& err_file) {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      int fd = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) ::dup2(fd, 2);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(99);
    }
    ::close(out[1]);
    out_ = out[0];
  }
  ~Process() {
    if (pid_ > 0 && !waited_) {
      // SIGTERM first: launch forwards it and removes the container's cgroup; SIGKILL
      // only if it does not end within 5 s.
      ::kill(pid_, SIGTERM);
      for (int i = 0; i < 500; ++i) {
        if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
          waited_ = true;
          break;
        }
        struct timespec ts {0, 10000000};
        ::nanosleep(&ts, nullptr);
      }
      if (!waited_) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
      }
    }
    if (out_ >= 0) ::close(out_);
  }
  pid_t pid() const { return pid_; }
  // Reads stdout until `needle` appears or timeout; returns what was read so far.
  std::string read_until(const std::string& needle, int timeout_ms) {
    struct timespec start {};
    ::clock_gettime(CLOCK_MONOTONIC, &start);
    while (buffer_.find(needle) == std::string::npos) {
      struct timespec now {};
      ::clock_gettime(CLOCK_MONOTONIC, &now);
      long elapsed = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
      if (elapsed >= timeout_ms) break;
      struct pollfd p {out_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(timeout_ms - elapsed)) <= 0) continue;
      char chunk[4096];
      ssize_t n = ::read(out_, chunk, sizeof chunk);
      if (n <= 0) break;
      buffer_.append(chunk, static_cast<size_t>(n));
    }
    return buffer_;
  }
  // Reads the rest of stdout and waits; returns the exit code (-signal if killed).
  int wait(std::string* out = nullptr) {
    char chunk[4096];
    ssize_t n;
    while ((n = ::read(out_, chunk, sizeof chunk)) > 0) buffer_.append(chunk, static_cast<size_t>(n));
    int status = 0;
    ::waitpid(pid_, &status, 0);
    waited_ = true;
    if (out) *out = buffer_;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  bool waited_ = false;
  std::string buffer_;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

// One ERRNO/KILL/... rule for `syscall` under an ALLOW default, Mesos-era format.
inline std::string allow_all_but(const std::string& syscall, const std::string& action,
                                 const std::string& extra_rule_fields = "") {
  return R"({"defaultAction":"SCMP_ACT_ALLOW","archMap":[{"architecture":"SCMP_ARCH_X86_64",)"
         R"("subArchitectures":["SCMP_ARCH_X86","SCMP_ARCH_X32"]}],"syscalls":[{"names":[")" +
         syscall + R"("],"action":")" + action + R"(","args":[])" +
         (extra_rule_fields.empty() ? R"(,"includes":{},"excludes":{})" : "," + extra_rule_fields) + "}]}";
}

class LaunchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // SIGSYS kills dump core by default and this host writes cores into the cwd.
    struct rlimit no_core {0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);
    char tmpl[] = "/tmp/sc-launch-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    config_dir_ = dir_ + "/profiles";
    runtime_dir_ = dir_ + "/run";
    std::filesystem::create_directories(config_dir_);
    write_profile("uname-errno.json", allow_all_but("uname", "SCMP_ACT_ERRNO"));
    std::filesystem::copy_file(std::string(SC_SHARED_DIR) + "/profiles/mesos-default.json", config_dir_ + "/default.json");
    std::filesystem::copy_file(std::string(SC_SHARED_DIR) + "/profiles/docker-default.json", config_dir_ + "/docker-default.json");
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  void write_profile(const std::string& name, const std::string& text) { write_file(config_dir_ + "/" + name, text); }

  std::string unique_id(const std::string& what) {
    static std::atomic<int> counter{0};
    return "t-" + what + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  }

  // The agent flags every test starts from (config dir set, no default profile).
  std::vector<std::string> agent(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv = {kIsolator, "launch", "--seccomp_config_dir=" + config_dir_,
                                     "--runtime_dir=" + runtime_dir_};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }

  Result run(std::vector<std::string> argv, const std::vector<std::string>& command) {
    argv.push_back("--");
    argv.insert(argv.end(), command.begin(), command.end());
    std::string err_file = dir_ + "/stderr";
    Process p(argv, err_file);
    Result r;
    r.code = p.wait(&r.out);
    r.err = read_file(err_file);
    return r;
  }

  std::string dir_, config_dir_, runtime_dir_;
};

}  // namespace sc::testing
