// The kernel's own verdict on a live seccomp filter, as an oracle for tests: the filter under
// test is installed in a forked child and each call is really made there, yet nothing the
// filter lets through is executed. How: before the filter under test, the child installs a
// "catcher" filter that answers every syscall with ERRNO(kPassedErrno). The kernel runs both
// and keeps the most restrictive action; between two ERRNOs the newer filter's (the one under
// test) wins. So a call comes back as
//   - errno kPassedErrno  when the filter under test returns ALLOW, LOG, TRACE or USER_NOTIF
//                         (the catcher's ERRNO outranks them: the call does not run);
//   - its own errno       when the filter under test returns ERRNO(e);
//   - the child dies of SIGSYS when it returns KILL_THREAD, KILL_PROCESS or TRAP.
// The catcher lets through only the child's own seccomp(2) and exit calls, and only when
// their sixth argument is a magic value (a probed call never carries it).
// x86_64 only (the host arch; x32 numbers carry the x32 bit and run as x32). No root needed.
// Not every number can be asked: the kernel runs uretprobe (335) and uprobe (336) without
// consulting seccomp at all (kernel/seccomp.c, "passthrough uprobe systemcall without
// filtering", Linux 6.11+/6.16+), so no filter decides them; kernel_answers refuses them.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <linux/filter.h>

namespace sc::testing {

inline constexpr int kPassedErrno = 4000;  // no profile of ours returns this errno

// x86_64 numbers the kernel lets through before any filter runs (see above).
inline bool bypasses_seccomp(long nr) { return nr == 335 || nr == 336; }

struct KernelCall {
  long nr = 0;
  std::array<uint64_t, 6> args{};
};

enum class KernelVerdict { Passed, Errno, Killed };

struct KernelAnswer {
  KernelVerdict verdict = KernelVerdict::Passed;
  int error = 0;  // for Errno: the errno the filter returned
};

// Runs every call under `filter` in a child (a new child after each killed call). Throws
// std::runtime_error when the child fails in any other way (the filter did not load, ...).
std::vector<KernelAnswer> kernel_answers(const std::vector<sock_filter>& filter, const std::vector<KernelCall>& calls);

std::string to_string(const KernelAnswer& answer);

}  // namespace sc::testing
