#include "isolator/registry/registry.h"

#include <dirent.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include <nlohmann/json.hpp>

#include "bytes/integer_json.h"
#include "bytes/untrusted.h"
#include "host/atomic_file.h"

namespace sc::registry {
namespace {
using nlohmann::json;

template <typename T>
T field(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end()) throw std::runtime_error(std::string("registry entry: missing '") + name + "'");
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    throw std::runtime_error(std::string("registry entry: '") + name + "' has the wrong type");
  }
}

// Paths, names and the command line are any bytes: stored by the one rule (bytes/untrusted.h).
std::string stored_text(const json& j, const char* name) { return bytes::decode_stored(field<std::string>(j, name)); }
std::vector<std::string> stored_list(const json& j, const char* name) {
  std::vector<std::string> out;
  for (const auto& s : field<std::vector<std::string>>(j, name)) out.push_back(bytes::decode_stored(s));
  return out;
}
json list_to_store(const std::vector<std::string>& values) {
  json out = json::array();
  for (const auto& s : values) out.push_back(bytes::encode_stored(s));
  return out;
}
}  // namespace

std::string to_json_text(const Entry& e) {
  auto t = [](const std::string& s) { return bytes::encode_stored(s); };
  json j = {
      {"container_id", t(e.container_id)}, {"runtime", t(e.runtime)},
      {"container_name", t(e.container_name)}, {"pid", e.pid},
      {"cgroup_path", t(e.cgroup_path)},   {"cgroup_id", e.cgroup_id},
      {"profile_name", t(e.profile_name)}, {"profile_path", t(e.profile_path)},
      {"profile_sha256", t(e.profile_sha256)}, {"mode", t(e.mode)}, {"new_syscalls", t(e.new_syscalls)},
      {"capabilities", list_to_store(e.capabilities)}, {"command", list_to_store(e.command)},
      {"seccomp_log", t(e.seccomp_log)},
      {"started_at_ns", e.started_at_ns},
      {"exited_at_ns", e.exited_at_ns ? json(*e.exited_at_ns) : json(nullptr)},
      {"exit_status", e.exit_status ? json(*e.exit_status) : json(nullptr)},
  };
  if (!e.workload.empty()) j["workload"] = t(e.workload);
  if (!e.labels.empty()) {
    json labels = json::object();
    for (const auto& [k, v] : e.labels) labels[t(k)] = t(v);
    j["labels"] = std::move(labels);
  }
  return j.dump(2) + "\n";
}

