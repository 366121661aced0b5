// A tiny program the launch tests run inside containers: it makes one kind of syscall and
// says what happened, so a test can tell ERRNO, KILL_*, TRAP and LOG apart.
//   probe uname              uname(); prints "ok" (exit 0) or "errno=N" (exit 1)
//   probe keyctl             keyctl(KEYCTL_GET_KEYRING_ID, session); "ok" or "errno=N"
//   probe uname-in-thread    uname() in a second thread; prints "survived" if main lives on
//   probe trap               uname() with a SIGSYS handler; prints "sigsys code=C syscall=N"
//   probe status             prints the Cap*/NoNewPrivs lines of /proc/self/status
//   probe touch FILE         creates FILE
//   probe wait               prints "ready" and sleeps until killed
//   probe syscall NR [ARG...]   the raw syscall NR with up to six (decimal) arguments;
//                               prints "ok" (exit 0) or "errno=N" (exit 1)
//   probe repeat FIFO NR:COUNT...  first reads a line from FIFO ("-": none; a barrier the test
//                               writes once it is ready), then makes each raw syscall NR
//                               (no arguments) COUNT times; prints "denied=D" (calls that
//                               failed with EPERM) and exits 0
//   probe load-filter-and-wait  installs a second filter (getppid -> ERRNO(EPERM)),
//                               prints "ready" and sleeps until killed
#include <fcntl.h>
#include <pthread.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

volatile sig_atomic_t g_code = -1, g_syscall = -1;

void on_sigsys(int, siginfo_t* info, void*) {
  g_code = info->si_code;
  g_syscall = info->si_syscall;
}

int do_uname() {
  struct utsname u;
  if (::uname(&u) == 0) {
    std::printf("ok\n");
    return 0;
  }
  std::printf("errno=%d\n", errno);
  return 1;
}

void* thread_uname(void*) {
  struct utsname u;
  ::uname(&u);
  return nullptr;
}

[[noreturn]] void wait_forever() {
  std::printf("ready\n");
  std::fflush(stdout);
  for (;;) ::pause();
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IONBF, 0);
  if (argc < 2) return 2;
  std::string what = argv[1];
  if (what == "uname") return do_uname();
  if (what == "syscall" && argc >= 3 && argc <= 9) {
    long a[6] = {0, 0, 0, 0, 0, 0};
    for (int i = 3; i < argc; ++i) a[i - 3] = std::strtol(argv[i], nullptr, 0);
    if (::syscall(std::strtol(argv[2], nullptr, 0), a[0], a[1], a[2], a[3], a[4], a[5]) >= 0) {
      std::printf("ok\n");
      return 0;
    }
    std::printf("errno=%d\n", errno);
    return 1;
  }
  if (what == "repeat" && argc >= 3) {
    if (std::string(argv[2]) != "-") {
      int fd = ::open(argv[2], O_RDONLY | O_CLOEXEC);
      if (fd < 0) return 2;
      char c;
      while (::read(fd, &c, 1) == 1 && c != '\n') {
      }
      ::close(fd);
    }
    long denied = 0;
    for (int i = 3; i < argc; ++i) {
      char* colon = nullptr;
      long nr = std::strtol(argv[i], &colon, 0);
      long count = colon && *colon == ':' ? std::strtol(colon + 1, nullptr, 0) : 1;
      for (long k = 0; k < count; ++k)
        if (::syscall(nr, 0, 0, 0) == -1 && errno == EPERM) ++denied;
    }
    std::printf("denied=%ld\n", denied);
    return 0;
  }
  if (what == "keyctl") {
    // KEYCTL_GET_KEYRING_ID (0) of KEY_SPEC_SESSION_KEYRING (-3), creating it if needed.
    if (::syscall(SYS_keyctl, 0, -3, 1) >= 0) {
      std::printf("ok\n");
      return 0;
    }
    std::printf("errno=%d\n", errno);
    return 1;
  }
  if (what == "uname-in-thread") {
    pthread_t t;
    if (pthread_create(&t, nullptr, thread_uname, nullptr) != 0) return 2;
    pthread_join(t, nullptr);
    std::printf("survived\n");
    return 0;
  }
  if (what == "trap") {
    struct sigaction sa {};
    sa.sa_sigaction = on_sigsys;
    sa.sa_flags = SA_SIGINFO;
    ::sigaction(SIGSYS, &sa, nullptr);
    struct utsname u;
    long r = ::syscall(SYS_uname, &u);
    std::printf("sigsys code=%d syscall=%d ret=%ld\n", static_cast<int>(g_code), static_cast<int>(g_syscall), r);
    return 0;
  }
  if (what == "status") {
    FILE* f = std::fopen("/proc/self/status", "r");
    if (!f) return 2;
    char line[256];
    while (std::fgets(line, sizeof line, f))
      if (!std::strncmp(line, "Cap", 3) || !std::strncmp(line, "NoNewPrivs", 10)) std::fputs(line, stdout);
    std::fclose(f);
    return 0;
  }
  if (what == "touch" && argc > 2) {
    int fd = ::open(argv[2], O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0) return 1;
    ::close(fd);
    return 0;
  }
  if (what == "wait") wait_forever();
  if (what == "load-filter-and-wait") {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) return 2;
    if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(getppid), 0) != 0) return 2;
    int rc = seccomp_load(ctx);
    seccomp_release(ctx);
    if (rc != 0) {
      std::printf("load failed: %d\n", rc);
      return 2;
    }
    wait_forever();
  }
  return 2;
}
