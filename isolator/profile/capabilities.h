// Linux capability names as profiles use them in includes/excludes.caps.
// "SYS_ADMIN", "CAP_SYS_ADMIN" and "cap_sys_admin" all normalise to "CAP_SYS_ADMIN".
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sc::profile {

struct CapabilityInfo {
  const char* name;  // "CAP_CHOWN"
  unsigned number;   // 0
};

// CAP_CHOWN (0) .. CAP_CHECKPOINT_RESTORE (40), in number order.
const std::vector<CapabilityInfo>& known_capabilities();

// Canonical "CAP_X" for "CAP_X", "X" (any case); nullopt when unknown.
std::optional<std::string> normalize_capability(const std::string& name);
std::optional<unsigned> capability_number(const std::string& name);
// "CAP_SYS_ADMIN" for 21; nullopt when unknown.
std::optional<std::string> capability_name(unsigned number);

// The names of the bits set in a capability mask (as in /proc/PID/status CapBnd).
std::set<std::string> capabilities_from_mask(uint64_t mask);
// The calling process's bounding set (PR_CAPBSET_READ for every known capability).
std::set<std::string> current_bounding_set();

}  // namespace sc::profile
