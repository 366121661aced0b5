#include "tests/support/kernel_verdict.h"

#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace sc::testing {
namespace {

constexpr uint64_t kMagic = 0x5ec0c0de0bad5eedull;  // args[5] of the child's own seccomp/exit calls

struct Slot {
  int done = 0;
  long ret = 0;
  int error = 0;
};

struct Shared {
  size_t progress = 0;  // index of the call being made (calls.size() when all were made)
  Slot* slots = nullptr;  // calls.size() of them, right after this header in the same mapping
};

std::vector<sock_filter> catcher() {
  const uint32_t passed = SECCOMP_RET_ERRNO | static_cast<uint32_t>(kPassedErrno);
  const uint32_t lo = static_cast<uint32_t>(kMagic), hi = static_cast<uint32_t>(kMagic >> 32);
  const uint32_t arg5 = offsetof(seccomp_data, args) + 5 * sizeof(uint64_t);  // little-endian: low half first
  return {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_seccomp, 3, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_exit_group, 2, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_exit, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, passed),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, arg5),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, lo, 0, 3),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, arg5 + 4),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, hi, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_RET | BPF_K, passed),
  };
}

// Not instrumented by AddressSanitizer, nor is run_child: ASan puts __asan_handle_no_return
// before every noreturn call (also __builtin_trap), and it calls sigaltstack and gettid; the
// filter under test denies them, ASan's CHECK fails and its Die() spins on a denied exit_group.
__attribute__((no_sanitize_address)) void child_exit(int code) {
  syscall(SYS_exit_group, code, 0, 0, 0, 0, kMagic);
  __builtin_trap();  // the filter under test denied exit_group: end by SIGILL (default action)
}

// In the child: no allocation, no library call that makes a syscall, after the filters.
__attribute__((no_sanitize_address)) void run_child(Shared* shared, size_t from, const std::vector<KernelCall>& calls, sock_fprog* catcher_prog,
                            sock_fprog* tested_prog) {
  struct sigaction dfl{};
  dfl.sa_handler = SIG_DFL;
  sigaction(SIGILL, &dfl, nullptr);
  sigaction(SIGSYS, &dfl, nullptr);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);  // no core dumps of the deliberate ends
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(90);
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, catcher_prog) != 0) _exit(91);
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, tested_prog, 0, 0, kMagic) != 0) child_exit(92);
  for (size_t i = from; i < calls.size(); ++i) {
    shared->progress = i;
    const KernelCall& c = calls[i];
    errno = 0;
    long r = syscall(c.nr, c.args[0], c.args[1], c.args[2], c.args[3], c.args[4], c.args[5]);
    shared->slots[i].error = errno;
    shared->slots[i].ret = r;
    shared->slots[i].done = 1;
  }
  shared->progress = calls.size();
  child_exit(0);
}

}  // namespace

std::vector<KernelAnswer> kernel_answers(const std::vector<sock_filter>& filter, const std::vector<KernelCall>& calls) {
  for (const auto& c : calls) {
    if (c.args[5] == kMagic) throw std::runtime_error("kernel_answers: a call carries the catcher's magic argument");
    if (bypasses_seccomp(c.nr))
      throw std::runtime_error("kernel_answers: syscall " + std::to_string(c.nr) +
                               " is not filtered by seccomp on this kernel: no filter decides it");
  }
  std::vector<sock_filter> catch_all = catcher();
  std::vector<sock_filter> tested = filter;
  sock_fprog catcher_prog{static_cast<unsigned short>(catch_all.size()), catch_all.data()};
  sock_fprog tested_prog{static_cast<unsigned short>(tested.size()), tested.data()};
  const size_t bytes = sizeof(Shared) + sizeof(Slot) * (calls.size() + 1);
  void* mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) throw std::runtime_error(std::string("kernel_answers: mmap: ") + std::strerror(errno));
  auto* shared = static_cast<Shared*>(mem);
  shared->slots = reinterpret_cast<Slot*>(static_cast<char*>(mem) + sizeof(Shared));
  std::vector<KernelAnswer> answers(calls.size());
  std::string failure;
  size_t next = 0;
  while (next < calls.size() && failure.empty()) {
    shared->progress = next;
    pid_t pid = fork();
    if (pid < 0) {
      failure = std::string("fork: ") + std::strerror(errno);
      break;
    }
    if (pid == 0) run_child(shared, next, calls, &catcher_prog, &tested_prog);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
      if (errno != EINTR) {
        failure = std::string("waitpid: ") + std::strerror(errno);
        break;
      }
    const size_t at = shared->progress;
    const bool ended = (WIFEXITED(status) && WEXITSTATUS(status) == 0) || (WIFSIGNALED(status) && WTERMSIG(status) == SIGILL);
    if (!failure.empty()) break;
    if (ended && at == calls.size()) break;
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS && at < calls.size() && !shared->slots[at].done) {
      answers[at].verdict = KernelVerdict::Killed;  // KILL_THREAD, KILL_PROCESS or TRAP
      next = at + 1;
      continue;
    }
    failure = "the probing child ended with " +
              (WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                                 : "signal " + std::to_string(WIFSIGNALED(status) ? WTERMSIG(status) : -1)) +
              " at call " + std::to_string(at) + " of " + std::to_string(calls.size()) +
              " (exit 90-92: the filters did not load)";
  }
  for (size_t i = 0; i < calls.size() && failure.empty(); ++i) {
    if (answers[i].verdict == KernelVerdict::Killed) continue;
    const Slot& s = shared->slots[i];
    if (!s.done) failure = "call " + std::to_string(i) + " was never made";
    else if (s.ret != -1) failure = "call " + std::to_string(i) + " (nr " + std::to_string(calls[i].nr) + ") ran: returned " + std::to_string(s.ret);
    else if (s.error == kPassedErrno) answers[i].verdict = KernelVerdict::Passed;
    else answers[i] = {KernelVerdict::Errno, s.error};
  }
  munmap(mem, bytes);
  if (!failure.empty()) throw std::runtime_error("kernel_answers: " + failure);
  return answers;
}

std::string to_string(const KernelAnswer& answer) {
  switch (answer.verdict) {
    case KernelVerdict::Passed: return "passed";
    case KernelVerdict::Errno: return "errno(" + std::to_string(answer.error) + ")";
    case KernelVerdict::Killed: return "killed";
  }
  return "?";
}

}  // namespace sc::testing
