// The refinement tests' workload: makes a few syscalls that a too-strict profile denies
// (uname, sysinfo, getrusage, and personality with an argument Docker's rules do not allow),
// checks each really succeeded, and exits 0 only if all did (1 otherwise, naming which).
//   refine_workload [--settle=MS] [--only-basic]
// --settle: sleep first and re-exec itself, so every start-up syscall of the second image
// happens after the daemon has started watching the container's cgroup (the learning test).
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
  if (argc > 1 && std::strncmp(argv[1], "--settle=", 9) == 0) {
    usleep(static_cast<useconds_t>(std::atoi(argv[1] + 9)) * 1000);
    argv[1] = const_cast<char*>("--settled");
    // Through the real path, not /proc/self/exe, so the process name stays the file's name.
    static char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) { std::perror("refine_workload: readlink"); return 1; }
    self[n] = 0;
    execv(self, argv);
    std::perror("refine_workload: re-exec");
    return 1;
  }
  int failures = 0;
  // The settled image repeats what the first one did before its re-exec (sleep, readlink): the
  // learning test's daemon may start watching only after the first image made those calls,
  // and a tightened profile must still allow them.
  if (argc > 1 && std::strcmp(argv[1], "--settled") == 0) {
    usleep(1);
    static char self[4096];
    if (readlink("/proc/self/exe", self, sizeof self - 1) <= 0) ++failures;
  }
  auto check = [&](const char* what, long rc) {
    if (rc < 0) {
      std::fprintf(stderr, "refine_workload: %s failed: %s\n", what, std::strerror(errno));
      ++failures;
    }
  };
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
  if (failures == 0) std::printf("refine_workload: all calls succeeded\n");
  return failures == 0 ? 0 : 1;
}
