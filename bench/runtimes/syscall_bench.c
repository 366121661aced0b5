// syscall_bench: the per-syscall cost of three kinds of call under whatever seccomp filter
// the process was started with. Linked statically so the same file runs on the host and as
// the only program in an OCI bundle's rootfs (runc, crun), under the very same code.
//
//   syscall_bench [ITERATIONS [BATCHES [cpu|wall [DENIED_ITERATIONS]]]]
//   (defaults 1000000, 5, cpu, ITERATIONS)
//
// DENIED_ITERATIONS bounds the denied loop alone: under a filter loaded with
// SECCOMP_FILTER_FLAG_LOG every denial writes an audit record, and a million of them would
// flood the audit stream of the whole machine.
//
// Time is the thread's CPU time by default (CLOCK_THREAD_CPUTIME_ID): a syscall's kernel work,
// seccomp included, is charged to the calling thread, so other load on a shared machine does
// not inflate the figure the way wall time would (`wall` measures wall time instead).
//
// Output, one `key=value` record per line (read by sc-bench-runtimes):
//   seccomp mode=2 filters=1            from /proc/self/status: proves a filter is installed
//   clock name=cpu
//   call name=getppid ns=41.2 ret=123 errno=0
//   call name=personality ns=... ret=0 errno=0
//   call name=denied ns=... ret=-1 errno=1
//
// The three calls, chosen so that running them without a filter has no side effect:
// - getppid: allowed unconditionally by Docker's profile, so the kernel's seccomp action
//   cache (5.11+) answers ALLOW without running the BPF program at all.
// - personality(0xffffffff): allowed only by an argument check (arg0 == 0xffffffff), so the
//   BPF program runs on every call; 0xffffffff only queries the persona, it changes nothing.
//   (socket(AF_INET, ...) is also argument-checked but creates a file that must be closed,
//   which would add close()'s cost and a second, unconditionally allowed, syscall.)
// - denied: keyctl(0x7fffffff) (an operation that does not exist). Docker's profile allows
//   keyctl under no capability, so the filter answers ERRNO(EPERM) after a full search;
//   without a filter the kernel rejects the unknown operation with EOPNOTSUPP at once,
//   touching no keyring. (add_key(NULL, ...) would fault on the NULL pointer, which costs
//   ~10 us in a VM and would dwarf what is measured.)
// Each call kind is timed in BATCHES interleaved batches of ITERATIONS/BATCHES calls; the
// median batch is printed (the harness then takes medians across runs and contenders).
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { kCalls = 3, kMaxBatches = 101 };

static const char* const kNames[kCalls] = {"getppid", "personality", "denied"};

static long do_call(int which) {
  switch (which) {
    case 0: return syscall(SYS_getppid);
    case 1: return syscall(SYS_personality, 0xffffffffUL);
    default: return syscall(SYS_keyctl, 0x7fffffffL, 0UL, 0UL, 0UL, 0UL);
  }
}

static clockid_t clock_id = CLOCK_THREAD_CPUTIME_ID;

static double now_ns(void) {
  struct timespec ts;
  if (clock_gettime(clock_id, &ts) != 0) {
    perror("syscall_bench: clock_gettime");
    exit(1);
  }
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int compare_double(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

// "Seccomp:" and "Seccomp_filters:" of /proc/self/status; -1 when unreadable (no /proc).
static void seccomp_status(int* mode, int* filters) {
  *mode = -1;
  *filters = -1;
  FILE* f = fopen("/proc/self/status", "r");
  if (!f) return;
  char line[256];
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "Seccomp:", 8) == 0) *mode = atoi(line + 8);
    if (strncmp(line, "Seccomp_filters:", 16) == 0) *filters = atoi(line + 16);
  }
  fclose(f);
}

static long parse_positive(const char* text, const char* what) {
  char* end = NULL;
  errno = 0;
  long value = strtol(text, &end, 10);
  if (errno || end == text || *end || value <= 0) {
    fprintf(stderr, "syscall_bench: %s must be a positive integer, got '%s'\n", what, text);
    exit(2);
  }
  return value;
}

int main(int argc, char** argv) {
  if (argc > 5 || (argc > 1 && strcmp(argv[1], "--help") == 0)) {
    fprintf(stderr, "usage: syscall_bench [ITERATIONS [BATCHES [cpu|wall [DENIED_ITERATIONS]]]]\n");
    return 2;
  }
  if (argc > 3) {
    if (strcmp(argv[3], "wall") == 0) {
      clock_id = CLOCK_MONOTONIC;
    } else if (strcmp(argv[3], "cpu") != 0) {
      fprintf(stderr, "syscall_bench: the clock is cpu or wall, got '%s'\n", argv[3]);
      return 2;
    }
  }
  long iterations = argc > 1 ? parse_positive(argv[1], "ITERATIONS") : 1000000;
  long batches = argc > 2 ? parse_positive(argv[2], "BATCHES") : 5;
  if (batches > kMaxBatches) batches = kMaxBatches;
  long denied = argc > 4 ? parse_positive(argv[4], "DENIED_ITERATIONS") : iterations;
  long per_batch[kCalls];
  for (int c = 0; c < kCalls; ++c) {
    per_batch[c] = (c == kCalls - 1 ? denied : iterations) / batches;
    if (per_batch[c] < 1) per_batch[c] = 1;
  }

  int mode, filters;
  seccomp_status(&mode, &filters);
  printf("seccomp mode=%d filters=%d\n", mode, filters);
  printf("clock name=%s\n", clock_id == CLOCK_MONOTONIC ? "wall" : "cpu");

  long ret[kCalls];
  int err[kCalls];
  for (int c = 0; c < kCalls; ++c) {  // what each call returns here, and a warm-up
    errno = 0;
    ret[c] = do_call(c);
    err[c] = ret[c] == -1 ? errno : 0;
    for (long i = 0; i < per_batch[c] / 10; ++i) do_call(c);
  }

  static double samples[kCalls][kMaxBatches];
  for (long b = 0; b < batches; ++b)
    for (int c = 0; c < kCalls; ++c) {
      double start = now_ns();
      for (long i = 0; i < per_batch[c]; ++i) do_call(c);
      samples[c][b] = (now_ns() - start) / (double)per_batch[c];
    }

  for (int c = 0; c < kCalls; ++c) {
    qsort(samples[c], (size_t)batches, sizeof(double), compare_double);
    printf("call name=%s ns=%.2f ret=%ld errno=%d calls=%ld\n", kNames[c], samples[c][batches / 2],
           ret[c], err[c], per_batch[c] * batches);
  }
  return fflush(stdout) == 0 ? 0 : 1;
}
