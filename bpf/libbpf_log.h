// libbpf prints its diagnostics (verifier log, failing relocation, ...) through a callback.
// We keep the recent lines of the current thread so that an error we throw can carry them,
// and print them only when SC_TRACER_DEBUG is set (probing failures are expected here).
#pragma once

#include <string>

namespace sc::bpf {

void install_libbpf_log();          // idempotent
void clear_libbpf_log();            // forget the lines of the current thread
std::string libbpf_log_tail();      // the last lines of the current thread, for an error

// "Operation not permitted (errno 1)" for an errno, or a libbpf return value (-errno).
std::string errno_text(int err);

}  // namespace sc::bpf
