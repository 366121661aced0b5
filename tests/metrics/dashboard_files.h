// Where the shipped dashboards and rules are, and the expressions they run: every panel
// target and template-variable query of a dashboard, every rule of the alert rules file.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sc::metrics::testing {

std::vector<std::string> dashboard_paths();   // dashboards/grafana/dashboards/*.json
std::string alert_rules_path();               // dashboards/alerts/seccomp-companion.rules.yml
nlohmann::json read_json_file(const std::string& path);

struct PanelQuery {
  int panel_id = 0;
  std::string panel_title;
  std::string ref_id;
  std::string expr;
};
// Panels nested in collapsed rows included.
std::vector<nlohmann::json> all_panels(const nlohmann::json& dashboard);
std::vector<PanelQuery> panel_queries(const nlohmann::json& dashboard);

struct AlertRule {
  std::string name;
  std::string expr;
};
// Reads the `- alert:` / `expr:` entries (scalar or block) of the rules file we ship.
std::vector<AlertRule> read_alert_rules(const std::string& path);

}  // namespace sc::metrics::testing
