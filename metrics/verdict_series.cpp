#include "metrics/verdict_series.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <tuple>

#include "common/arch.h"
#include "common/seccomp_ret.h"

namespace sc::metrics {

std::string action_label(common::Action action) {
  std::string text = common::action_text(action);
  for (const char* known : kActions)
    if (text == known) return text;
  return "unknown";
}

std::string errno_label(int32_t error) {
  if (error < 0) return "";
  if (const char* name = strerrorname_np(error)) return name;
  return std::to_string(error);
}

const std::string& native_arch() { return common::native_arch_name(); }

namespace {

auto label_key(const VerdictSeries& s) { return std::tie(s.syscall, s.action, s.arch, s.error); }

void merge_into(VerdictSeries& into, const VerdictSeries& from) {
  into.count += from.count;
  if (from.first_seen_ns != 0 && (into.first_seen_ns == 0 || from.first_seen_ns < into.first_seen_ns))
    into.first_seen_ns = from.first_seen_ns;
  into.last_seen_ns = std::max(into.last_seen_ns, from.last_seen_ns);
  for (const auto& [action, n] : from.would_be_denials) into.would_be_denials[action] += n;
}

}  // namespace

ContainerSeries container_series(const audit::ContainerRecord& container, size_t max_series) {
  ContainerSeries out;
  // Group by label set: distinct keys may render alike (e.g. an errno the libc cannot name).
  std::map<std::tuple<std::string, std::string, std::string, std::string>, VerdictSeries> grouped;
  for (const auto& [key, stats] : container.verdicts) {
    // A row with no verdict in it: a source's sample (an audit record whose verdict the tracer
    // counts, under its own key with the errno the record lacks). No series: it would take a
    // place under the cap and fold zeros (found by the churn test under the real daemon).
    if (stats.count == 0) continue;
    VerdictSeries s;
    s.action = action_label(key.action);
    s.syscall = stats.syscall.empty() ? "#" + std::to_string(key.nr) : stats.syscall;
    s.arch = key.arch == common::native_arch() ? "" : common::arch_name(key.arch);
    s.error = s.action == "errno" ? errno_label(key.error) : "";
    s.count = stats.count;
    s.first_seen_ns = stats.first_seen_ns;
    s.last_seen_ns = stats.last_seen_ns;
    if (key.action == common::Action::Log && stats.would_be_action && common::is_denial(*stats.would_be_action)) {
      s.would_be_denials[action_label(*stats.would_be_action)] = stats.count;
      out.last_would_be_denial_ns = std::max(out.last_would_be_denial_ns, stats.last_seen_ns);
    }
    auto [it, inserted] = grouped.try_emplace(std::tuple(s.syscall, s.action, s.arch, s.error), s);
    if (!inserted) merge_into(it->second, s);
  }
  for (auto& [k, s] : grouped) out.series.push_back(std::move(s));

  const size_t cap = std::max(max_series, kActionCount);
  if (out.series.size() <= cap) return out;

  // Keep the most frequent series; the rest become one syscall="other" series per action
  // (arch and errno dropped), so kills and would-be denials stay visible as such. Choose the
  // largest k with k kept + (distinct actions among the rest) <= cap.
  std::stable_sort(out.series.begin(), out.series.end(), [](const VerdictSeries& a, const VerdictSeries& b) {
    if (a.count != b.count) return a.count > b.count;
    return label_key(a) < label_key(b);
  });
  size_t keep = cap;
  for (;; --keep) {
    std::set<std::string> actions;
    for (size_t i = keep; i < out.series.size(); ++i) actions.insert(out.series[i].action);
    if (keep + actions.size() <= cap || keep == 0) break;
  }
  std::map<std::string, VerdictSeries> other;
  for (size_t i = keep; i < out.series.size(); ++i) {
    const VerdictSeries& s = out.series[i];
    auto [it, inserted] = other.try_emplace(s.action);
    if (inserted) {
      it->second.syscall = "other";
      it->second.action = s.action;
    }
    merge_into(it->second, s);
  }
  out.folded = out.series.size() - keep;
  out.series.resize(keep);
  for (auto& [action, s] : other) out.series.push_back(std::move(s));
  return out;
}

}  // namespace sc::metrics
