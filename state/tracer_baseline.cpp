#include "state/tracer_baseline.h"

#include <charconv>
#include <stdexcept>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace sc::audit {
namespace {
using nlohmann::json;

// "a/b/c" -> {"a", "b", "c"}
std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

template <typename T>
T number(std::string_view text, const std::string& entry) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty())
    throw std::invalid_argument("tracer_baseline: entry '" + entry + "' is not a tracer map key");
  return value;
}

// One entry of the flat form earlier versions wrote.
void add_legacy(TracerBaseline& b, const std::string& key, uint64_t count) {
  auto parts = split(key, '/');
  if (parts.size() == 5 && parts[0] != "args" && parts[0] != "argsdrop") {
    b.counts[{number<uint64_t>(parts[0], key), number<uint32_t>(parts[1], key), number<int32_t>(parts[2], key),
              number<uint32_t>(parts[3], key), number<int32_t>(parts[4], key)}] = count;
  } else if (parts.size() == 5 && parts[0] == "args") {
    auto values = split(parts[4], ',');
    if (values.size() != 6) throw std::invalid_argument("tracer_baseline: entry '" + key + "' is not a tracer map key");
    ArgCountKey k{number<uint64_t>(parts[1], key), number<uint32_t>(parts[2], key), number<int32_t>(parts[3], key), {}};
    for (size_t i = 0; i < 6; ++i) k.args[i] = number<uint64_t>(values[i], key);
    b.args[k] = count;
  } else if (parts.size() == 4 && parts[0] == "argsdrop") {
    b.drops[{number<uint64_t>(parts[1], key), number<uint32_t>(parts[2], key), number<int32_t>(parts[3], key)}] = count;
  } else {
    throw std::invalid_argument("tracer_baseline: entry '" + key + "' is not a tracer map key");
  }
}

}  // namespace

void TracerBaseline::forget_args(uint64_t cgroup_id) {
  std::erase_if(args, [&](const auto& e) { return e.first.cgroup_id == cgroup_id; });
  std::erase_if(drops, [&](const auto& e) { return e.first.cgroup_id == cgroup_id; });
}

json tracer_baseline_json(const TracerBaseline& b) {
  json counts = json::array(), args = json::array(), drops = json::array();
  for (const auto& [k, n] : b.counts)
    counts.push_back({{"cgroup_id", k.cgroup_id}, {"audit_arch", k.audit_arch}, {"nr", k.nr}, {"action", k.action},
                      {"errno", k.error}, {"count", n}});
  for (const auto& [k, n] : b.args)
    args.push_back({{"cgroup_id", k.cgroup_id}, {"audit_arch", k.audit_arch}, {"nr", k.nr}, {"args", k.args}, {"count", n}});
  for (const auto& [k, n] : b.drops)
    drops.push_back({{"cgroup_id", k.cgroup_id}, {"audit_arch", k.audit_arch}, {"nr", k.nr}, {"count", n}});
  return {{"counts", std::move(counts)}, {"args", std::move(args)}, {"drops", std::move(drops)}};
}

TracerBaseline tracer_baseline_from(const json& j) {
  TracerBaseline b;
  if (!j.is_object()) throw std::invalid_argument("tracer_baseline: not an object");
  if (!j.contains("counts") && !j.contains("args") && !j.contains("drops")) {
    for (const auto& [key, count] : j.items()) add_legacy(b, key, count.get<uint64_t>());
    return b;
  }
  for (const auto& e : j.value("counts", json::array()))
    b.counts[{e.at("cgroup_id").get<uint64_t>(), e.at("audit_arch").get<uint32_t>(), e.at("nr").get<int32_t>(),
              e.at("action").get<uint32_t>(), e.at("errno").get<int32_t>()}] = e.at("count").get<uint64_t>();
  for (const auto& e : j.value("args", json::array()))
    b.args[{e.at("cgroup_id").get<uint64_t>(), e.at("audit_arch").get<uint32_t>(), e.at("nr").get<int32_t>(),
            e.at("args").get<std::array<uint64_t, 6>>()}] = e.at("count").get<uint64_t>();
  for (const auto& e : j.value("drops", json::array()))
    b.drops[{e.at("cgroup_id").get<uint64_t>(), e.at("audit_arch").get<uint32_t>(), e.at("nr").get<int32_t>()}] =
        e.at("count").get<uint64_t>();
  return b;
}

}  // namespace sc::audit
