// sc_tracer_bench: what the tracer costs a getppid loop, each case against no tracer in the
// same run, alternating (baseline, case, baseline, case, ...), medians and ratios.
//
//   sc_tracer_bench [--rounds=N] [--calls=N] [--clock=cpu|wall]
//
// Each measurement runs in a fresh child process placed in the bench's own cgroup: N calls of
// syscall(SYS_getppid) timed with the thread's CPU clock (syscall time is charged to the
// thread, so other load on the machine does not inflate it; --clock=wall for wall time).
// Cases: default hooks (signal_generate, process events) with the cgroup not watched and
// watched; syscall hooks (raw_tp sys_enter/sys_exit) on with the cgroup not watched, watched
// and allowed, watched and denied (a libseccomp ERRNO filter on getppid; its baseline has the
// same filter and no tracer); and shadowed by one candidate (shadow evaluation), its verdict
// decided from the table by (arch, nr), or per argument tuple. Needs root. Exit: 0, 1 on failure, 2 on usage errors.
#include <seccomp.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench/support/child_figure.h"
#include "bpf/tracer.h"
#include "host/cgroup2.h"

namespace {

using sc::bpf::SyscallHooks;

struct Case {
  const char* name;
  bool tracer;
  SyscallHooks hooks;
  bool watched;
  bool denied;
  int shadow = 0;  // 0: not shadowed; 1: one candidate, decided by (arch, nr); 2: per argument tuple
};

struct Config {
  int rounds = 7;
  long calls = 1'000'000;
  bool cpu_clock = true;
};

// In a child: join the cgroup, maybe install the filter, time the loop; ns per call on a pipe.
double measure(const Config& config, const std::string& cgroup, bool denied) {
  return sc::bench::figure_from_child("the getppid loop", [&] {
    {
      std::ofstream procs(cgroup + "/cgroup.procs");
      procs << "0\n";
      procs.flush();
      if (!procs) throw std::runtime_error("cannot join " + cgroup);
    }
    if (denied) {
      scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
      if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(getppid), 0) != 0 || seccomp_load(ctx) != 0)
        throw std::runtime_error("cannot load the getppid filter");
      seccomp_release(ctx);
    }
    clockid_t clock = config.cpu_clock ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC;
    timespec t0{}, t1{};
    clock_gettime(clock, &t0);
    for (long i = 0; i < config.calls; ++i) syscall(SYS_getppid);
    clock_gettime(clock, &t1);
    return (double(t1.tv_sec - t0.tv_sec) * 1e9 + double(t1.tv_nsec - t0.tv_nsec)) / double(config.calls);
  });
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int usage(const char* why) {
  std::fprintf(stderr, "sc_tracer_bench: %s\nusage: sc_tracer_bench [--rounds=N] [--calls=N] [--clock=cpu|wall]\n", why);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::printf("usage: sc_tracer_bench [--rounds=N (7)] [--calls=N (1000000)] [--clock=cpu|wall (cpu)]\n");
      return 0;
    }
    if (a.rfind("--rounds=", 0) == 0) config.rounds = std::atoi(a.c_str() + 9);
    else if (a.rfind("--calls=", 0) == 0) config.calls = std::atol(a.c_str() + 8);
    else if (a == "--clock=cpu") config.cpu_clock = true;
    else if (a == "--clock=wall") config.cpu_clock = false;
    else return usage(("unknown argument " + a).c_str());
  }
  if (config.rounds < 1 || config.calls < 1) return usage("--rounds and --calls must be positive");
  if (geteuid() != 0) return usage("needs root (BPF, cgroups)");

  const std::string cgroup = sc::host::cgroup2_mount() + "/sc-bench-" + std::to_string(getpid());
  const std::string pin_dir = "/sys/fs/bpf/sc-bench-" + std::to_string(getpid());
  if (mkdir(cgroup.c_str(), 0755) != 0) {
    std::fprintf(stderr, "sc_tracer_bench: mkdir %s: %s\n", cgroup.c_str(), std::strerror(errno));
    return 1;
  }
  const uint64_t cgroup_id = sc::host::cgroup_id(cgroup);
  const std::vector<Case> cases = {
      {"default hooks, not watched", true, SyscallHooks::Off, false, false},
      {"default hooks, watched", true, SyscallHooks::Off, true, false},
      {"syscall hooks on, not watched", true, SyscallHooks::On, false, false},
      {"syscall hooks on, watched, allowed", true, SyscallHooks::On, true, false},
      {"syscall hooks on, watched, denied (ERRNO)", true, SyscallHooks::On, true, true},
      {"syscall hooks on, watched, shadowed (verdict by nr)", true, SyscallHooks::On, true, false, 1},
      {"syscall hooks on, watched, shadowed (per argument tuple)", true, SyscallHooks::On, true, false, 2},
  };
  int rc = 0;
  std::string hooks_line;
  try {
    std::printf("| case | no tracer, ns/call (median) | tracer, ns/call (median) | throughput ratio | added ns/call |\n");
    std::printf("|---|---:|---:|---:|---:|\n");
    for (const Case& c : cases) {
      std::vector<double> base, traced;
      for (int round = 0; round < config.rounds; ++round) {
        base.push_back(measure(config, cgroup, c.denied));
        sc::bpf::TracerOptions options;
        options.pin_dir = pin_dir;
        options.syscall_hooks = c.hooks;
        options.pin_links = false;
        auto tracer = std::make_unique<sc::bpf::Tracer>(options);
        if (c.watched) tracer->watch(cgroup_id, c.hooks == SyscallHooks::On);
        if (c.shadow) {
          tracer->shadow_fill(0, [&](uint32_t, int32_t) { return sc::bpf::ShadowEntry{0x7fff0000u, c.shadow == 2}; });
          tracer->shadow_cgroup(cgroup_id, {0});
        }
        if (hooks_line.empty())
          for (const auto& h : tracer->hooks())
            if (h.live) hooks_line += (hooks_line.empty() ? "" : ", ") + h.name;
        traced.push_back(measure(config, cgroup, c.denied));
        if (c.denied && c.watched) {  // the counts are exact, also here
          uint64_t n = 0;
          for (const auto& v : tracer->counts())
            if (v.cgroup_id == cgroup_id && v.nr == SYS_getppid) n += v.count;
          if (n != uint64_t(config.calls)) {
            std::fprintf(stderr, "sc_tracer_bench: counted %llu of %ld denied calls\n", (unsigned long long)n, config.calls);
            rc = 1;
          }
        }
        if (c.shadow) {  // every call counted for the candidate, too
          uint64_t n = 0;
          for (const auto& v : tracer->shadow_counts())
            if (v.cgroup_id == cgroup_id && v.nr == SYS_getppid) n += v.count;
          if (n != uint64_t(config.calls)) {
            std::fprintf(stderr, "sc_tracer_bench: shadow counted %llu of %ld calls\n", (unsigned long long)n, config.calls);
            rc = 1;
          }
        }
        tracer->unpin();
      }
      double b = median(base), t = median(traced);
      std::printf("| %s | %.1f | %.1f | %.3f | %+.1f |\n", c.name, b, t, b / t, t - b);
      std::fflush(stdout);
    }
    std::printf("\nrounds=%d calls=%ld clock=%s; default hooks live: %s\n", config.rounds, config.calls,
                config.cpu_clock ? "thread CPU time" : "wall", hooks_line.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sc_tracer_bench: %s\n", e.what());
    rc = 1;
  }
  rmdir(pin_dir.c_str());
  rmdir(cgroup.c_str());
  return rc;
}
