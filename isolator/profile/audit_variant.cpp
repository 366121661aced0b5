#include "isolator/profile/audit_variant.h"

#include <string>

namespace sc::profile {
namespace {
using nlohmann::json;

// True when `object[action_key]` was a non-ALLOW action and is now LOG.
bool to_log(json& object, const char* action_key, const char* errno_key) {
  auto it = object.find(action_key);
  if (it == object.end() || !it->is_string()) return false;
  if (it->get<std::string>() == "SCMP_ACT_ALLOW") return false;
  *it = "SCMP_ACT_LOG";
  object.erase(errno_key);  // runtimes may reject an errno on a LOG action; it means nothing there
  return true;
}
}  // namespace

json docker_audit_variant(const json& profile) {
  json out = profile;
  to_log(out, "defaultAction", "defaultErrnoRet");
  if (auto syscalls = out.find("syscalls"); syscalls != out.end() && syscalls->is_array())
    for (auto& rule : *syscalls)
      if (rule.is_object()) to_log(rule, "action", "errnoRet");
  return out;
}

}  // namespace sc::profile
