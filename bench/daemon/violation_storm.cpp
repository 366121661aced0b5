// bench_daemon_storm [--seconds=S] [--workers=N] [--action=errno|log] [--sources=audit|auto]
//
// A violation storm against `seccomp-audit run`: N workers in one registered container call a
// denied syscall (getppid under ERRNO or LOG, filter loaded with the LOG flag) as fast as they
// can for S seconds and count their own calls exactly. Reported, side by side in the same run:
//   A. the storm with no daemon listening (the kernel's own denial rate),
//   B. the storm with the daemon recording it:
// denied syscalls/s (and B/A), what the daemon recorded vs what was made, the records it
// reports lost (audit stream: receive-buffer overruns + the kernel's lost counter), the
// daemon's CPU time and peak RSS (wait4 rusage). Rates use each worker's measured loop time.
// Exit 1 when the storm or its recording failed: a worker failed, a call was not answered as
// the filter says, or the daemon's counts do not account for every call made.
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/daemon/bench_io.h"
#include "state/aggregate.h"
#include "host/cgroup2.h"
#include "isolator/registry/registry.h"

namespace fs = std::filesystem;

namespace {

using sc::bench::flag;
using sc::bench::slurp;

struct Options {
  double seconds = 3;
  int workers = 2;
  std::string action = "errno";
  std::string sources = "audit";
};

struct StormResult {
  uint64_t calls = 0;        // denied calls the workers made, counted by themselves
  uint64_t not_denied = 0;   // calls the kernel did not answer as the filter says (must be 0)
  double seconds = 0;        // the workers' measured storm time (the longest worker's loop)
  double rate = 0;           // calls/s: the sum of each worker's calls over its own measured loop time
  int failed_workers = 0;    // a worker that could not join the cgroup, load the filter or report
};

// What one worker reports through its pipe.
struct WorkerReport {
  uint64_t calls = 0;
  uint64_t not_denied = 0;
  double seconds = 0;
};

// Runs the storm in cgroup `cg`: returns the exact number of denied calls the workers made.
StormResult storm(const Options& o, const std::string& procs, uint32_t action) {
  std::vector<std::pair<pid_t, int>> workers;
  const long parent = static_cast<long>(getpid());  // what getppid returns in a worker, asked here:
                                                    // in the worker it would be one more denied call
  for (int w = 0; w < o.workers; ++w) {
    int fds[2];
    if (pipe(fds) != 0) std::exit(2);
    pid_t pid = fork();
    if (pid == 0) {
      close(fds[0]);
      int fd = open(procs.c_str(), O_WRONLY);
      if (fd < 0 || write(fd, "0", 1) != 1) _exit(80);
      close(fd);
      scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
      if (!ctx || seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1) != 0 ||
          seccomp_rule_add(ctx, action, SCMP_SYS(getppid), 0) != 0 || seccomp_load(ctx) != 0)
        _exit(81);
      // Every call's answer is checked: ERRNO must come back as -1/EPERM, LOG must run the
      // call (getppid returns the parent, this bench). Anything else means the filter did not
      // do what the storm is about, and the run fails.
      const bool expect_errno = action != SCMP_ACT_LOG;
      WorkerReport rep;
      auto begin = std::chrono::steady_clock::now();
      auto end = begin + std::chrono::duration<double>(o.seconds);
      while (std::chrono::steady_clock::now() < end)
        for (int i = 0; i < 64; ++i, ++rep.calls) {
          errno = 0;
          long r = syscall(SYS_getppid);
          bool ok = expect_errno ? (r == -1 && errno == EPERM) : r == parent;
          rep.not_denied += !ok;
        }
      rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
      if (write(fds[1], &rep, sizeof rep) != sizeof rep) _exit(82);
      _exit(0);
    }
    close(fds[1]);
    workers.emplace_back(pid, fds[0]);
  }
  StormResult r;
  for (auto& [pid, fd] : workers) {
    WorkerReport rep;
    bool reported = read(fd, &rep, sizeof rep) == sizeof rep;
    close(fd);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!reported || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::fprintf(stderr, "bench_daemon_storm: worker %d failed (%s %d)\n", static_cast<int>(pid),
                   WIFEXITED(status) ? "exit" : "signal", WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
      ++r.failed_workers;
      continue;
    }
    r.calls += rep.calls;
    r.not_denied += rep.not_denied;
    r.seconds = std::max(r.seconds, rep.seconds);
    if (rep.seconds > 0) r.rate += rep.calls / rep.seconds;
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  if (geteuid() != 0) {
    std::fprintf(stderr, "bench_daemon_storm: needs root (seccomp filters, audit netlink, cgroups)\n");
    return 2;
  }
  Options o;
  o.seconds = std::stod(flag(argc, argv, "seconds", "3"));
  o.workers = std::stoi(flag(argc, argv, "workers", "2"));
  o.action = flag(argc, argv, "action", "errno");
  o.sources = flag(argc, argv, "sources", "audit");
  uint32_t action = o.action == "log" ? SCMP_ACT_LOG : SCMP_ACT_ERRNO(EPERM);

  char tmpl[] = "/tmp/sc-storm-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::string mount = sc::host::cgroup2_mount();
  std::string id = "storm-" + std::to_string(getpid());
  std::string parent = "/sc-storm-" + std::to_string(getpid()) + ".slice";
  std::string cg = parent + "/" + id;
  fs::create_directories(mount + cg);
  std::string procs = mount + cg + "/cgroup.procs";

  // A: no daemon.
  StormResult alone = storm(o, procs, action);

  // B: the daemon recording.
  sc::registry::Entry e;
  e.container_id = id;
  e.pid = getpid();
  e.cgroup_path = cg;
  e.cgroup_id = sc::host::cgroup_id(mount + cg);
  e.mode = o.action == "log" ? "audit" : "enforce";
  e.profile_name = "storm";
  sc::registry::write(dir + "/run", e);
  // The tracer's pins must live on bpffs; removed at the end (with the kernel's counts).
  std::string pins = "/sys/fs/bpf/sc-storm-" + std::to_string(getpid());
  pid_t daemon = sc::bench::spawn_daemon(dir, {"--flush_interval=1", "--sources=" + o.sources, "--syscall_hooks=on",
                                               "--pin_dir=" + pins});
  auto daemon_start = std::chrono::steady_clock::now();
  bool started = false;
  for (int i = 0; i < 200 && !(started = slurp(dir + "/daemon.log").find("seccomp-audit running") != std::string::npos);
       ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling its log: 50 ms steps, 10 s at most
  StormResult with = storm(o, procs, action);

  uint64_t recorded = 0, lost = 0;
  std::string bpf_live = "?", state_error;
  auto read_state = [&] {
    try {
      auto state = sc::audit::from_json_text(slurp(dir + "/state/state.json"));
      recorded = 0;
      auto c = state.containers.find(id);
      if (c != state.containers.end())
        for (const auto& [k, v] : c->second.verdicts)
          if (v.syscall == "getppid") recorded += v.count;
      lost = state.sources["audit"].lost;
      bpf_live = state.sources["bpf"].live ? "live" : "off";
      state_error.clear();
    } catch (const std::exception& ex) {
      state_error = ex.what();
    }
  };
  // Until the daemon has accounted for every call (recorded or reported lost), polling the
  // state it flushes every second; 10 s at most: what is missing then is reported.
  for (int i = 0; started && i < 100; ++i) {
    read_state();
    if (state_error.empty() && recorded + lost >= with.calls) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  kill(daemon, SIGTERM);
  int status = 0;
  rusage usage{};
  wait4(daemon, &status, 0, &usage);
  double daemon_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - daemon_start).count();
  double cpu = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
  read_state();  // its final flush
  if (!state_error.empty())
    std::fprintf(stderr, "cannot read the daemon's state: %s\n%s\n", state_error.c_str(), slurp(dir + "/daemon.log").c_str());
  // Rates divide each worker's own count by its own measured loop time (not the asked-for
  // duration: a loaded machine makes the loop run past it).
  std::printf("violation storm: %d worker(s), %.1f s asked, action %s, daemon sources=%s (bpf %s)\n", o.workers,
              o.seconds, o.action.c_str(), o.sources.c_str(), bpf_live.c_str());
  std::printf("  A no daemon      : %12llu denied calls in %.2f s measured, %12.0f /s\n",
              static_cast<unsigned long long>(alone.calls), alone.seconds, alone.rate);
  std::printf("  B daemon running : %12llu denied calls in %.2f s measured, %12.0f /s  (B/A rate %.2f)\n",
              static_cast<unsigned long long>(with.calls), with.seconds, with.rate,
              alone.rate > 0 ? with.rate / alone.rate : 0.0);
  std::printf("  calls not answered as the filter says: %llu (A) + %llu (B); failed workers: %d\n",
              static_cast<unsigned long long>(alone.not_denied), static_cast<unsigned long long>(with.not_denied),
              alone.failed_workers + with.failed_workers);
  std::printf("  recorded by daemon: %llu of %llu (%.4f); reported lost: %llu; unaccounted: %lld\n",
              static_cast<unsigned long long>(recorded), static_cast<unsigned long long>(with.calls),
              with.calls ? static_cast<double>(recorded) / with.calls : 0.0, static_cast<unsigned long long>(lost),
              static_cast<long long>(with.calls) - static_cast<long long>(recorded) - static_cast<long long>(lost));
  std::printf("  daemon CPU: %.2f s over its %.1f s of life, measured (%.0f%% of one core); peak RSS %.1f MiB (goal < 64)\n",
              cpu, daemon_seconds, 100.0 * cpu / daemon_seconds, usage.ru_maxrss / 1024.0);
  int daemon_exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::printf("  daemon exit status %d\n", daemon_exit);
  long long unaccounted = static_cast<long long>(with.calls) - static_cast<long long>(recorded) - static_cast<long long>(lost);
  rmdir((mount + cg).c_str());
  rmdir((mount + parent).c_str());
  fs::remove_all(dir);
  std::error_code ec;
  fs::remove_all(pins, ec);
  // A storm the daemon did not survive, or did not account for call by call, is a failure.
  // So is a storm that did not happen as made: a worker that failed, a call the kernel did not
  // deny (or, under LOG, did not run), a storm with no calls at all.
  const uint64_t not_denied = alone.not_denied + with.not_denied;
  const int failed_workers = alone.failed_workers + with.failed_workers;
  const bool no_storm = alone.calls == 0 || with.calls == 0;
  if (!started || daemon_exit != 0 || !state_error.empty() || unaccounted != 0 || not_denied != 0 ||
      failed_workers != 0 || no_storm) {
    std::string why;
    if (!started) why += "the daemon did not start; ";
    if (daemon_exit != 0) why += "the daemon exited non-zero; ";
    if (!state_error.empty()) why += "state unreadable; ";
    if (unaccounted > 0) why += std::to_string(unaccounted) + " call(s) made but neither recorded nor reported lost; ";
    if (unaccounted < 0) why += std::to_string(-unaccounted) + " more verdict(s) recorded than calls made; ";
    if (not_denied != 0) why += std::to_string(not_denied) + " call(s) not answered as the filter says; ";
    if (failed_workers != 0) why += std::to_string(failed_workers) + " worker(s) failed; ";
    if (no_storm) why += "a storm made no calls; ";
    std::fprintf(stderr, "bench_daemon_storm: FAILED: %s\n", why.c_str());
    return 1;
  }
  return 0;
}
