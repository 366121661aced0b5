// The offline fleet: several state.json files copied from hosts (`--state_file=A
// --state_file=B`), each read whole and exactly as the host wrote it.
#pragma once

#include <string>
#include <vector>

#include "audit/fleet/host_recording.h"

namespace sc::fleet {

// One HostRecording per file, named by its path. Throws std::runtime_error naming the file
// (unreadable, not a state file, or given twice).
std::vector<HostRecording> load_state_files(const std::vector<std::string>& paths);

}  // namespace sc::fleet
