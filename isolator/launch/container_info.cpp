#include "isolator/launch/container_info.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "isolator/launch/launch_error.h"
#include "isolator/profile/capabilities.h"

namespace sc::launch {
namespace {
using nlohmann::json;

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw LaunchError("Invalid ContainerInfo: " + (path.empty() ? what : path + ": " + what));
}

const json* member(const json& object, const char* key, const std::string& path) {
  if (!object.is_object()) fail(path, "expected an object");
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

std::optional<bool> boolean(const json& object, const char* key, const std::string& path) {
  const json* v = member(object, key, path);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) fail(path + "." + key, "expected a boolean");
  return v->get<bool>();
}

std::optional<std::string> string(const json& object, const char* key, const std::string& path) {
  const json* v = member(object, key, path);
  if (!v) return std::nullopt;
  if (!v->is_string()) fail(path + "." + key, "expected a string");
  return v->get<std::string>();
}

// CapabilityInfo: {"capabilities": ["CHOWN", ...]}. Mesos's enum also has numeric values
// 1000 + N in protobuf JSON; we take names only, and say so.
std::set<std::string> capability_info(const json& object, const std::string& path) {
  std::set<std::string> out;
  const json* list = member(object, "capabilities", path);
  if (!list) return out;  // an empty CapabilityInfo means no capabilities
  if (!list->is_array()) fail(path + ".capabilities", "expected an array");
  for (size_t i = 0; i < list->size(); ++i) {
    std::string item_path = path + ".capabilities[" + std::to_string(i) + "]";
    const json& item = (*list)[i];
    if (!item.is_string()) fail(item_path, "expected a capability name such as \"CHOWN\"");
    auto name = profile::normalize_capability(item.get<std::string>());
    if (!name) fail(item_path, "unknown capability '" + item.get<std::string>() + "'");
    out.insert(*name);
  }
  return out;
}

rlim_t limit_value(const json& object, const char* key, const std::string& path) {
  const json* v = member(object, key, path);
  if (!v) return RLIM_INFINITY;  // Mesos: an absent soft/hard means unlimited
  if (!v->is_number_unsigned()) fail(path + "." + key, "expected a non-negative integer");
  return static_cast<rlim_t>(v->get<uint64_t>());
}

}  // namespace

ContainerInfo parse_container_info(const std::string& text) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::exception& e) {  // parse_error, or out_of_range for a number that overflows
    fail("", std::string("invalid JSON: ") + e.what());
  }
  if (!root.is_object()) fail("", "expected a JSON object");
  ContainerInfo info;
  if (const json* linux_info = member(root, "linux_info", "")) {
    const std::string lpath = "linux_info";
    if (!linux_info->is_object()) fail(lpath, "expected an object");
    if (const json* seccomp = member(*linux_info, "seccomp", lpath)) {
      const std::string spath = lpath + ".seccomp";
      if (!seccomp->is_object()) fail(spath, "expected an object");
      SeccompInfo s;
      s.profile_name = string(*seccomp, "profile_name", spath);
      s.unconfined = boolean(*seccomp, "unconfined", spath);
      s.audit = boolean(*seccomp, "audit", spath);
      info.seccomp = s;
    }
    if (const json* e = member(*linux_info, "effective_capabilities", lpath))
      info.effective_capabilities = capability_info(*e, lpath + ".effective_capabilities");
    if (const json* b = member(*linux_info, "bounding_capabilities", lpath))
      info.bounding_capabilities = capability_info(*b, lpath + ".bounding_capabilities");
  }
  if (const json* rlimit_info = member(root, "rlimit_info", "")) {
    const json* list = member(*rlimit_info, "rlimits", "rlimit_info");
    if (list && !list->is_array()) fail("rlimit_info.rlimits", "expected an array");
    for (size_t i = 0; list && i < list->size(); ++i) {
      std::string path = "rlimit_info.rlimits[" + std::to_string(i) + "]";
      const json& item = (*list)[i];
      auto type = string(item, "type", path);
      if (!type) fail(path + ".type", "missing");
      Rlimit limit;
      limit.resource = rlimit_resource(*type);
      if (limit.resource < 0) fail(path + ".type", "unknown rlimit type '" + *type + "'");
      limit.name = *type;
      limit.soft = limit_value(item, "soft", path);
      limit.hard = limit_value(item, "hard", path);
      if (limit.hard != RLIM_INFINITY && (limit.soft == RLIM_INFINITY || limit.soft > limit.hard))
        fail(path, "soft limit above hard limit");
      info.rlimits.push_back(limit);
    }
  }
  return info;
}

ContainerInfo load_container_info_flag(const std::string& value) {
  if (value.empty() || value[0] != '@') return parse_container_info(value);
  std::string path = value.substr(1);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw LaunchError("Failed to read --container_info file '" + path + "': " + std::strerror(errno));
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return parse_container_info(ss.str());
  } catch (const LaunchError& e) {
    throw LaunchError(std::string(e.what()) + " (in '" + path + "')");
  }
}

}  // namespace sc::launch
