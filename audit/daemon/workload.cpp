#include "audit/daemon/workload.h"

namespace sc::audit {

std::string workload_of(const registry::Entry& entry, const std::string& label) {
  if (!label.empty())
    if (auto it = entry.labels.find(label); it != entry.labels.end() && !it->second.empty()) return it->second;
  return entry.workload;
}

}  // namespace sc::audit
