// The metric names a PromQL expression reads: every identifier that is not a function,
// aggregation, keyword, label name (in {...}, by/without/on/ignoring/group_x (...)),
// string, number or duration. Enough to check that dashboards and rules use only names the
// exporter can emit.
#pragma once

#include <set>
#include <string>

namespace sc::metrics::testing {

std::set<std::string> promql_metric_names(const std::string& expr);

}  // namespace sc::metrics::testing
