#include "isolator/launch/exit_codes.h"

#include <sys/wait.h>

#include <cerrno>

namespace sc::launch {

int exit_code_from_wait_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return kExitIsolatorFailure;
}

int exit_code_for_exec_error(int error) {
  return (error == ENOENT || error == ENOTDIR) ? kExitNotFound : kExitCannotInvoke;
}

}  // namespace sc::launch
