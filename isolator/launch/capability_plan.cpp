#include "isolator/launch/capability_plan.h"

#include <linux/capability.h>
#include <linux/securebits.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

#include "isolator/launch/launch_error.h"
#include "isolator/profile/capabilities.h"

namespace sc::launch {
namespace {

uint64_t mask_of(const std::set<std::string>& names) {
  uint64_t mask = 0;
  for (const auto& n : names)
    if (auto number = profile::capability_number(n)) mask |= uint64_t{1} << *number;
  return mask;
}

std::string names_of(uint64_t mask) {
  std::string out;
  for (const auto& n : profile::capabilities_from_mask(mask)) out += (out.empty() ? "" : ",") + n;
  return out;
}

// Raw capget/capset (version 3, 64 bits): no allocation, usable after fork.
int get_caps(__user_cap_data_struct data[2]) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  return static_cast<int>(::syscall(SYS_capget, &header, data));
}
int set_caps(uint64_t effective, uint64_t permitted, uint64_t inheritable) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2];
  data[0].effective = static_cast<uint32_t>(effective);
  data[1].effective = static_cast<uint32_t>(effective >> 32);
  data[0].permitted = static_cast<uint32_t>(permitted);
  data[1].permitted = static_cast<uint32_t>(permitted >> 32);
  data[0].inheritable = static_cast<uint32_t>(inheritable);
  data[1].inheritable = static_cast<uint32_t>(inheritable >> 32);
  return static_cast<int>(::syscall(SYS_capset, &header, data));
}

uint64_t own_bounding_mask(unsigned last) {
  uint64_t mask = 0;
  for (unsigned c = 0; c <= last && c < 64; ++c)
    if (::prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1) mask |= uint64_t{1} << c;
  return mask;
}

}  // namespace

unsigned last_capability() {
  std::ifstream in("/proc/sys/kernel/cap_last_cap");
  unsigned last = 0;
  if (in >> last) return last;
  return CAP_LAST_CAP;
}

std::set<std::string> CapabilityPlan::bounding_names() const { return profile::capabilities_from_mask(bounding); }

CapabilityPlan plan_capabilities(const ContainerInfo& info) {
  CapabilityPlan plan;
  uint64_t own = own_bounding_mask(last_capability());
  if (info.bounding_capabilities) {
    plan.bounding = mask_of(*info.bounding_capabilities);
    plan.change_bounding = true;
  } else if (info.effective_capabilities) {
    plan.bounding = mask_of(*info.effective_capabilities);
    plan.change_bounding = true;
  } else {
    plan.bounding = own;
  }
  if (info.effective_capabilities) {
    uint64_t effective = mask_of(*info.effective_capabilities);
    if (effective & ~plan.bounding)
      throw LaunchError("Invalid ContainerInfo: linux_info.effective_capabilities: " +
                        names_of(effective & ~plan.bounding) + " not in the bounding capabilities");
    plan.effective = effective;
  }
  if (plan.change_bounding && (plan.bounding & ~own))
    throw LaunchError("Invalid ContainerInfo: capabilities " + names_of(plan.bounding & ~own) +
                      " are not in the launcher's own bounding set, so the container cannot have them");
  return plan;
}

int apply_capabilities(const CapabilityPlan& plan, bool root_user, const char** step) {
  if (!plan.change_bounding && !plan.effective) return 0;
  // After setuid the effective set may be empty: raise it to the permitted set again so
  // that CAP_SETPCAP (bounding drops, securebits) is usable.
  __user_cap_data_struct now[2];
  *step = "capget";
  if (get_caps(now) != 0) return errno;
  uint64_t permitted = now[0].permitted | (uint64_t{now[1].permitted} << 32);
  uint64_t inheritable = now[0].inheritable | (uint64_t{now[1].inheritable} << 32);
  *step = "capset (raise effective)";
  if (set_caps(permitted, permitted, inheritable) != 0) return errno;

  if (plan.effective && root_user) {
    // Without NOROOT, exec gives uid 0 every capability of the bounding set again.
    *step = "prctl(PR_SET_SECUREBITS, NOROOT)";
    int bits = ::prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
    if (bits < 0) return errno;
    if (::prctl(PR_SET_SECUREBITS, bits | SECBIT_NOROOT | SECBIT_NOROOT_LOCKED, 0, 0, 0) != 0) return errno;
  }
  if (plan.change_bounding) {
    *step = "prctl(PR_CAPBSET_DROP)";
    unsigned last = CAP_LAST_CAP;
    for (unsigned c = 0; c < 64; ++c)
      if (::prctl(PR_CAPBSET_READ, c, 0, 0, 0) < 0) {
        last = c - 1;
        break;
      }
    for (unsigned c = 0; c <= last; ++c)
      if (!(plan.bounding & (uint64_t{1} << c)) && ::prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0) return errno;
  }
  uint64_t target = plan.effective ? *plan.effective : (permitted & plan.bounding);
  uint64_t target_inheritable = plan.effective ? *plan.effective : (inheritable & plan.bounding);
  *step = "capset";
  if (set_caps(target, target, target_inheritable) != 0) return errno;
  if (plan.effective) {
    *step = "prctl(PR_CAP_AMBIENT)";
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0) return errno;
    for (unsigned c = 0; c < 64; ++c)
      if ((*plan.effective & (uint64_t{1} << c)) &&
          ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) != 0)
        return errno;
  }
  return 0;
}

}  // namespace sc::launch
