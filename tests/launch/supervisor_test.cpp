// The supervisor's once-running callback (launch fsyncs the registry entry there): called
// once when the child outlives the delay, never when it exits first. Real child processes.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "isolator/launch/supervisor.h"

namespace {

struct SupervisedRun {
  int calls = 0;
  int status = -1;
};

// Forks a child that sleeps `child_ms`, supervises it with a callback due after `delay_ms`.
SupervisedRun supervise_child(int child_ms, int delay_ms) {
  sigset_t old = sc::launch::block_supervised_signals();
  SupervisedRun run;
  {
    sc::launch::Supervisor supervisor;
    int report[2];
    EXPECT_EQ(::pipe2(report, O_CLOEXEC), 0);
    pid_t pid = ::fork();
    if (pid == 0) {
      ::close(report[0]);
      struct timespec ts {child_ms / 1000, (child_ms % 1000) * 1000000L};
      ::nanosleep(&ts, nullptr);
      ::_exit(7);
    }
    ::close(report[1]);
    auto outcome = supervisor.supervise(pid, report[0], [&run] { ++run.calls; }, delay_ms);
    run.status = outcome.wait_status;
  }
  ::sigprocmask(SIG_SETMASK, &old, nullptr);
  return run;
}

TEST(Supervisor, OnceRunningCallbackFiresOnceForALongerChild) {
  auto run = supervise_child(400, 50);
  EXPECT_EQ(run.calls, 1);
  ASSERT_TRUE(WIFEXITED(run.status));
  EXPECT_EQ(WEXITSTATUS(run.status), 7);
}

TEST(Supervisor, OnceRunningCallbackSkippedWhenTheChildExitsFirst) {
  auto run = supervise_child(0, 2000);
  EXPECT_EQ(run.calls, 0);
  ASSERT_TRUE(WIFEXITED(run.status));
  EXPECT_EQ(WEXITSTATUS(run.status), 7);
}

}  // namespace
