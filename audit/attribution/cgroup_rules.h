// Data-driven attribution of a cgroup path to a container of some runtime: an ordered table
// of regular expressions (first match wins), a default set compiled in, replaceable by a
// JSON file (--cgroup_rules=FILE) of the same shape:
//   {"rules": [{"name": "docker-systemd", "runtime": "docker",
//               "pattern": ".*/docker-([0-9a-f]{64})\\.scope$", "id_group": 1, "watch": true}]}
// Paths are relative to the cgroup2 mount ("/system.slice/docker-<id>.scope").
#pragma once

#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace sc::attribution {

struct CgroupRule {
  std::string name;
  std::string runtime;   // "docker", "mesos", ...: ContainerRecord.runtime
  std::string pattern;   // ECMAScript regex, matched against the whole path
  int id_group = 1;      // the capture group holding the container id
  bool watch = true;     // matched cgroups are watched by the tracer (false: attribution only)
  std::regex compiled;
};

struct RuleMatch {
  std::string container_id;
  std::string runtime;
  std::string rule;
  bool watch = true;
};

// The default table as JSON text (documented in docs/daemon.md, "Attribution").
const std::string& default_cgroup_rules_json();

// Throws std::runtime_error naming the source and the JSON path of a bad field
// ("rules.json: rules[2].pattern: invalid regex ...").
std::vector<CgroupRule> parse_cgroup_rules(const std::string& json_text, const std::string& source);
std::vector<CgroupRule> load_cgroup_rules_file(const std::string& path);

std::optional<RuleMatch> match_cgroup(const std::vector<CgroupRule>& rules, const std::string& cgroup_path);

}  // namespace sc::attribution
