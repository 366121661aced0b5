// seccomp-runc: a runtime for Docker's daemon.json ("runtimes") that is runc, plus
// registration. `create` runs runc as a child; once runc has created the container (its init
// is waiting for `start`, the workload has not run a single instruction), the container is
// put into the seccomp-companion registry; `delete` marks it exited. Every other command
// is runc itself (exec). Registration never changes what runc returns: its failures are
// written to runc's --log file, and it gives up after its budget.
//
//   seccomp-runc [--companion-OPTION=VALUE]... RUNC-ARGUMENTS...
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtimes/registration.h"
#include "runtimes/registration_flags.h"
#include "runtimes/time_budget.h"

namespace sc::runtimes {
namespace {

constexpr const char* kPrefix = "--companion-";

// runc's global options that take a value (runc 1.1 `runc --help`).
bool global_takes_value(const std::string& a) {
  return a == "--root" || a == "--log" || a == "--log-format" || a == "--criu" || a == "--rootless";
}

struct RuncCall {
  std::string command;       // "create", "delete", ... ; "" when none
  std::string log_file, log_format;
  std::string bundle = ".";  // runc's default: the current directory
  std::string pid_file;
  std::string id;            // the last positional argument after the command
};

// Reads, never changes, the arguments runc gets.
RuncCall parse_runc_arguments(const std::vector<std::string>& args) {
  RuncCall c;
  size_t i = 0;
  auto value_of = [&](const std::string& a, const std::string& name, std::string& into) {
    if (a == name && i + 1 < args.size()) {
      into = args[++i];
      return true;
    }
    if (a.compare(0, name.size() + 1, name + "=") == 0) {
      into = a.substr(name.size() + 1);
      return true;
    }
    return false;
  };
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (value_of(a, "--log", c.log_file) || value_of(a, "--log-format", c.log_format)) continue;
    if (global_takes_value(a)) {
      ++i;
      continue;
    }
    if (!a.empty() && a[0] != '-') {
      c.command = a;
      ++i;
      break;
    }
  }
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (value_of(a, "--bundle", c.bundle) || value_of(a, "-b", c.bundle) || value_of(a, "--pid-file", c.pid_file))
      continue;
    if (a == "--console-socket" || a == "--preserve-fds") {
      ++i;
      continue;
    }
    if (!a.empty() && a[0] != '-') c.id = a;
  }
  return c;
}

// A line in runc's own log (the shim shows it when something fails), in its format.
void log_line(const RuncCall& call, const std::string& message) {
  if (call.log_file.empty()) return;
  std::ofstream out(call.log_file, std::ios::app);
  if (call.log_format == "json") {
    char when[64];
    std::time_t now = std::time(nullptr);
    std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    out << nlohmann::json{{"level", "warning"}, {"msg", "seccomp-companion: " + message}, {"time", when}}
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
            << "\n";
  } else {
    out << "seccomp-companion: " << message << "\n";
  }
}

pid_t child = 0;
int runc_status = -1;  // what runc returned, once it has run: what we return, whatever happens after
extern "C" void forward(int sig) {
  if (child > 0) kill(child, sig);
}

int run_runc(const std::string& runc, const std::vector<std::string>& args) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(runc.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  child = fork();
  if (child < 0) return -1;
  if (child == 0) {
    execv(runc.c_str(), argv.data());
    std::fprintf(stderr, "seccomp-runc: cannot run '%s': %s\n", runc.c_str(), std::strerror(errno));
    _exit(127);
  }
  struct sigaction sa {};
  sa.sa_handler = forward;
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGQUIT}) sigaction(sig, &sa, nullptr);
  int status = 0;
  while (waitpid(child, &status, 0) < 0)
    if (errno != EINTR) return -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

pid_t read_pid_file(const std::string& path) {
  std::ifstream in(path);
  long pid = 0;
  in >> pid;
  return static_cast<pid_t>(pid);
}

int run(int argc, char** argv) {
  RegistrationFlags flags = default_registration_flags();
  flags.options.runtime = "docker";
  std::string runc = "/usr/bin/runc";
  std::vector<std::string> args;
  std::string bad;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.compare(0, std::strlen(kPrefix), kPrefix) == 0) {
      if (a.compare(0, std::strlen(kPrefix) + 5, std::string(kPrefix) + "runc=") == 0) {
        runc = a.substr(std::strlen(kPrefix) + 5);
        continue;
      }
      if (take_registration_flag(a, kPrefix, flags)) continue;
      if (bad.empty()) bad = "unknown option '" + a + "'";
      continue;  // ours, never runc's
    }
    args.push_back(a);
  }
  RuncCall call = parse_runc_arguments(args);
  if (call.command != "create" && call.command != "delete") {
    std::vector<char*> exec_argv;
    exec_argv.push_back(const_cast<char*>(runc.c_str()));
    for (auto& a : args) exec_argv.push_back(a.data());
    exec_argv.push_back(nullptr);
    execv(runc.c_str(), exec_argv.data());
    std::fprintf(stderr, "seccomp-runc: cannot run '%s': %s\n", runc.c_str(), std::strerror(errno));
    return 127;
  }
  int status = run_runc(runc, args);
  runc_status = status;
  if (status < 0) {
    std::fprintf(stderr, "seccomp-runc: cannot run '%s': %s\n", runc.c_str(), std::strerror(errno));
    return 127;
  }
  if (status != 0 || call.id.empty()) return status;
  if (!bad.empty() || !flags.error.empty()) {
    log_line(call, (bad.empty() ? flags.error : bad) + " (container not registered)");
    return status;
  }
  set_budget_exit_status(status);
  arm_budget(flags.budget_ms);
  try {
    if (call.command == "delete") {
      register_exit(flags.options.runtime_dir, call.id, std::nullopt);
      return status;
    }
    ContainerStart start;
    start.id = call.id;
    start.bundle = call.bundle;
    start.pid = call.pid_file.empty() ? 0 : read_pid_file(call.pid_file);
    if (start.pid <= 0) {
      log_line(call, "no init pid (no --pid-file): container " + call.id + " not registered");
      return status;
    }
    Registered r = register_container(start, flags.options);
    for (const auto& n : r.notes) log_line(call, call.id + ": " + n);
  } catch (const std::exception& e) {
    log_line(call, "container " + call.id + " not registered: " + e.what());
  }
  return status;
}

}  // namespace
}  // namespace sc::runtimes

int main(int argc, char** argv) {
  int status;
  try {
    status = sc::runtimes::run(argc, argv);
  } catch (...) {  // registration never changes runc's status; before runc ran: a usage error
    status = sc::runtimes::runc_status >= 0 ? sc::runtimes::runc_status : 1;
  }
  // runc's status is what the shim acts on: nothing run at exit (a sanitizer's leak check in
  // the test builds, a static destructor) may change it.
  std::fflush(nullptr);
  _exit(status);
}
