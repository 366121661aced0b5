// launch's exit codes, as `docker run`: 125 the isolator failed (nothing ran), 126 the
// command could not be invoked, 127 it was not found, else the command's own status, and
// 128+N when it died of signal N.
#pragma once

namespace sc::launch {

inline constexpr int kExitIsolatorFailure = 125;
inline constexpr int kExitCannotInvoke = 126;
inline constexpr int kExitNotFound = 127;

// From a waitpid() status.
int exit_code_from_wait_status(int status);
// From execve()'s errno: ENOENT/ENOTDIR -> 127, anything else -> 126.
int exit_code_for_exec_error(int error);

}  // namespace sc::launch
