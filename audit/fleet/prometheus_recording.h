// The fleet as Prometheus saw it: every instance that exports a container running one profile
// digest, rebuilt as one HostRecording per instance from the daemon's series (docs/fleet.md,
// "What the fleet merge knows": what this can and cannot know compared with a state file).
#pragma once

#include <string>
#include <vector>

#include "audit/fleet/host_recording.h"
#include "audit/fleet/prometheus_client.h"

namespace sc::fleet {

// Throws std::runtime_error when the server fails or answers something malformed, and when
// no instance exports a container with profile_sha256 == digest (nothing to merge is an
// error, never an empty patch).
std::vector<HostRecording> recordings_from_prometheus(const PrometheusClient& client, const std::string& digest);

}  // namespace sc::fleet
