#include "runtimes/time_budget.h"

#include <signal.h>
#include <sys/time.h>
#include <unistd.h>

namespace sc::runtimes {
namespace {
volatile sig_atomic_t exit_status = 0;
extern "C" void on_budget_expired(int) { _exit(exit_status); }
}  // namespace

void set_budget_exit_status(int status) { exit_status = status; }

void arm_budget(unsigned milliseconds) {
  struct sigaction sa {};
  sa.sa_handler = on_budget_expired;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGALRM, &sa, nullptr);
  itimerval t{};
  t.it_value.tv_sec = milliseconds / 1000;
  t.it_value.tv_usec = static_cast<suseconds_t>(milliseconds % 1000) * 1000;
  setitimer(ITIMER_REAL, &t, nullptr);
}

}  // namespace sc::runtimes
