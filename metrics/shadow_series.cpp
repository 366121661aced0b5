#include "metrics/shadow_series.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "metrics/families.h"
#include "metrics/verdict_series.h"
#include "common/arch.h"

namespace sc::metrics {

std::string shadow_action_label(common::Action action) {
  return action == common::Action::Allow ? "allow" : action_label(action);
}

bool exported_shadow(const audit::ShadowRecord& record) {
  return record.status == "active" || record.status == "stopped";
}

namespace {

auto label_key(const ShadowVerdictSeries& s) { return std::tie(s.syscall, s.arch, s.current, s.candidate); }
auto pair_key(const ShadowVerdictSeries& s) { return std::pair(s.current, s.candidate); }

bool larger_first(const ShadowVerdictSeries& a, const ShadowVerdictSeries& b) {
  if (a.count != b.count) return a.count > b.count;
  return label_key(a) < label_key(b);
}

}  // namespace

ShadowContainerSeries shadow_container_series(const std::string& container,
                                              const std::vector<const audit::ShadowRow*>& rows, size_t max_series) {
  ShadowContainerSeries out;
  out.container = container;
  // Group by label set: errno values are no labels, and distinct rows may render alike.
  std::map<std::tuple<std::string, std::string, std::string, std::string>, uint64_t> grouped;
  for (const audit::ShadowRow* row : rows) {
    if (row->count == 0) continue;  // no calls: no series (it would take a place under the cap)
    std::string syscall = row->syscall.empty() ? "#" + std::to_string(row->nr) : row->syscall;
    std::string arch = row->arch == common::native_arch() ? "" : common::arch_name(row->arch);
    grouped[{std::move(syscall), std::move(arch), shadow_action_label(row->current),
             shadow_action_label(row->candidate)}] += row->count;
  }
  for (const auto& [k, n] : grouped)
    out.series.push_back(ShadowVerdictSeries{std::get<0>(k), std::get<1>(k), std::get<2>(k), std::get<3>(k), n});

  const size_t cap = std::max(max_series, kActionCount);
  if (out.series.size() <= cap) return out;

  // Keep the most frequent series; the rest become one syscall="other" series per
  // (current, candidate) pair (arch dropped), so what the candidate would change stays
  // visible. The largest k with k kept + (distinct pairs among the rest) <= cap; the rest
  // only grows as k shrinks, so its pairs are gathered from the end.
  std::stable_sort(out.series.begin(), out.series.end(), larger_first);
  const size_t n = out.series.size();
  std::set<std::pair<std::string, std::string>> rest_pairs;
  for (size_t i = cap; i < n; ++i) rest_pairs.insert(pair_key(out.series[i]));
  size_t keep = cap;
  while (keep > 0 && keep + rest_pairs.size() > cap) {
    --keep;
    rest_pairs.insert(pair_key(out.series[keep]));
  }
  std::map<std::pair<std::string, std::string>, uint64_t> other;
  for (size_t i = keep; i < n; ++i) other[pair_key(out.series[i])] += out.series[i].count;
  out.folded = n - keep;
  out.series.resize(keep);

  std::vector<ShadowVerdictSeries> folded;
  for (const auto& [pair, count] : other) folded.push_back(ShadowVerdictSeries{"other", "", pair.first, pair.second, count});
  if (keep + folded.size() > cap) {
    // Only when nothing is kept and more pairs than the cap remain (up to 9 x 9 of them):
    // the busiest cap - 1 pairs stay, the rest is one series with current and candidate "other".
    std::stable_sort(folded.begin(), folded.end(), larger_first);
    ShadowVerdictSeries rest{"other", "", "other", "other", 0};
    for (size_t i = cap - 1; i < folded.size(); ++i) rest.count += folded[i].count;
    folded.resize(cap - 1);
    folded.push_back(std::move(rest));
  }
  for (auto& s : folded) out.series.push_back(std::move(s));
  return out;
}

std::vector<ShadowSeries> shadow_series(const audit::State& state, const ExporterOptions& options, int64_t now_ns) {
  std::vector<ShadowSeries> out;
  for (const auto& [name, record] : state.shadows) {
    if (!exported_shadow(record)) continue;
    ShadowSeries s;
    s.shadow = record.name.empty() ? name : record.name;
    s.lost = record.lost;
    // Rows by container (state.containers key); only retained containers have series.
    std::map<std::string, std::vector<const audit::ShadowRow*>> by_container;
    for (const audit::ShadowRow& row : record.rows) by_container[row.container].push_back(&row);
    for (const auto& [id, rows] : by_container) {
      auto c = state.containers.find(id);
      if (c == state.containers.end() || !retained(c->second, options, now_ns)) continue;
      const std::string container = c->second.container_id.empty() ? id : c->second.container_id;
      ShadowContainerSeries cs = shadow_container_series(container, rows, options.max_series_per_container);
      if (!cs.series.empty()) s.containers.push_back(std::move(cs));
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace sc::metrics
