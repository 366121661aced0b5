// The request files of shadow evaluation, <state_dir>/shadow/<name>.json (shadow.h): written by
// `seccomp-audit shadow start`, removed by `shadow stop`, read by the daemon at every rescan.
// A file is the request: it survives a restart of the daemon and of the machine.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "state/shadow.h"

namespace sc::audit {

struct ShadowRequests {
  std::map<std::string, ShadowRequest> valid;           // by name
  std::vector<std::pair<std::string, std::string>> bad; // (file, what is wrong with it)
};

// Every *.json in <state_dir>/shadow (none when the directory does not exist). A file whose
// content does not parse, or whose name is not its "name", is listed in `bad`, not thrown.
ShadowRequests read_shadow_requests(const std::string& state_dir);

// Durably (temporary file, fsync, rename). The directory is created 0700: a request holds
// the candidate profile's text. Throws std::system_error naming the path.
void write_shadow_request(const std::string& state_dir, const ShadowRequest& request);

// True when a request file was removed, false when there was none. Throws on other errors.
bool remove_shadow_request(const std::string& state_dir, const std::string& name);

}  // namespace sc::audit
