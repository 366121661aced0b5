#include "tests/metrics/promql_names.h"

#include <cctype>

namespace sc::metrics::testing {
namespace {

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':'; }
bool ident_char(char c) { return ident_start(c) || std::isdigit(static_cast<unsigned char>(c)); }

const std::set<std::string>& reserved() {
  static const std::set<std::string> words = {
      // aggregations and keywords
      "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
      "quantile", "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
      "offset", "bool", "atan2", "inf", "nan", "Inf", "NaN",
      // functions
      "abs", "absent", "absent_over_time", "ceil", "changes", "clamp", "clamp_max", "clamp_min",
      "day_of_month", "day_of_week", "day_of_year", "days_in_month", "delta", "deriv", "exp", "floor",
      "histogram_quantile", "holt_winters", "hour", "idelta", "increase", "irate", "label_join",
      "label_replace", "ln", "log2", "log10", "minute", "month", "predict_linear", "rate", "resets", "round",
      "scalar", "sgn", "sort", "sort_desc", "sqrt", "time", "timestamp", "vector", "year",
      "avg_over_time", "min_over_time", "max_over_time", "sum_over_time", "count_over_time",
      "quantile_over_time", "stddev_over_time", "stdvar_over_time", "last_over_time", "present_over_time",
      // Grafana template functions
      "label_values", "query_result", "metrics"};
  return words;
}

}  // namespace

std::set<std::string> promql_metric_names(const std::string& expr) {
  std::set<std::string> names;
  size_t i = 0;
  bool label_list_next = false;  // after by/without/on/ignoring/group_left/group_right
  while (i < expr.size()) {
    char c = expr[i];
    if (c == '"' || c == '\'' || c == '`') {  // string literal
      char q = c;
      ++i;
      while (i < expr.size() && expr[i] != q) i += expr[i] == '\\' ? 2 : 1;
      ++i;
      continue;
    }
    if (c == '{' || c == '[') {  // label matchers or range/duration: skip to the close
      char close = c == '{' ? '}' : ']';
      while (i < expr.size() && expr[i] != close) {
        if (expr[i] == '"') {
          ++i;
          while (i < expr.size() && expr[i] != '"') i += expr[i] == '\\' ? 2 : 1;
        }
        ++i;
      }
      ++i;
      continue;
    }
    if (c == '(' && label_list_next) {
      while (i < expr.size() && expr[i] != ')') ++i;
      ++i;
      label_list_next = false;
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {  // number or duration (5m, 1e9)
      while (i < expr.size() && (std::isalnum(static_cast<unsigned char>(expr[i])) || expr[i] == '.')) ++i;
      continue;
    }
    if (c == '$') {  // Grafana variable: $__range, ${x}
      ++i;
      if (i < expr.size() && expr[i] == '{') {
        while (i < expr.size() && expr[i] != '}') ++i;
        ++i;
      } else {
        while (i < expr.size() && ident_char(expr[i])) ++i;
      }
      continue;
    }
    if (ident_start(c)) {
      size_t start = i;
      while (i < expr.size() && ident_char(expr[i])) ++i;
      std::string word = expr.substr(start, i - start);
      if (word == "by" || word == "without" || word == "on" || word == "ignoring" || word == "group_left" ||
          word == "group_right") {
        label_list_next = true;
        continue;
      }
      if (word == "label_values") {
        // label_values([metric_or_selector,] label): the last top-level argument is a label.
        size_t open = expr.find('(', i);
        if (open == std::string::npos) continue;
        int depth = 0;
        size_t last_comma = std::string::npos, close = open;
        for (size_t k = open; k < expr.size(); ++k) {
          if (expr[k] == '(' || expr[k] == '{') ++depth;
          if (expr[k] == ')' || expr[k] == '}') --depth;
          if (expr[k] == ',' && depth == 1) last_comma = k;
          if (depth == 0) { close = k; break; }
        }
        std::string inner = expr.substr(open + 1, (last_comma == std::string::npos ? open : last_comma) - open - 1);
        for (const auto& n : promql_metric_names(inner)) names.insert(n);
        i = close + 1;
        continue;
      }
      if (!reserved().count(word)) names.insert(word);
      continue;
    }
    if (!std::isspace(static_cast<unsigned char>(c))) label_list_next = false;
    ++i;
  }
  return names;
}

}  // namespace sc::metrics::testing
