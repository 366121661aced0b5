#include "tests/metrics/dashboard_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sc::metrics::testing {

std::vector<std::string> dashboard_paths() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(std::string(SC_SOURCE_DIR) + "/dashboards/grafana/dashboards"))
    if (e.path().extension() == ".json") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string alert_rules_path() { return std::string(SC_SOURCE_DIR) + "/dashboards/alerts/seccomp-companion.rules.yml"; }

nlohmann::json read_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

std::vector<nlohmann::json> all_panels(const nlohmann::json& dashboard) {
  std::vector<nlohmann::json> out;
  for (const auto& p : dashboard.value("panels", nlohmann::json::array())) {
    out.push_back(p);
    for (const auto& nested : p.value("panels", nlohmann::json::array())) out.push_back(nested);
  }
  return out;
}

std::vector<PanelQuery> panel_queries(const nlohmann::json& dashboard) {
  std::vector<PanelQuery> out;
  for (const auto& p : all_panels(dashboard))
    for (const auto& t : p.value("targets", nlohmann::json::array()))
      out.push_back({p.value("id", 0), p.value("title", ""), t.value("refId", ""), t.value("expr", "")});
  return out;
}

std::vector<AlertRule> read_alert_rules(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<AlertRule> rules;
  std::string line;
  auto indent_of = [](const std::string& l) { return l.find_first_not_of(' '); };
  bool in_block = false;
  size_t block_indent = 0;
  while (std::getline(in, line)) {
    size_t ind = indent_of(line);
    if (in_block) {
      if (ind == std::string::npos || ind > block_indent) {
        if (ind != std::string::npos) rules.back().expr += line.substr(ind) + "\n";
        continue;
      }
      in_block = false;
    }
    if (ind == std::string::npos) continue;
    std::string body = line.substr(ind);
    if (body.rfind("- alert:", 0) == 0 || body.rfind("- record:", 0) == 0) {
      std::string name = body.substr(body.find(':') + 1);
      name.erase(0, name.find_first_not_of(' '));
      rules.push_back({name, ""});
    } else if (body.rfind("expr:", 0) == 0 && !rules.empty()) {
      std::string rest = body.substr(5);
      rest.erase(0, rest.find_first_not_of(' '));
      if (rest == "|" || rest == ">" || rest == "|-" || rest == ">-") {
        in_block = true;
        block_indent = ind;
      } else {
        rules.back().expr = rest;
      }
    }
  }
  return rules;
}

}  // namespace sc::metrics::testing
