#include "audit/report/svg_charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "audit/report/html_escape.h"
#include "audit/refine/time_text.h"

namespace sc::report {

using refine::utc_time;

namespace {

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

constexpr int kLabelWidth = 170;
constexpr int kRowHeight = 20;
constexpr int kPlotWidth = 520;
constexpr int kRightMargin = 80;

}  // namespace

const char* kind_colour(const std::string& kind) {
  if (kind == "kill_process" || kind == "kill_thread") return "#c0392b";
  if (kind == "trap") return "#8e44ad";
  if (kind == "errno") return "#d35400";
  if (kind == "argument-dependent") return "#7f8c8d";
  if (kind == "log") return "#2471a3";
  return "#555555";
}

std::string timeline_svg(const std::vector<TimelineRow>& input) {
  std::vector<TimelineRow> rows = input;
  std::sort(rows.begin(), rows.end(), [](const TimelineRow& a, const TimelineRow& b) {
    return a.first_seen_ns != b.first_seen_ns ? a.first_seen_ns < b.first_seen_ns : a.label < b.label;
  });
  if (rows.empty()) return "";
  int64_t t0 = rows.front().first_seen_ns, t1 = t0;
  for (const auto& r : rows) t1 = std::max({t1, r.last_seen_ns, r.first_seen_ns});
  double span = static_cast<double>(std::max<int64_t>(t1 - t0, 1));
  int height = static_cast<int>(rows.size()) * kRowHeight + 40;
  int width = kLabelWidth + kPlotWidth + kRightMargin;
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" class=\"chart\" width=\"" +
                  std::to_string(width) + "\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 " +
                  std::to_string(width) + " " + std::to_string(height) + "\">";
  s += "<title>First and last sighting per syscall</title>";
  auto x = [&](int64_t t) { return kLabelWidth + static_cast<double>(t - t0) / span * kPlotWidth; };
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    double y = static_cast<double>(i) * kRowHeight + 14;
    const char* colour = kind_colour(r.kind);
    s += "<text x=\"" + std::to_string(kLabelWidth - 6) + "\" y=\"" + num(y + 4) +
         "\" text-anchor=\"end\" class=\"label\">" + html_text(r.label) + "</text>";
    s += "<line x1=\"" + num(x(r.first_seen_ns)) + "\" y1=\"" + num(y) + "\" x2=\"" + num(x(r.last_seen_ns)) +
         "\" y2=\"" + num(y) + "\" stroke=\"" + colour + "\" stroke-width=\"3\"/>";
    s += "<circle cx=\"" + num(x(r.first_seen_ns)) + "\" cy=\"" + num(y) + "\" r=\"5\" fill=\"" + colour + "\"><title>" +
         html_text(r.label + " (" + r.kind + "): first " + utc_time(r.first_seen_ns) + ", last " +
                   utc_time(r.last_seen_ns) + ", " + std::to_string(r.count) + " calls") +
         "</title></circle>";
  }
  double axis = static_cast<double>(rows.size()) * kRowHeight + 8;
  s += "<line x1=\"" + std::to_string(kLabelWidth) + "\" y1=\"" + num(axis) + "\" x2=\"" +
       std::to_string(kLabelWidth + kPlotWidth) + "\" y2=\"" + num(axis) + "\" stroke=\"#999\"/>";
  s += "<text x=\"" + std::to_string(kLabelWidth) + "\" y=\"" + num(axis + 16) + "\" class=\"axis\">" +
       html_text(utc_time(t0)) + "</text>";
  s += "<text x=\"" + std::to_string(kLabelWidth + kPlotWidth) + "\" y=\"" + num(axis + 16) +
       "\" text-anchor=\"end\" class=\"axis\">" + html_text(utc_time(t1)) + "</text>";
  s += "</svg>";
  return s;
}

std::string bars_svg(const std::vector<BarRow>& input) {
  std::vector<BarRow> rows = input;
  std::sort(rows.begin(), rows.end(), [](const BarRow& a, const BarRow& b) {
    return a.value != b.value ? a.value > b.value : a.label < b.label;
  });
  if (rows.empty()) return "";
  uint64_t max = std::max<uint64_t>(rows.front().value, 1);
  int height = static_cast<int>(rows.size()) * kRowHeight + 10;
  int width = kLabelWidth + kPlotWidth + kRightMargin;
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" class=\"chart\" width=\"" +
                  std::to_string(width) + "\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 " +
                  std::to_string(width) + " " + std::to_string(height) + "\">";
  s += "<title>Recorded calls per syscall</title>";
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    double y = static_cast<double>(i) * kRowHeight + 4;
    // Square-root scale: one storm must not flatten every other bar to nothing.
    double w = std::max(2.0, std::sqrt(static_cast<double>(r.value) / static_cast<double>(max)) * kPlotWidth);
    s += "<text x=\"" + std::to_string(kLabelWidth - 6) + "\" y=\"" + num(y + 12) +
         "\" text-anchor=\"end\" class=\"label\">" + html_text(r.label) + "</text>";
    s += "<rect x=\"" + std::to_string(kLabelWidth) + "\" y=\"" + num(y) + "\" width=\"" + num(w) +
         "\" height=\"14\" fill=\"" + kind_colour(r.kind) + "\"/>";
    s += "<text x=\"" + num(kLabelWidth + w + 4) + "\" y=\"" + num(y + 12) + "\" class=\"value\">" +
         std::to_string(r.value) + "</text>";
  }
  s += "</svg>";
  return s;
}

}  // namespace sc::report
