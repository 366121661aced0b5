#include "tests/metrics/dashboard_check.h"

#include <regex>

#include "tests/metrics/dashboard_files.h"
#include "tests/metrics/http_client.h"

namespace sc::metrics::testing {
namespace {

bool has_data(const nlohmann::json& reply) {
  if (reply.value("status", "") != "success") return false;
  const auto& data = reply.at("data");
  if (data.is_array()) return !data.empty();  // label values
  return !data.at("result").empty();
}

std::string describe(const nlohmann::json& reply) {
  return reply.value("errorType", "") + ": " + reply.value("error", reply.dump().substr(0, 300));
}

}  // namespace

std::string substitute(const std::string& expr, const Substitution& vars) {
  Substitution all = {{"__rate_interval", "1m"}, {"__range", "5m"}, {"__interval", "1s"}};
  for (const auto& [k, v] : vars) all[k] = v;
  std::string out;
  for (size_t i = 0; i < expr.size();) {
    if (expr[i] != '$') { out += expr[i++]; continue; }
    size_t j = i + 1;
    std::string name;
    if (j < expr.size() && expr[j] == '{') {
      size_t close = expr.find('}', j);
      name = expr.substr(j + 1, close - j - 1);
      name = name.substr(0, name.find(':'));  // ${x:regex} formats: values here are already regexes
      j = close + 1;
    } else {
      while (j < expr.size() && (isalnum(static_cast<unsigned char>(expr[j])) || expr[j] == '_')) name += expr[j++];
    }
    auto it = all.find(name);
    if (it == all.end()) throw std::runtime_error("no value for variable $" + name + " in " + expr);
    out += it->second;
    i = j;
  }
  return out;
}

ExpressionReport run_dashboard_and_rule_expressions(const PrometheusServer& prometheus,
                                                    const std::vector<Substitution>& substitutions) {
  ExpressionReport report;
  static const std::regex label_values(R"(^label_values\((.*),\s*([A-Za-z_][A-Za-z0-9_]*)\)\s*$)");
  for (const auto& path : dashboard_paths()) {
    nlohmann::json d = read_json_file(path);
    const std::string board = d.value("title", path);
    for (const auto& v : d.at("templating").at("list")) {
      if (v.value("type", "") != "query") continue;
      std::string q = v.at("query").at("query");
      bool any = false;
      for (const auto& sub : substitutions) {
        std::smatch m;
        std::string expr = substitute(q, sub);
        if (!std::regex_match(expr, m, label_values)) {
          report.errors.push_back(board + " variable " + v.value("name", "") + ": not label_values(selector, label)");
          break;
        }
        auto reply = prometheus.api("/api/v1/label/" + m[2].str() + "/values?match[]=" + url_encode(m[1].str()));
        ++report.queries_run;
        if (reply.value("status", "") != "success") report.errors.push_back(board + " variable " + expr + ": " + describe(reply));
        any = any || has_data(reply);
      }
      if (!any) report.empty_panels.insert(board + " / variable " + v.value("name", ""));
    }
    for (const auto& p : all_panels(d)) {
      if (p.value("type", "") == "row") continue;
      const std::string title = board + " / " + p.value("title", "");
      bool any = false;
      for (const auto& t : p.value("targets", nlohmann::json::array())) {
        for (const auto& sub : substitutions) {
          std::string expr = substitute(t.at("expr"), sub);
          auto reply = prometheus.query(expr);
          ++report.queries_run;
          if (reply.value("status", "") != "success") report.errors.push_back(title + ": " + expr + ": " + describe(reply));
          any = any || has_data(reply);
          if (!t.value("instant", false)) {
            auto range = prometheus.query_range(expr, 30, 1);
            ++report.queries_run;
            if (range.value("status", "") != "success")
              report.errors.push_back(title + " (range): " + expr + ": " + describe(range));
          }
        }
      }
      if (!any) report.empty_panels.insert(title);
    }
  }
  for (const auto& rule : read_alert_rules(alert_rules_path())) {
    auto reply = prometheus.query(rule.expr);
    ++report.queries_run;
    if (reply.value("status", "") != "success") report.errors.push_back("rule " + rule.name + ": " + describe(reply));
  }
  return report;
}

}  // namespace sc::metrics::testing
