// sc_short_lived_helper LOGGED DENIED: makes LOGGED getpriority calls and DENIED sysinfo calls
// (whatever filter it inherited decides their fate) and exits at once: the short-lived child
// of a shell in a container, gone before the daemon reads its audit records.
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include <cstdlib>

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  int logged = std::atoi(argv[1]), denied = std::atoi(argv[2]);
  for (int i = 0; i < logged; ++i) syscall(SYS_getpriority, PRIO_PROCESS, 0);
  struct sysinfo si;
  for (int i = 0; i < denied; ++i) syscall(SYS_sysinfo, &si);
  return 0;
}
