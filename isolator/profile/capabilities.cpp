// The capability table: numbers from linux/capability.h (up to kernel 5.9's
// CAP_CHECKPOINT_RESTORE).
#include "isolator/profile/capabilities.h"

#include <sys/prctl.h>

#include <cctype>

namespace sc::profile {

const std::vector<CapabilityInfo>& known_capabilities() {
  static const std::vector<CapabilityInfo> caps = {
      {"CAP_CHOWN", 0},           {"CAP_DAC_OVERRIDE", 1},    {"CAP_DAC_READ_SEARCH", 2},
      {"CAP_FOWNER", 3},          {"CAP_FSETID", 4},          {"CAP_KILL", 5},
      {"CAP_SETGID", 6},          {"CAP_SETUID", 7},          {"CAP_SETPCAP", 8},
      {"CAP_LINUX_IMMUTABLE", 9}, {"CAP_NET_BIND_SERVICE", 10}, {"CAP_NET_BROADCAST", 11},
      {"CAP_NET_ADMIN", 12},      {"CAP_NET_RAW", 13},        {"CAP_IPC_LOCK", 14},
      {"CAP_IPC_OWNER", 15},      {"CAP_SYS_MODULE", 16},     {"CAP_SYS_RAWIO", 17},
      {"CAP_SYS_CHROOT", 18},     {"CAP_SYS_PTRACE", 19},     {"CAP_SYS_PACCT", 20},
      {"CAP_SYS_ADMIN", 21},      {"CAP_SYS_BOOT", 22},       {"CAP_SYS_NICE", 23},
      {"CAP_SYS_RESOURCE", 24},   {"CAP_SYS_TIME", 25},       {"CAP_SYS_TTY_CONFIG", 26},
      {"CAP_MKNOD", 27},          {"CAP_LEASE", 28},          {"CAP_AUDIT_WRITE", 29},
      {"CAP_AUDIT_CONTROL", 30},  {"CAP_SETFCAP", 31},        {"CAP_MAC_OVERRIDE", 32},
      {"CAP_MAC_ADMIN", 33},      {"CAP_SYSLOG", 34},         {"CAP_WAKE_ALARM", 35},
      {"CAP_BLOCK_SUSPEND", 36},  {"CAP_AUDIT_READ", 37},     {"CAP_PERFMON", 38},
      {"CAP_BPF", 39},            {"CAP_CHECKPOINT_RESTORE", 40},
  };
  return caps;
}

std::optional<std::string> normalize_capability(const std::string& name) {
  std::string upper;
  upper.reserve(name.size() + 4);
  for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper.rfind("CAP_", 0) != 0) upper = "CAP_" + upper;
  for (const auto& cap : known_capabilities())
    if (upper == cap.name) return upper;
  return std::nullopt;
}

std::optional<unsigned> capability_number(const std::string& name) {
  auto canonical = normalize_capability(name);
  if (!canonical) return std::nullopt;
  for (const auto& cap : known_capabilities())
    if (*canonical == cap.name) return cap.number;
  return std::nullopt;
}

std::optional<std::string> capability_name(unsigned number) {
  for (const auto& cap : known_capabilities())
    if (cap.number == number) return std::string(cap.name);
  return std::nullopt;
}

std::set<std::string> capabilities_from_mask(uint64_t mask) {
  std::set<std::string> result;
  for (const auto& cap : known_capabilities())
    if (cap.number < 64 && (mask >> cap.number) & 1) result.insert(cap.name);
  return result;
}

std::set<std::string> current_bounding_set() {
  std::set<std::string> result;
  for (const auto& cap : known_capabilities())
    // PR_CAPBSET_READ returns 1 when set, 0 when not, -1 (EINVAL) when the running kernel
    // does not know the capability: then it cannot be in the set either.
    if (prctl(PR_CAPBSET_READ, cap.number, 0, 0, 0) == 1) result.insert(cap.name);
  return result;
}

}  // namespace sc::profile
