// The deterministic workload of the shadow-evaluation tests: after a barrier (a line read from
// the FIFO in argv[1]) it makes a fixed list of raw syscalls, native and i386 (int 0x80), and
// never branches on their results, so that two runs under different filters make the same
// calls. Every argument is a long (syscall() reads longs from its varargs). Static and never
// sanitized: nothing but these calls after the barrier.
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

namespace {

long i386_syscall(long nr, long a0 = 0, long a1 = 0) {
  long ret;
  // int 0x80: the i386 entry; ebx, ecx hold the first two arguments (only 32-bit values).
  asm volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a0), "c"(a1) : "memory");
  return ret;
}

constexpr long kI386Getpid = 20, kI386Uname = 122, kI386Personality = 136;
constexpr long kCloneNewuts = 0x04000000, kSigchld = 17;

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  int fd = ::open(argv[1], O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 2;
  char c;
  while (::read(fd, &c, 1) == 1 && c != '\n') {
  }
  ::close(fd);

  char buf[512];
  for (int i = 0; i < 3; ++i) ::syscall(SYS_uname, buf);
  for (int i = 0; i < 2; ++i) ::syscall(SYS_getppid);
  ::syscall(SYS_times, nullptr);
  for (int i = 0; i < 2; ++i) ::syscall(SYS_personality, 0x0040000L);  // ADDR_NO_RANDOMIZE
  ::syscall(SYS_personality, 0xffffffffL);                              // the query
  ::syscall(SYS_personality, 0x0008L);
  for (int i = 0; i < 2; ++i) ::syscall(SYS_keyctl, 0L, -3L, 0L);         // KEYCTL_GET_KEYRING_ID
  ::syscall(SYS_add_key, nullptr, nullptr, nullptr, 0L, 0L);
  // clone with a namespace flag: a child only where it is allowed, which exits at once.
  long child = ::syscall(SYS_clone, kCloneNewuts | kSigchld, 0L, 0L, 0L, 0L);
  if (child == 0) ::syscall(SYS_exit, 0L);
  if (child > 0) ::waitpid(static_cast<pid_t>(child), nullptr, 0);
  for (int i = 0; i < 2; ++i) i386_syscall(kI386Getpid);
  i386_syscall(kI386Uname, 0);  // a null buffer: EFAULT where it runs, the verdict is what counts
  i386_syscall(kI386Personality, 0x0040000);
  std::printf("done\n");
  return 0;
}
