// A test workload for the tracer tests: joins a cgroup, loads a REAL libseccomp filter that
// gives one syscall one action, then makes that syscall N times (or a known set of syscalls
// for learning). Run with argv only: hostile comm strings never pass through a shell.
//
//   seccomp_workload --cgroup=DIR --action=errno|trap|kill_process|kill_thread|none
//                    [--syscall=NR[,NR...]] [--count=N] [--errno=E] [--threads=K] [--comm-hex=HEX]
//                    [--learn] [--external-filter] [--wait-file=PATH]
// Exit: 0 when every call behaved as the filter says, 2 usage, 3 unexpected behaviour,
// 4 setup failed; killed by SIGSYS for the KILL actions.
#include <pthread.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

struct Options {
  std::string cgroup;
  std::string action = "none";
  std::vector<long> nrs{SYS_acct};  // --syscall=NR[,NR...]: each gets the action
  long count = 1;
  int error = 13;
  int threads = 0;
  std::string comm;
  bool learn = false;
  bool external_filter = false;  // the filter comes from outside (seccomp-isolator launch)
  std::string wait_file;         // wait for this file before the calls (the test watches first)
  // A barrier in the middle of the calls: after `pause_at` calls, create "<pause_file>.reached"
  // and wait for <pause_file> (the test does something while the workload is mid-storm).
  long pause_at = -1;
  std::string pause_file;
  // --distinct=N: call i passes arguments derived from i % N (N distinct tuples, each used
  // count/N times); 0: every call passes the same six values.
  long distinct = 0;
};

// Waits for `path` to exist (1 ms steps, 30 s at most: a test that never releases fails).
void wait_for_file(const std::string& path) {
  for (int i = 0; access(path.c_str(), F_OK) != 0; ++i) {
    if (i > 30000) {
      std::fprintf(stderr, "seccomp_workload: timed out waiting for %s\n", path.c_str());
      _exit(4);
    }
    usleep(1000);  // a barrier file: 1 ms steps
  }
}

std::atomic<long> traps{0};
long trap_nr = -1;

void on_sigsys(int, siginfo_t* info, void*) {
  if (info->si_code == 1 /* SYS_SECCOMP */ && info->si_syscall == trap_nr) traps.fetch_add(1);
}

[[noreturn]] void die(int code, const char* what) {
  std::fprintf(stderr, "seccomp_workload: %s: %s\n", what, std::strerror(errno));
  std::_Exit(code);
}

std::string unhex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

// Longs: syscall() reads six longs from its varargs (an int leaves the upper half undefined).
long denied_call(long nr) { return syscall(nr, 0x11L, 0x22L, 0x33L, 0x44L, 0x55L, 0x66L); }

// The tuple of value v under --distinct: arg0 = v, the others spread its bits (no pointer is
// dereferenced by the syscalls the tests use with it).
long distinct_call(long nr, long v) {
  unsigned long h = static_cast<unsigned long>(v) * 0x9E3779B97F4A7C15ul;
  return syscall(nr, v, static_cast<long>(h), static_cast<long>(h >> 7), static_cast<long>(h >> 13), 0x55L, 0x66L);
}

void* thread_call(void* arg) {
  denied_call(*static_cast<long*>(arg));
  return nullptr;
}

