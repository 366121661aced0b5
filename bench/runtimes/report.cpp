#include "bench/runtimes/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "bench/runtimes/bench_output.h"

namespace sc::bench {
namespace {

const Series* find(const std::vector<Series>& series, const std::string& label) {
  for (const auto& s : series)
    if (s.label == label && s.unavailable.empty()) return &s;
  return nullptr;
}

double median_of(const Series* s, const std::string& key) {
  if (!s) return std::numeric_limits<double>::quiet_NaN();
  auto it = s->samples.find(key);
  return it == s->samples.end() ? std::numeric_limits<double>::quiet_NaN() : median(it->second);
}

std::string ratio(double a, double b) {
  if (!(b > 0) || std::isnan(a)) return "n/a";
  return format_number(a / b, 2);
}

}  // namespace

double median(std::vector<double> values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::string format_number(double value, int decimals) {
  if (std::isnan(value)) return "n/a";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string markdown_cell(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (ch == '|') out += "\\|";
    else if (ch == '`') out += "'";
    else if (ch == '\n' || ch == '\r') out += ' ';
    else if (ch == '<') out += "&lt;";
    else if (ch == '>') out += "&gt;";
    else out += ch;
  }
  return out;
}

std::string syscall_table(const std::vector<Series>& series, const std::string& ours,
                          const std::string& runc, const std::string& none,
                          const std::string& linear) {
  std::string out = "| call |";
  std::string rule = "|---|";
  for (const auto& s : series) {
    out += " " + markdown_cell(s.label) + " |";
    rule += "---:|";
  }
  out += " ours/runc | ours/no filter | linear/tree |\n";
  rule += "---:|---:|---:|\n";
  out += rule;
  const Series* o = find(series, ours);
  for (const auto& kind : kCallKinds) {
    out += std::string("| ") + kind.label + " |";
    for (const auto& s : series)
      out += " " + (s.unavailable.empty() ? format_number(median_of(&s, kind.name), 1) : "n/a") +
             " |";
    double mine = median_of(o, kind.name);
    out += " " + ratio(mine, median_of(find(series, runc), kind.name)) + " |";
    out += " " + ratio(mine, median_of(find(series, none), kind.name)) + " |";
    out += " " + ratio(median_of(find(series, linear), kind.name), mine) + " |\n";
  }
  return out;
}

std::string seeing_table(const std::vector<Series>& series, const std::string& silent,
                         const std::string& logged, const std::string& traced) {
  std::string out = "| call | " + markdown_cell(silent) + " | " + markdown_cell(logged) + " | " +
                    markdown_cell(traced) + " | LOG flag / silent | tracer live / silent |\n" +
                    "|---|---:|---:|---:|---:|---:|\n";
  const Series *s = find(series, silent), *l = find(series, logged), *t = find(series, traced);
  for (const auto& kind : kCallKinds) {
    double base = median_of(s, kind.name), with_log = median_of(l, kind.name), with_tracer = median_of(t, kind.name);
    out += std::string("| ") + kind.label + " | " + format_number(base, 1) + " | " + format_number(with_log, 1) +
           " | " + format_number(with_tracer, 1) + " | " + ratio(with_log, base) + " | " +
           ratio(with_tracer, base) + " |\n";
  }
  return out;
}

std::string launch_table(const std::vector<Series>& series, const std::string& runc,
                         const std::string& baseline) {
  std::string out =
      "| contender | median ms | min ms | runs | ratio to runc | ratio to fork+exec |\n"
      "|---|---:|---:|---:|---:|---:|\n";
  double runc_ms = median_of(find(series, runc), "launch");
  double base_ms = median_of(find(series, baseline), "launch");
  for (const auto& s : series) {
    out += "| " + markdown_cell(s.label) + " |";
    if (!s.unavailable.empty()) {
      out += " n/a (" + markdown_cell(s.unavailable) + ") | | | | |\n";
      continue;
    }
    const auto& v = s.samples.count("launch") ? s.samples.at("launch") : std::vector<double>{};
    double m = median(v);
    double lo = v.empty() ? std::numeric_limits<double>::quiet_NaN()
                          : *std::min_element(v.begin(), v.end());
    out += " " + format_number(m, 2) + " | " + format_number(lo, 2) + " | " +
           std::to_string(v.size()) + " | " + ratio(m, runc_ms) + " | " + ratio(m, base_ms) +
           " |\n";
  }
  return out;
}

}  // namespace sc::bench
