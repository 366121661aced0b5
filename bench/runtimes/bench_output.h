// What syscall_bench printed, parsed and checked against what the contender promised: a
// contender that claims a filter must show one in /proc/self/status and get EPERM for the
// denied call; one without must get the kernel's own EOPNOTSUPP. A mismatch is an error,
// never a figure (a runtime that silently dropped the profile would look fast).
#pragma once

#include <map>
#include <string>

namespace sc::bench {

struct CallFigure {
  double ns = 0;   // median batch, ns per call
  long ret = 0;    // what the first call returned
  int error = 0;   // its errno (0 on success)
};

struct BenchOutput {
  int seccomp_mode = -1;     // /proc/self/status Seccomp (2 = filter)
  int seccomp_filters = -1;  // Seccomp_filters
  std::string clock;         // "cpu" (thread CPU time) or "wall"
  std::map<std::string, CallFigure> calls;  // "getppid", "personality", "denied"
};

// Throws std::runtime_error naming the line that does not parse.
BenchOutput parse_bench_output(const std::string& text);

// Throws std::runtime_error naming `contender` and what does not match.
void check_bench_output(const BenchOutput& output, const std::string& contender,
                        bool filtered);

// The call kinds, in table order, with the labels the table uses.
struct CallKind {
  const char* name;
  const char* label;
};
inline constexpr CallKind kCallKinds[] = {
    {"getppid", "getppid (allowed, kernel-cached)"},
    {"personality", "personality(0xffffffff) (allowed by an argument check)"},
    {"denied", "keyctl(bad op) (denied: ERRNO)"},
};

}  // namespace sc::bench
