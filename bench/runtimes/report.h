// Markdown tables of the runtime benchmarks: medians and the ratios the issue asks for.
// Figures are printed, never judged (CI only checks that the tables are well formed).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace sc::bench {

// One contender's samples: per call kind (syscall table) or under "launch" (launch table).
struct Series {
  std::string label;
  std::string unavailable;  // "" when measured
  std::map<std::string, std::vector<double>> samples;
};

double median(std::vector<double> values);  // NaN when empty

// Rows are the call kinds, columns the contenders (ns per call), then ratios.
// `ours`, `runc`, `none`, `linear` name the series used for the ratio columns.
std::string syscall_table(const std::vector<Series>& series, const std::string& ours,
                          const std::string& runc, const std::string& none,
                          const std::string& linear);

// The price of seeing: each call kind under a silent filter (no LOG flag, nothing watching),
// under launch with the LOG flag, and under launch with the tracer live (no LOG flag), in ns
// per call, with the last two as ratios to the first.
std::string seeing_table(const std::vector<Series>& series, const std::string& silent,
                         const std::string& logged, const std::string& traced);

// Rows are the contenders (ms per launch), with ratios to `runc` and to `baseline`.
std::string launch_table(const std::vector<Series>& series, const std::string& runc,
                         const std::string& baseline);

// "12.3" / "n/a"
std::string format_number(double value, int decimals);

// Escapes what would break a Markdown table cell (|, newlines, backticks).
std::string markdown_cell(const std::string& text);

}  // namespace sc::bench
