#include "bench/runtimes/tracer_daemon.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

namespace sc::bench {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TracerDaemon::TracerDaemon(const std::string& daemon_binary, const std::string& work_dir) {
  const std::string base = work_dir + "/tracer-daemon";
  fs::create_directories(base + "/state");
  runtime_dir_ = base + "/run";
  pin_dir_ = "/sys/fs/bpf/sc-bench-" + std::to_string(::getpid());
  log_ = base + "/daemon.log";
  std::vector<std::string> args = {daemon_binary,        "run",
                                   "--state_dir=" + base + "/state", "--runtime_dir=" + runtime_dir_,
                                   "--pin_dir=" + pin_dir_, "--syscall_hooks=on",
                                   "--sources=bpf",  // the LOG-flag contender's records are not its business
                                   "--listen=off"};
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  for (int i = 0; i < 1500; ++i) {
    if (fs::exists(pin_dir_ + "/link_sc_sys_exit")) return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("the tracer daemon exited at start-up:\n" + read_text(log_));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // until the hooks are pinned
  }
  std::string log = read_text(log_);
  stop();
  throw std::runtime_error("the tracer daemon did not attach its syscall hooks in 15 s:\n" + log);
}

TracerDaemon::~TracerDaemon() { stop(); }

void TracerDaemon::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 500 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // its final flush
    if (::waitpid(pid_, &status, WNOHANG) == 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
  }
  std::error_code ec;
  fs::remove_all(pin_dir_, ec);  // unlinking the pins detaches the hooks and frees the maps
}

}  // namespace sc::bench
