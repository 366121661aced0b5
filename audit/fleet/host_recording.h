// What one host recorded, as the fleet merge reads it: a state file copied from the host, or
// the series one Prometheus instance exported.
#pragma once

#include <string>
#include <vector>

#include "state/aggregate.h"

namespace sc::fleet {

struct HostRecording {
  std::string host;        // the state file's path as given, or the Prometheus `instance` label
  audit::State state;      // its containers (records carry `host`), sources and last flush
  // What this source could not carry, for the operator (folded series, unnamed syscalls, ...).
  std::vector<std::string> notes;
  // Calls the recording counted but the merge could not turn into a syscall (folded into
  // syscall="other" by the exporter's series cap): a patch cannot cover them.
  uint64_t calls_not_covered = 0;
};

}  // namespace sc::fleet
