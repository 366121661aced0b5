// Which workload a registered container belongs to: the name fleet merges and the metrics'
// `workload` label group containers by.
#pragma once

#include <string>

#include "isolator/registry/registry.h"

namespace sc::audit {

// entry.labels[label] when `label` is set and the entry carries it (a Docker, Podman or
// Kubernetes label copied into the registry); else the entry's own `workload`; else "".
std::string workload_of(const registry::Entry& entry, const std::string& label);

}  // namespace sc::audit
