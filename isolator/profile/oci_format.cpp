#include "isolator/profile/oci_format.h"

#include <limits>

#include "isolator/profile/arch.h"
#include "isolator/profile/profile.h"

namespace sc::profile {
namespace {
using nlohmann::json;

[[noreturn]] void bad(const std::string& path, const std::string& what) { throw OciError(path + ": " + what); }

const json* member(const json& object, const char* name) {
  auto it = object.find(name);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

std::string string_at(const json& value, const std::string& path) {
  if (!value.is_string()) bad(path, "must be a string");
  return value.get<std::string>();
}

std::string action_at(const json& value, const std::string& path) {
  std::string name = string_at(value, path);
  if (!profile::action_from_name(name)) bad(path, "unknown action '" + name + "'");
  return name;
}

uint64_t unsigned_at(const json& value, const std::string& path, uint64_t max) {
  if (!value.is_number_unsigned() && !(value.is_number_integer() && value.get<int64_t>() >= 0))
    bad(path, "must be a non-negative integer");
  uint64_t n = value.get<uint64_t>();
  if (n > max) bad(path, "must be at most " + std::to_string(max));
  return n;
}

json string_list_at(const json& value, const std::string& path, bool non_empty) {
  if (!value.is_array()) bad(path, "must be an array of strings");
  if (non_empty && value.empty()) bad(path, "must not be empty");
  json out = json::array();
  for (size_t i = 0; i < value.size(); ++i) out.push_back(string_at(value[i], path + "[" + std::to_string(i) + "]"));
  return out;
}

json arg_at(const json& value, const std::string& path) {
  if (!value.is_object()) bad(path, "must be an object");
  const json* index = member(value, "index");
  const json* op = member(value, "op");
  if (!index) bad(path + ".index", "is required");
  if (!op) bad(path + ".op", "is required");
  json out = json::object();
  out["index"] = unsigned_at(*index, path + ".index", 5);
  const json* v = member(value, "value");
  out["value"] = v ? unsigned_at(*v, path + ".value", std::numeric_limits<uint64_t>::max()) : 0;
  const json* v2 = member(value, "valueTwo");
  out["valueTwo"] = v2 ? unsigned_at(*v2, path + ".valueTwo", std::numeric_limits<uint64_t>::max()) : 0;
  std::string op_name = string_at(*op, path + ".op");
  if (!profile::op_from_name(op_name)) bad(path + ".op", "unknown operator '" + op_name + "'");
  out["op"] = op_name;
  return out;
}
}  // namespace

json docker_profile_from_oci(const json& seccomp, const std::string& where) {
  if (!seccomp.is_object()) bad(where, "must be an object");
  json out = json::object();
  const json* default_action = member(seccomp, "defaultAction");
  if (!default_action) bad(where + ".defaultAction", "is required");
  out["defaultAction"] = action_at(*default_action, where + ".defaultAction");
  if (const json* e = member(seccomp, "defaultErrnoRet"))
    out["defaultErrnoRet"] = unsigned_at(*e, where + ".defaultErrnoRet", 4095);
  if (const json* a = member(seccomp, "architectures")) {
    json arches = string_list_at(*a, where + ".architectures", false);
    for (size_t i = 0; i < arches.size(); ++i)
      if (!profile::scmp_arch_from_token(arches[i].get<std::string>()))
        bad(where + ".architectures[" + std::to_string(i) + "]", "unknown architecture '" + arches[i].get<std::string>() + "'");
    out["architectures"] = std::move(arches);
  }
  if (const json* f = member(seccomp, "flags")) out["flags"] = string_list_at(*f, where + ".flags", false);
  if (const json* l = member(seccomp, "listenerPath")) out["listenerPath"] = string_at(*l, where + ".listenerPath");
  if (const json* l = member(seccomp, "listenerMetadata"))
    out["listenerMetadata"] = string_at(*l, where + ".listenerMetadata");
  json rules = json::array();
  if (const json* syscalls = member(seccomp, "syscalls")) {
    if (!syscalls->is_array()) bad(where + ".syscalls", "must be an array");
    for (size_t i = 0; i < syscalls->size(); ++i) {
      std::string path = where + ".syscalls[" + std::to_string(i) + "]";
      const json& rule = (*syscalls)[i];
      if (!rule.is_object()) bad(path, "must be an object");
      json r = json::object();
      const json* names = member(rule, "names");
      if (!names) bad(path + ".names", "is required");
      r["names"] = string_list_at(*names, path + ".names", true);
      const json* action = member(rule, "action");
      if (!action) bad(path + ".action", "is required");
      r["action"] = action_at(*action, path + ".action");
      if (const json* e = member(rule, "errnoRet")) r["errnoRet"] = unsigned_at(*e, path + ".errnoRet", 4095);
      json args = json::array();
      if (const json* a = member(rule, "args")) {
        if (!a->is_array()) bad(path + ".args", "must be an array");
        for (size_t k = 0; k < a->size(); ++k) args.push_back(arg_at((*a)[k], path + ".args[" + std::to_string(k) + "]"));
      }
      r["args"] = std::move(args);
      rules.push_back(std::move(r));
    }
  }
  out["syscalls"] = std::move(rules);
  return out;
}

bool uses_log_action(const json& seccomp) {
  auto is_log = [](const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() && it->get<std::string>() == "SCMP_ACT_LOG";
  };
  if (!seccomp.is_object()) return false;
  if (is_log(seccomp, "defaultAction")) return true;
  auto syscalls = seccomp.find("syscalls");
  if (syscalls == seccomp.end() || !syscalls->is_array()) return false;
  for (const auto& rule : *syscalls)
    if (rule.is_object() && is_log(rule, "action")) return true;
  return false;
}

json oci_seccomp_from_resolved(const profile::ResolvedProfile& resolved) {
  auto put_action = [](json& into, const char* action_key, const char* errno_key, const profile::Action& a) {
    into[action_key] = profile::action_name(a.kind);
    if ((a.kind == profile::ActionKind::Errno || a.kind == profile::ActionKind::Trace) && a.data) into[errno_key] = *a.data;
  };
  json out = json::object();
  put_action(out, "defaultAction", "defaultErrnoRet", resolved.default_action);
  json arches = json::array();
  for (uint32_t a : resolved.arches) arches.push_back(profile::arch_token(a));
  out["architectures"] = std::move(arches);
  // The engine loads every filter with SECCOMP_FILTER_FLAG_LOG; a bundle for runc 1.1 cannot
  // carry it ("seccomp flags are not yet supported by runc"), and a log-only profile does not
  // need it. Only the flags that change what the filter does are kept.
  json flags = json::array();
  if (resolved.tsync) flags.push_back("SECCOMP_FILTER_FLAG_TSYNC");
  if (resolved.spec_allow) flags.push_back("SECCOMP_FILTER_FLAG_SPEC_ALLOW");
  if (!flags.empty()) out["flags"] = std::move(flags);
  json rules = json::array();
  for (const auto& rule : resolved.rules) {
    json r = json::object();
    r["names"] = json::array({rule.name});
    put_action(r, "action", "errnoRet", rule.action);
    json args = json::array();
    for (const auto& c : rule.args) {
      // The model keeps MASKED_EQ's mask in `value` and its datum in `value_two`, as both formats do.
      args.push_back({{"index", c.index}, {"value", c.value}, {"valueTwo", c.value_two}, {"op", profile::op_name(c.op)}});
    }
    if (!args.empty()) r["args"] = std::move(args);
    rules.push_back(std::move(r));
  }
  out["syscalls"] = std::move(rules);
  return out;
}

}  // namespace sc::profile
