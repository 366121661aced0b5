// The refinement tests' workload: makes a few syscalls that a too-strict profile denies
// (uname, sysinfo, getrusage, and personality with an argument Docker's rules do not allow),
// checks each really succeeded, and exits 0 only if all did (1 otherwise, naming which).
//   refine_workload [--wait-file=PATH] [--marker]
// --wait-file: a barrier. Wait until PATH exists (the test creates it once the daemon watches
// the container's cgroup), then re-exec itself, so every start-up syscall of the second image
// is seen by the daemon (the learning test).
// --probe=NAME:VALUE (repeatable; personality, syslog or unshare): instead of the calls above,
// make NAME(VALUE, 0, ...) once and print its result; the test reads the verdict from the
// daemon (an enforced denial is recorded), not from the exit code (the kernel may refuse the
// call for its own reasons). personality is restored afterwards.
// --storm=N: instead of the calls above, N getpgrp calls, each with six arguments derived from
// its index (getpgrp ignores them): an argument storm of N distinct tuples.
// --marker: last, one keyctl(KEYCTL_GET_KEYRING_ID) that the profiles under test deny (Docker's
// default lists no keyctl): a positive event after everything that must not be denied. Exits
// 1 if it is not denied with EPERM.
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  bool marker = false, settled = false;
  std::vector<std::string> probes;
  long storm = 0;
  std::string wait_file;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--wait-file=", 12) == 0) wait_file = argv[i] + 12;
    else if (std::strcmp(argv[i], "--marker") == 0) marker = true;
    else if (std::strcmp(argv[i], "--settled") == 0) settled = true;
    else if (std::strncmp(argv[i], "--probe=", 8) == 0) probes.push_back(argv[i] + 8);
    else if (std::strncmp(argv[i], "--storm=", 8) == 0) storm = std::strtol(argv[i] + 8, nullptr, 10);
    else { std::fprintf(stderr, "refine_workload: unknown argument %s\n", argv[i]); return 2; }
  }
  static char self[4096];
  if (!wait_file.empty() && !settled) {
    for (int i = 0; access(wait_file.c_str(), F_OK) != 0; ++i) {
      if (i > 30000) { std::fprintf(stderr, "refine_workload: no %s after 30 s\n", wait_file.c_str()); return 1; }
      usleep(1000);  // a barrier file (no event to block on across the launcher): 1 ms steps
    }
    // Through the real path, not /proc/self/exe, so the process name stays the file's name.
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) { std::perror("refine_workload: readlink"); return 1; }
    self[n] = 0;
    std::vector<char*> args = {argv[0], const_cast<char*>("--settled")};
    if (marker) args.push_back(const_cast<char*>("--marker"));
    std::string storm_arg = "--storm=" + std::to_string(storm);
    if (storm > 0) args.push_back(storm_arg.data());
    // The probes too: behind the barrier, the settled image makes them (the fleet test's).
    std::vector<std::string> probe_args;
    for (const auto& p : probes) probe_args.push_back("--probe=" + p);
    for (auto& p : probe_args) args.push_back(p.data());
    args.push_back(nullptr);
    execv(self, args.data());
    std::perror("refine_workload: re-exec");
    return 1;
  }
  int failures = 0;
  // The settled image repeats what the first one did before its re-exec (access, nanosleep,
  // readlink): the learning test's daemon may start watching only after the first image made
  // those calls, and a tightened profile must still allow them.
  if (settled) {
    (void)access("/", F_OK);
    usleep(1);  // the first image's barrier step, repeated: the tightened profile must allow it
    if (readlink("/proc/self/exe", self, sizeof self - 1) <= 0) ++failures;
  }
  auto check = [&](const char* what, long rc) {
    if (rc < 0) {
      std::fprintf(stderr, "refine_workload: %s failed: %s\n", what, std::strerror(errno));
      ++failures;
    }
  };
  for (const auto& p : probes) {
    size_t colon = p.find(':');
    std::string name = p.substr(0, colon);
    unsigned long value = colon == std::string::npos ? 0 : std::strtoul(p.c_str() + colon + 1, nullptr, 0);
    long nr = name == "personality" ? SYS_personality : name == "syslog" ? SYS_syslog : name == "unshare" ? SYS_unshare : -1;
    if (nr < 0) { std::fprintf(stderr, "refine_workload: --probe: unknown syscall %s\n", name.c_str()); return 2; }
    long rc = syscall(nr, value, 0L, 0L, 0L, 0L, 0L);
    std::printf("refine_workload: %s(%#lx) = %ld (%s)\n", name.c_str(), value, rc, rc < 0 ? std::strerror(errno) : "ok");
    if (nr == SYS_personality && rc >= 0) syscall(SYS_personality, static_cast<unsigned long>(rc));
  }
  for (long i = 0; i < storm; ++i) {
    unsigned long h = static_cast<unsigned long>(i) * 0x9E3779B97F4A7C15ul;
    syscall(SYS_getpgrp, i, static_cast<long>(h), static_cast<long>(h >> 3), static_cast<long>(h >> 9),
            static_cast<long>(h >> 17), static_cast<long>(h >> 29));
  }
  if (probes.empty() && storm == 0) {
  struct utsname u;
  check("uname", syscall(SYS_uname, &u));
  struct sysinfo si;
  check("sysinfo", syscall(SYS_sysinfo, &si));
  struct rusage ru;
  check("getrusage", syscall(SYS_getrusage, RUSAGE_SELF, &ru));
  // 0x0004 is no persona Docker's profile lists (it allows 0, 8, 0x20000, 0x20008 and the
  // 0xffffffff query): an argument-conditioned denial.
  long previous = syscall(SYS_personality, 0x0004UL);
  check("personality(0x4)", previous);
  if (previous >= 0) syscall(SYS_personality, static_cast<unsigned long>(previous));
  }
  if (marker) {
    long rc = syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* KEY_SPEC_SESSION_KEYRING */, 0);
    if (!(rc == -1 && errno == EPERM)) {
      std::fprintf(stderr, "refine_workload: the marker keyctl was not denied with EPERM (rc %ld)\n", rc);
      ++failures;
    }
  }
  if (failures == 0) std::printf("refine_workload: all calls succeeded\n");
  return failures == 0 ? 0 : 1;
}
