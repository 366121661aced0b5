// Registration must never hold up or fail a container's start: the hook and the wrapper give
// it a wall-clock budget, after which the process exits with what the runtime expects (the
// hook 0, the wrapper runc's own status) whatever the registration is doing (a hung
// filesystem, a stopped disk). Async-signal-safe: SIGALRM's handler only calls _exit.
#pragma once

namespace sc::runtimes {

// Arms a one-shot timer of `milliseconds`; at expiry the process _exit()s with the status
// last given to set_budget_exit_status (0 until then). 0 disarms.
void arm_budget(unsigned milliseconds);
void set_budget_exit_status(int status);

}  // namespace sc::runtimes
