#include "audit/attribution/cgroup_rules.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace sc::attribution {

const std::string& default_cgroup_rules_json() {
  // Most specific first. ids of container engines are 64 hex digits; Mesos uses UUIDs and
  // nests child containers as /mesos/<parent>/mesos/<child> (the innermost id wins). crun,
  // under every systemd scope it creates, runs the container in a "container" sub-cgroup
  // (run.oci.systemd.subgroup, default on cgroup v2): podman's default runtime, CRI-O's on
  // some distributions, docker's when configured; podman's cgroupfs manager makes
  // /libpod_parent/libpod-<id> with no .scope.
  static const std::string text = R"JSON({"rules": [
  {"name": "containerd-cri", "runtime": "containerd", "pattern": ".*/cri-containerd-([0-9a-f]{64})\\.scope(?:/container)?$", "id_group": 1, "watch": true},
  {"name": "crio", "runtime": "crio", "pattern": ".*/crio-([0-9a-f]{64})\\.scope(?:/container)?$", "id_group": 1, "watch": true},
  {"name": "docker-systemd", "runtime": "docker", "pattern": ".*/docker-([0-9a-f]{64})\\.scope(?:/container)?$", "id_group": 1, "watch": true},
  {"name": "docker-cgroupfs", "runtime": "docker", "pattern": "^/docker/([0-9a-f]{64})$", "id_group": 1, "watch": true},
  {"name": "podman", "runtime": "podman", "pattern": ".*/libpod-([0-9a-f]{64})(?:\\.scope(?:/container)?)?$", "id_group": 1, "watch": true},
  {"name": "kubepods-cgroupfs", "runtime": "kubernetes", "pattern": "^/kubepods(?:/(?:besteffort|burstable))?/pod[0-9a-f-]+/([0-9a-f]{64})$", "id_group": 1, "watch": true},
  {"name": "mesos", "runtime": "mesos", "pattern": "^(?:/[^/]+)*/mesos/([A-Za-z0-9_.-]+)$", "id_group": 1, "watch": true},
  {"name": "runc-systemd", "runtime": "runc", "pattern": ".*/runc-([A-Za-z0-9][A-Za-z0-9_.-]*)\\.scope$", "id_group": 1, "watch": true},
  {"name": "crun-systemd", "runtime": "crun", "pattern": ".*/crun-([A-Za-z0-9][A-Za-z0-9_.-]*)\\.scope(?:/container)?$", "id_group": 1, "watch": true},
  {"name": "systemd-service", "runtime": "systemd", "pattern": ".*/([^/]+\\.service)$", "id_group": 1, "watch": false},
  {"name": "runc-default", "runtime": "runc", "pattern": "^/(?!(?:seccomp-companion|docker|libpod_parent|kubepods|machine)$)(?!.*\\.(?:slice|scope|service|mount|socket|swap)$)([A-Za-z0-9][A-Za-z0-9_.-]{0,127})$", "id_group": 1, "watch": true}
]})JSON";
  return text;
}

std::vector<CgroupRule> parse_cgroup_rules(const std::string& json_text, const std::string& source) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for a number that overflows
    throw std::runtime_error(source + ": invalid JSON: " + e.what());
  }
  if (!j.is_object() || !j.contains("rules") || !j["rules"].is_array())
    throw std::runtime_error(source + ": rules: expected an array under the key \"rules\"");
  std::vector<CgroupRule> rules;
  size_t i = 0;
  for (const auto& r : j["rules"]) {
    std::string where = source + ": rules[" + std::to_string(i++) + "]";
    if (!r.is_object()) throw std::runtime_error(where + ": expected an object");
    CgroupRule rule;
    auto text_field = [&](const char* key, std::string& out, bool required) {
      if (!r.contains(key)) {
        if (required) throw std::runtime_error(where + "." + key + ": missing");
        return;
      }
      if (!r[key].is_string()) throw std::runtime_error(where + "." + key + ": expected a string");
      out = r[key].get<std::string>();
    };
    text_field("name", rule.name, true);
    text_field("runtime", rule.runtime, true);
    text_field("pattern", rule.pattern, true);
    if (r.contains("id_group")) {
      if (!r["id_group"].is_number_integer() || r["id_group"].get<int>() < 0)
        throw std::runtime_error(where + ".id_group: expected a non-negative integer");
      rule.id_group = r["id_group"].get<int>();
    }
    if (r.contains("watch")) {
      if (!r["watch"].is_boolean()) throw std::runtime_error(where + ".watch: expected true or false");
      rule.watch = r["watch"].get<bool>();
    }
    try {
      rule.compiled = std::regex(rule.pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      throw std::runtime_error(where + ".pattern: invalid regular expression: " + e.what());
    }
    if (static_cast<size_t>(rule.id_group) > rule.compiled.mark_count())
      throw std::runtime_error(where + ".id_group: the pattern has only " +
                               std::to_string(rule.compiled.mark_count()) + " groups");
    rules.push_back(std::move(rule));
  }
  return rules;
}

std::vector<CgroupRule> load_cgroup_rules_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read cgroup rules file '" + path + "': " + std::strerror(errno));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_cgroup_rules(buffer.str(), path);
}

std::optional<RuleMatch> match_cgroup(const std::vector<CgroupRule>& rules, const std::string& cgroup_path) {
  for (const auto& rule : rules) {
    std::smatch m;
    if (std::regex_match(cgroup_path, m, rule.compiled)) {
      std::string id = m[rule.id_group].str();
      if (id.empty()) continue;
      return RuleMatch{id, rule.runtime, rule.name, rule.watch};
    }
  }
  return std::nullopt;
}

}  // namespace sc::attribution
