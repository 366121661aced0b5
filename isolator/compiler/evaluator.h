// A seccomp cBPF evaluator: runs a compiled filter on (arch, nr, args, ip) exactly as the
// kernel's seccomp_run_filters would, and counts the instructions executed. Used by tests,
// by `explain`, and to decode filters read back from running processes (`inspect`).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <vector>

#include <linux/filter.h>

namespace sc::compiler {

struct SyscallData {      // mirrors struct seccomp_data
  int nr = 0;
  uint32_t arch = 0;      // AUDIT_ARCH_*
  uint64_t instruction_pointer = 0;
  uint64_t args[6] = {0, 0, 0, 0, 0, 0};
};

struct Evaluation {
  uint32_t ret = 0;            // raw SECCOMP_RET_* value, action + data
  uint64_t instructions = 0;   // instructions executed
};

class EvaluationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws EvaluationError for a program the kernel would reject (bad jump, bad load, no RET).
Evaluation evaluate(const std::vector<sock_filter>& program, const SyscallData& data);

// Several filters stacked in one process: the kernel runs all, the most restrictive wins.
// `programs` is in installation order.
Evaluation evaluate_stack(const std::vector<std::vector<sock_filter>>& programs,
                          const SyscallData& data);

}  // namespace sc::compiler
