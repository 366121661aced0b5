// The filter compiler: a thin RAII wrapper over libseccomp. Every libseccomp call is
// checked; a failure throws FilterError carrying the errno and the rule that failed.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <linux/filter.h>

#include "isolator/profile/resolver.h"

namespace sc::compiler {

class FilterError : public std::runtime_error {
 public:
  FilterError(const std::string& what, int error) : std::runtime_error(what), error_(error) {}
  int error() const { return error_; }  // positive errno
 private:
  int error_;
};

struct CompileOptions {
  bool binary_tree = true;  // SCMP_FLTATR_CTL_OPTIMIZE=2
  bool log_flag = true;     // SCMP_FLTATR_CTL_LOG (SECCOMP_FILTER_FLAG_LOG)
  bool no_new_privs = false;// SCMP_FLTATR_CTL_NNP when loading
  // Action for a syscall made under an arch the filter does not cover. Mesos uses KILL
  // (kill the thread); we kill the whole process when the kernel supports it (>= 4.14):
  // a foreign-arch call is an escape attempt, and a process with one thread killed may keep
  // running half-broken. Set false for Mesos's exact KILL_THREAD.
  bool kill_process_on_bad_arch = true;
};

// A compiled filter ready for seccomp(2): exactly the program and flags seccomp_load would
// install. Built once in the parent so a forked child only makes one system call: no
// allocation, and no regeneration (seccomp_load rebuilds the whole program every time,
// ~80 ms for Docker's profile on our machines).
struct Program {
  std::vector<sock_filter> code;
  unsigned int flags = 0;      // SECCOMP_FILTER_FLAG_* (LOG, TSYNC, SPEC_ALLOW)
  bool no_new_privs = false;   // PR_SET_NO_NEW_PRIVS before installing
};

// Installs into the calling thread. Async-signal-safe (usable between fork and exec):
// returns 0, or the errno of the prctl or seccomp call that failed.
int install(const Program& program) noexcept;

// Owns a scmp_filter_ctx built from a resolved profile.
class Filter {
 public:
  Filter(const profile::ResolvedProfile& resolved, const CompileOptions& options);
  ~Filter();
  Filter(const Filter&) = delete;
  Filter& operator=(const Filter&) = delete;
  Filter(Filter&& other) noexcept;
  Filter& operator=(Filter&& other) noexcept;

  // The cBPF program the kernel gets: the prefix (prefix_program.h) and libseccomp's program.
  std::vector<sock_filter> bpf() const;
  // libseccomp's pseudo-filter-code text, after '#' lines describing the prefix.
  std::string pfc() const;
  size_t prefix_instructions() const { return prefix_.size(); }
  // The program with the flags and no_new_privs its attributes ask for. Throws FilterError.
  Program program() const;
  // Install into the calling thread (seccomp_load). Throws FilterError.
  void load() const;

 private:
  void* ctx_ = nullptr;  // scmp_filter_ctx
  std::vector<sock_filter> prefix_;
  std::string prefix_description_;
};

}  // namespace sc::compiler
