// Real processes under real seccomp filters, for producing real verdicts in tests. The filter
// is built with libseccomp in the parent and exported as BPF; the forked child only calls
// prctl/seccomp (async-signal-safe), then runs its body and exits with its result.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sc::metrics::testing {

struct FilterRule {
  std::string syscall;  // name in the native table
  uint32_t action;      // SCMP_ACT_ERRNO(EPERM), SCMP_ACT_KILL_PROCESS, SCMP_ACT_LOG, ...
};

class FilteredChild {
 public:
  // Default action allow; SECCOMP_FILTER_FLAG_LOG so errno denials are audited too.
  FilteredChild(const std::vector<FilterRule>& rules, const std::function<int()>& body);
  ~FilteredChild();   // kills and reaps a child still running
  FilteredChild(const FilteredChild&) = delete;
  FilteredChild& operator=(const FilteredChild&) = delete;

  pid_t pid() const { return pid_; }
  int wait();  // the raw wait status

 private:
  pid_t pid_ = -1;
};

// Native syscall number for a name (libseccomp); throws when unknown.
int syscall_number(const std::string& name);
// Name for a syscall number of an AUDIT_ARCH_* (libseccomp); "#<nr>" when unknown.
std::string syscall_name(uint32_t audit_arch, int nr);

}  // namespace sc::metrics::testing