Entry from_json_text(const std::string& text) {
  json j;
  try {
    j = bytes::parse_integer_json(text);
  } catch (const json::exception& e) {  // parse_error, or out_of_range for a number that overflows
    throw std::runtime_error(std::string("registry entry: invalid JSON: ") + e.what());
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string("registry entry: ") + e.what());
  }
  if (!j.is_object()) throw std::runtime_error("registry entry: not a JSON object");
  Entry e;
  e.container_id = stored_text(j, "container_id");
  if (j.contains("runtime")) e.runtime = stored_text(j, "runtime");
  if (e.runtime.empty()) throw std::runtime_error("registry entry: 'runtime' is empty");
  if (j.contains("container_name")) e.container_name = stored_text(j, "container_name");
  e.pid = field<pid_t>(j, "pid");
  e.cgroup_path = stored_text(j, "cgroup_path");
  e.cgroup_id = field<uint64_t>(j, "cgroup_id");
  e.profile_name = stored_text(j, "profile_name");
  e.profile_path = stored_text(j, "profile_path");
  e.profile_sha256 = stored_text(j, "profile_sha256");
  e.mode = stored_text(j, "mode");
  if (e.mode != "enforce" && e.mode != "audit" && e.mode != "unconfined")
    throw std::runtime_error("registry entry: 'mode' must be enforce, audit or unconfined");
  e.new_syscalls = j.contains("new_syscalls") ? stored_text(j, "new_syscalls")
                                              : (e.mode == "unconfined" ? "" : "default");
  if (!e.new_syscalls.empty() && e.new_syscalls != "enosys" && e.new_syscalls != "default")
    throw std::runtime_error("registry entry: 'new_syscalls' must be enosys or default");
  e.seccomp_log = j.contains("seccomp_log") ? stored_text(j, "seccomp_log") : (e.mode == "unconfined" ? "" : "on");
  if (!e.seccomp_log.empty() && e.seccomp_log != "on" && e.seccomp_log != "off")
    throw std::runtime_error("registry entry: 'seccomp_log' must be on or off");
  if (j.contains("capabilities")) e.capabilities = stored_list(j, "capabilities");
  if (j.contains("command")) e.command = stored_list(j, "command");
  e.started_at_ns = field<int64_t>(j, "started_at_ns");
  if (j.contains("exited_at_ns") && !j["exited_at_ns"].is_null()) e.exited_at_ns = field<int64_t>(j, "exited_at_ns");
  if (j.contains("exit_status") && !j["exit_status"].is_null()) e.exit_status = field<int>(j, "exit_status");
  if (j.contains("workload")) e.workload = stored_text(j, "workload");
  if (j.contains("labels")) {
    const json& labels = j["labels"];
    if (!labels.is_object()) throw std::runtime_error("registry entry: 'labels' must be an object");
    for (const auto& [k, v] : labels.items()) {
      if (!v.is_string()) throw std::runtime_error("registry entry: 'labels." + k + "' must be a string");
      e.labels[bytes::decode_stored(k)] = bytes::decode_stored(v.get<std::string>());
    }
  }
  if (!valid_container_id(e.container_id))
    throw std::runtime_error("registry entry: invalid 'container_id'");
  return e;
}

bool valid_container_id(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  auto ok = [](char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (!first && (c == '_' || c == '.' || c == '-'));
  };
  for (size_t i = 0; i < id.size(); ++i)
    if (!ok(id[i], i == 0)) return false;
  return true;
}

std::string containers_dir(const std::string& runtime_dir) { return runtime_dir + "/containers"; }

std::string entry_path(const std::string& runtime_dir, const std::string& id) {
  if (!valid_container_id(id)) throw std::invalid_argument("invalid container id '" + id + "'");
  return containers_dir(runtime_dir) + "/" + id + ".json";
}

void write(const std::string& runtime_dir, const Entry& entry) {
  host::make_directories(containers_dir(runtime_dir), 0755);
  host::write_file_atomically(entry_path(runtime_dir, entry.container_id), to_json_text(entry), 0644);
}

void publish(const std::string& runtime_dir, const Entry& entry) {
  host::make_directories(containers_dir(runtime_dir), 0755);
  host::publish_file(entry_path(runtime_dir, entry.container_id), to_json_text(entry), 0644);
}

void make_durable(const std::string& runtime_dir, const std::string& container_id) {
  host::make_durable(entry_path(runtime_dir, container_id));
}

std::optional<Entry> read(const std::string& runtime_dir, const std::string& id) {
  std::string path = entry_path(runtime_dir, id);
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) return std::nullopt;
    throw std::system_error(errno, std::generic_category(), "read " + path);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return from_json_text(ss.str());
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

std::vector<Entry> read_all(const std::string& runtime_dir, std::vector<std::string>* errors) {
  std::vector<Entry> out;
  std::string dir = containers_dir(runtime_dir);
  std::unique_ptr<DIR, int (*)(DIR*)> d(opendir(dir.c_str()), closedir);
  if (!d) {
    if (errno != ENOENT && errors) errors->push_back("cannot read " + dir + ": " + std::strerror(errno));
    return out;
  }
  while (auto* ent = readdir(d.get())) {
    std::string name = ent->d_name;
    if (name.size() <= 5 || name.substr(name.size() - 5) != ".json") continue;
    std::ifstream in(dir + "/" + name);
    std::stringstream ss;
    ss << in.rdbuf();
    try {
      out.push_back(from_json_text(ss.str()));
    } catch (const std::exception& e) {
      if (errors) errors->push_back(dir + "/" + name + ": " + e.what());
    }
  }
  return out;
}

}  // namespace sc::registry