void* thread_sleep(void*) {
  for (;;) pause();
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto val = [&](const char* key) -> const char* {
      size_t n = std::strlen(key);
      return a.compare(0, n, key) == 0 ? argv[i] + n : nullptr;
    };
    if (auto v = val("--cgroup=")) o.cgroup = v;
    else if (auto v = val("--action=")) o.action = v;
    else if (auto v = val("--syscall=")) {
      o.nrs.clear();
      for (const char* p = v; *p;) {
        char* end = nullptr;
        o.nrs.push_back(std::strtol(p, &end, 10));
        p = *end == ',' ? end + 1 : end;
        if (end == p && *p) break;
      }
    }
    else if (auto v = val("--count=")) o.count = std::atol(v);
    else if (auto v = val("--distinct=")) o.distinct = std::atol(v);
    else if (auto v = val("--errno=")) o.error = std::atoi(v);
    else if (auto v = val("--threads=")) o.threads = std::atoi(v);
    else if (auto v = val("--comm-hex=")) o.comm = unhex(v);
    else if (a == "--learn") o.learn = true;
    else if (a == "--external-filter") o.external_filter = true;
    else if (auto v = val("--wait-file=")) o.wait_file = v;
    else if (auto v = val("--pause-at=")) o.pause_at = std::atol(v);
    else if (auto v = val("--pause-file=")) o.pause_file = v;
    else { std::fprintf(stderr, "seccomp_workload: unknown argument %s\n", argv[i]); return 2; }
  }
  if (!o.cgroup.empty()) {
    std::ofstream procs(o.cgroup + "/cgroup.procs");
    procs << "0\n";
    procs.flush();
    if (!procs) die(4, "join cgroup");
  }
  // Kills are expected: never dump core (RLIMIT_CORE alone does not stop a core_pattern pipe).
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (!o.comm.empty() && prctl(PR_SET_NAME, o.comm.c_str(), 0, 0, 0) != 0) die(4, "PR_SET_NAME");

  uint32_t action = SCMP_ACT_ALLOW;
  if (o.action == "errno") action = SCMP_ACT_ERRNO(o.error);
  else if (o.action == "trap") action = SCMP_ACT_TRAP;
  else if (o.action == "kill_process") action = SCMP_ACT_KILL_PROCESS;
  else if (o.action == "kill_thread") action = SCMP_ACT_KILL_THREAD;
  else if (o.action != "none") { std::fprintf(stderr, "seccomp_workload: bad --action\n"); return 2; }

  if (o.action == "trap") {
    trap_nr = o.nrs.at(0);
    struct sigaction sa{};
    sa.sa_sigaction = on_sigsys;
    sa.sa_flags = SA_SIGINFO;
    if (sigaction(SIGSYS, &sa, nullptr) != 0) die(4, "sigaction");
  }
  if (action != SCMP_ACT_ALLOW && !o.external_filter) {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) die(4, "seccomp_init");
    for (long nr : o.nrs)
      if (int rc = seccomp_rule_add(ctx, action, static_cast<int>(nr), 0); rc != 0) { errno = -rc; die(4, "seccomp_rule_add"); }
    if (int rc = seccomp_load(ctx); rc != 0) { errno = -rc; die(4, "seccomp_load"); }
    seccomp_release(ctx);
  }

  for (int i = 0; !o.wait_file.empty() && access(o.wait_file.c_str(), F_OK) != 0; ++i) {
    if (i > 10000) die(4, "timed out waiting for --wait-file");
    usleep(1000);  // a barrier file: 1 ms steps
  }

  if (o.learn) {  // a known set of syscalls (made directly: libc may cache some)
    struct utsname u;
    syscall(SYS_uname, &u);
    syscall(SYS_getppid);
    syscall(SYS_sched_yield);
    syscall(SYS_getpgid, 0);
    return 0;
  }

  if (o.action == "kill_thread" && o.threads > 0) {
    // Each new thread makes the denied call and is killed alone (no signal); main survives.
    for (int t = 0; t < o.threads; ++t) {
      pthread_t th;
      if (pthread_create(&th, nullptr, thread_call, &o.nrs[0]) != 0) die(4, "pthread_create");
      pthread_join(th, nullptr);
    }
    return 0;
  }
  if (o.threads > 0) {  // other threads alive while the main thread is denied
    for (int t = 0; t < o.threads; ++t) {
      pthread_t th;
      if (pthread_create(&th, nullptr, thread_sleep, nullptr) != 0) die(4, "pthread_create");
    }
  }
  long unexpected = 0;
  for (long nr : o.nrs)
    for (long i = 0; i < o.count; ++i) {
      if (i == o.pause_at && !o.pause_file.empty()) {
        std::ofstream(o.pause_file + ".reached") << i << "\n";
        wait_for_file(o.pause_file);
      }
      long rc = o.distinct > 0 ? distinct_call(nr, i % o.distinct) : denied_call(nr);
      if (o.action == "errno" && !(rc == -1 && errno == o.error)) ++unexpected;
    }
  if (o.action == "trap" && traps.load() != o.count * static_cast<long>(o.nrs.size())) {
    std::fprintf(stderr, "seccomp_workload: %ld SIGSYS for %ld calls\n", traps.load(), o.count);
    return 3;
  }
  if (unexpected) {
    std::fprintf(stderr, "seccomp_workload: %ld calls did not fail with errno %d\n", unexpected, o.error);
    return 3;
  }
  return 0;
}
