// `seccomp-audit run --reset`: removes the tracer's pins (maps and program links) from bpffs.
// Stale pinned sys_enter/sys_exit links keep running for every syscall on the host until
// removed; this is how an operator (or a test) gets rid of them.
#pragma once

#include <string>

namespace sc::audit {

// Removes `pin_dir` and everything under it. Refuses (throws std::runtime_error naming the
// path) when it is not a directory on bpffs, so a wrong flag can never delete real files.
// Returns the number of entries removed (0 when the directory does not exist).
size_t reset_pins(const std::string& pin_dir);

}  // namespace sc::audit
