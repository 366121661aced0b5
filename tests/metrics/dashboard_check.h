// Runs every expression of every shipped dashboard panel, template variable and alert rule
// against a real Prometheus (template variables substituted) and reports what failed or
// returned nothing.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/metrics/prometheus_server.h"

namespace sc::metrics::testing {

using Substitution = std::map<std::string, std::string>;  // variable name (no $) -> value

// $name, ${name}, ${name:regex} and Grafana's $__rate_interval/$__range/$__interval replaced.
std::string substitute(const std::string& expr, const Substitution& vars);

struct ExpressionReport {
  std::vector<std::string> errors;        // query failed (bad PromQL, API error)
  std::set<std::string> empty_panels;     // "dashboard-title / panel-title" with no data in any substitution
  size_t queries_run = 0;
};

// Every panel target (instant, and range for range targets) and every label_values variable
// of every dashboard, once per substitution; every alert rule expression once.
ExpressionReport run_dashboard_and_rule_expressions(const PrometheusServer& prometheus,
                                                    const std::vector<Substitution>& substitutions);

}  // namespace sc::metrics::testing
