// Privileged tests: skip with a clear reason when run unprivileged, but under CI=true a
// skip is a failure (root, seccomp and BPF are available there).
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

namespace sc::testing {

inline bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci && std::strcmp(ci, "true") == 0;
}

}  // namespace sc::testing

// Use at the top of a TEST body: SC_REQUIRE(condition, "what is missing").
#define SC_REQUIRE(condition, reason)                                              \
  do {                                                                             \
    if (!(condition)) {                                                            \
      if (::sc::testing::in_ci()) {                                                \
        FAIL() << "required under CI=true but unavailable: " << (reason);          \
      } else {                                                                     \
        GTEST_SKIP() << "skipped: " << (reason);                                   \
      }                                                                            \
    }                                                                              \
  } while (0)

#define SC_REQUIRE_ROOT() SC_REQUIRE(::geteuid() == 0, "needs root (run as root)")
