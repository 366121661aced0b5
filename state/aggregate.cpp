#include "state/aggregate.h"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "bytes/integer_json.h"
#include "bytes/untrusted.h"
#include "common/arch.h"
#include "common/seccomp_ret.h"

namespace sc::audit {
namespace {
using nlohmann::json;

// Every string in the file may hold recorded bytes (process names, paths, ids from the
// kernel, the registry or the operator): all go through the one rule in bytes/untrusted.h
// ("hex:" + hex for anything that is not strict UTF-8), so the file always dumps and loads.
std::string encode_bytes(const std::string& s) { return bytes::encode_stored(s); }
std::string decode_bytes(const std::string& s) { return bytes::decode_stored(s); }
std::string text_at(const json& j, const char* key) { return decode_bytes(j.at(key).get<std::string>()); }
std::string text_or_empty(const json& j, const char* key) { return decode_bytes(j.value(key, std::string())); }

json sample_json(const Sample& s) {
  json j = {{"comm", encode_bytes(s.comm)}, {"exe", encode_bytes(s.exe)}, {"pid", s.pid}, {"tid", s.tid},
            {"instruction_pointer", s.instruction_pointer}};
  if (s.has_args) j["args"] = s.args;
  return j;
}

Sample sample_from(const json& j) {
  Sample s;
  s.comm = text_or_empty(j, "comm");
  s.exe = text_or_empty(j, "exe");
  s.pid = j.value("pid", 0);
  s.tid = j.value("tid", 0);
  s.instruction_pointer = j.value("instruction_pointer", uint64_t{0});
  if (j.contains("args")) { s.has_args = true; s.args = j["args"].get<std::array<uint64_t, 6>>(); }
  return s;
}

json args_json(const ArgRecord& a) {
  json tuples = json::array();
  for (const auto& [t, n] : a.tuples) tuples.push_back({{"args", t}, {"count", n}});
  return {{"tuples", std::move(tuples)}, {"dropped", a.dropped}};
}

ArgRecord args_from(const json& j) {
  ArgRecord a;
  for (const auto& t : j.at("tuples")) a.tuples[t.at("args").get<ArgTuple>()] += t.at("count").get<uint64_t>();
  a.dropped = j.value("dropped", uint64_t{0});
  return a;
}

json key_json(const VerdictKey& k) {
  return {{"arch", common::arch_name(k.arch)}, {"nr", k.nr}, {"action", common::action_text(k.action)},
          {"errno", k.error >= 0 ? json(k.error) : json(nullptr)}};
}

// An arch as state.json names it; `where` is the JSON path of the object holding it.
uint32_t arch_at(const json& v, const std::string& where) {
  std::string text = text_at(v, "arch");
  if (text.empty()) return 0;  // fleet's row of calls no container was found for, as earlier versions wrote it
  if (auto arch = common::arch_from_text(text)) return *arch;
  throw std::runtime_error(where + ".arch: '" + bytes::display_text(text) + "' is neither an arch name nor 0x<hex>");
}

// An action as state.json names it, in v[key].
common::Action action_at(const json& v, const char* key, const std::string& where) {
  std::string text = text_at(v, key);
  auto a = common::action_from_text(text);
  if (!a)
    throw std::runtime_error(where + "." + key + ": '" + bytes::display_text(text) +
                             "' is neither a seccomp action word nor 0x<8 hex digits>");
  return *a;
}

VerdictKey key_from(const json& v, const std::string& where) {
  return VerdictKey{arch_at(v, where), v.at("nr").get<int32_t>(), action_at(v, "action", where),
                    v.contains("errno") && !v["errno"].is_null() ? v["errno"].get<int32_t>() : -1};
}

// "would_be_action": an action word, or "" (not known).
std::optional<common::Action> would_be_at(const json& v, const std::string& where) {
  if (text_or_empty(v, "would_be_action").empty()) return std::nullopt;
  return action_at(v, "would_be_action", where);
}

json errno_json(int32_t e) { return e >= 0 ? json(e) : json(nullptr); }
int32_t errno_from(const json& j, const char* key) {
  return j.contains(key) && !j[key].is_null() ? j[key].get<int32_t>() : -1;
}

json shadow_json(const ShadowRecord& r) {
  json containers = json::array();
  for (const auto& c : r.containers) containers.push_back(encode_bytes(c));
  json targets = json::object();
  for (const auto& [id, t] : r.targets) {
    json baseline = json::array();
    for (const auto& [k, n] : t.baseline) {
      json b = key_json(k);
      b["count"] = n;
      baseline.push_back(std::move(b));
    }
    targets[encode_bytes(id)] = {{"since_ns", t.since_ns}, {"cgroup_id", t.cgroup_id}, {"slot", t.slot},
                                 {"baseline", std::move(baseline)}};
  }
  json rows = json::array();
  for (const auto& row : r.rows)
    rows.push_back({{"container", encode_bytes(row.container)}, {"arch", common::arch_name(row.arch)}, {"nr", row.nr},
                    {"syscall", encode_bytes(row.syscall)}, {"current", common::action_text(row.current)},
                    {"current_errno", errno_json(row.current_errno)}, {"candidate", common::action_text(row.candidate)},
                    {"candidate_errno", errno_json(row.candidate_errno)}, {"count", row.count}});
  return {{"name", encode_bytes(r.name)}, {"profile_path", encode_bytes(r.profile_path)},
          {"profile_sha256", encode_bytes(r.profile_sha256)}, {"containers", std::move(containers)},
          {"all", r.all}, {"status", encode_bytes(r.status)}, {"detail", encode_bytes(r.detail)},
          {"requested_ns", r.requested_ns}, {"started_ns", r.started_ns}, {"stopped_ns", r.stopped_ns},
          {"lost", r.lost}, {"lost_base", r.lost_base},
          {"targets", std::move(targets)}, {"rows", std::move(rows)}};
}

ShadowRecord shadow_from(const json& j, std::string& where) {
  const std::string base = where;
  ShadowRecord r;
  r.name = text_at(j, "name");
  r.profile_path = text_or_empty(j, "profile_path");
  r.profile_sha256 = text_or_empty(j, "profile_sha256");
  if (j.contains("containers"))
    for (const auto& c : j["containers"]) r.containers.push_back(decode_bytes(c.get<std::string>()));
  r.all = j.value("all", false);
  r.status = text_or_empty(j, "status");
  r.detail = text_or_empty(j, "detail");
  r.requested_ns = j.value("requested_ns", int64_t{0});
  r.started_ns = j.value("started_ns", int64_t{0});
  r.stopped_ns = j.value("stopped_ns", int64_t{0});
  r.lost = j.value("lost", uint64_t{0});
  r.lost_base = j.value("lost_base", uint64_t{0});
  if (j.contains("targets"))
    for (const auto& [id, t] : j["targets"].items()) {
      where = base + ".targets." + id;
      ShadowTarget target;
      target.since_ns = t.value("since_ns", int64_t{0});
      target.cgroup_id = t.value("cgroup_id", uint64_t{0});
      target.slot = t.value("slot", uint32_t{0});
      size_t i = 0;
      for (const auto& b : t.value("baseline", json::array())) {
        where = base + ".targets." + id + ".baseline[" + std::to_string(i++) + "]";
        target.baseline[key_from(b, where)] = b.at("count").get<uint64_t>();
      }
      r.targets[decode_bytes(id)] = std::move(target);
    }
  size_t i = 0;
  for (const auto& row : j.value("rows", json::array())) {
    where = base + ".rows[" + std::to_string(i++) + "]";
    r.rows.push_back(ShadowRow{text_at(row, "container"), arch_at(row, where), row.at("nr").get<int32_t>(),
                               text_or_empty(row, "syscall"), action_at(row, "current", where), errno_from(row, "current_errno"),
                               action_at(row, "candidate", where), errno_from(row, "candidate_errno"),
                               row.at("count").get<uint64_t>()});
  }
  return r;
}

}  // namespace

std::string to_json_text(const State& state) {
  json containers = json::object();
  for (const auto& [id, c] : state.containers) {
    json verdicts = json::array();
    for (const auto& [k, v] : c.verdicts) {
      json row = key_json(k);
      row.update(json{{"syscall", encode_bytes(v.syscall)}, {"count", v.count},
                  {"first_seen_ns", v.first_seen_ns}, {"last_seen_ns", v.last_seen_ns},
                  {"would_be_action", v.would_be_action ? common::action_text(*v.would_be_action) : ""}});
      if (v.sample) row["sample"] = sample_json(*v.sample);
      if (v.args) row["args"] = args_json(*v.args);
      verdicts.push_back(std::move(row));
    }
    json learned = json::object();
    for (const auto& [arch, nrs] : c.learned) learned[common::arch_name(arch)] = nrs;
    containers[encode_bytes(id)] = {
                      {"container_id", encode_bytes(c.container_id)}, {"runtime", encode_bytes(c.runtime)},
                      {"container_name", encode_bytes(c.container_name)},
                      {"cgroup_path", encode_bytes(c.cgroup_path)}, {"cgroup_id", c.cgroup_id},
                      {"profile_name", encode_bytes(c.profile_name)}, {"profile_path", encode_bytes(c.profile_path)},
                      {"profile_sha256", encode_bytes(c.profile_sha256)}, {"mode", encode_bytes(c.mode)},
                      {"first_seen_ns", c.first_seen_ns}, {"last_seen_ns", c.last_seen_ns},
                      {"exited_at_ns", c.exited_at_ns ? json(*c.exited_at_ns) : json(nullptr)},
                      {"verdicts", std::move(verdicts)}, {"learned", std::move(learned)}};
    if (!c.workload.empty()) containers[encode_bytes(id)]["workload"] = encode_bytes(c.workload);
    if (c.capabilities) {
      json caps = json::array();
      for (const auto& cap : *c.capabilities) caps.push_back(encode_bytes(cap));
      containers[encode_bytes(id)]["capabilities"] = std::move(caps);
    }
    if (!c.allowed_args.empty()) {
      json allowed = json::array();
      for (const auto& [an, a] : c.allowed_args) {
        json row = args_json(a);
        row["arch"] = common::arch_name(an.first);
        row["nr"] = an.second;
        allowed.push_back(std::move(row));
      }
      containers[encode_bytes(id)]["allowed_args"] = std::move(allowed);
    }
  }
  json sources = json::object();
  for (const auto& [name, s] : state.sources) {
    std::string key = encode_bytes(name);
    sources[key] = {{"live", s.live}, {"detail", encode_bytes(s.detail)}, {"events", s.events}, {"lost", s.lost},
                     {"samples_dropped", s.samples_dropped}};
    if (!s.hooks.empty()) {
      json hooks = json::array();
      for (const auto& h : s.hooks)
        hooks.push_back({{"name", encode_bytes(h.name)}, {"live", h.live}, {"serves", encode_bytes(h.serves)},
                         {"reason", encode_bytes(h.reason)}});
      sources[key]["hooks"] = std::move(hooks);
    }
  }
  json j = {{"version", state.version}, {"last_flush_ns", state.last_flush_ns},
            {"containers", std::move(containers)}, {"sources", std::move(sources)}};
  if (!state.shadows.empty()) {
    json shadows = json::object();
    for (const auto& [name, r] : state.shadows) shadows[encode_bytes(name)] = shadow_json(r);
    j["shadows"] = std::move(shadows);
  }
  return j.dump(1) + "\n";
}

State from_json_text(const std::string& text) {
  json j;
  try {
    j = bytes::parse_integer_json(text);
  } catch (const json::exception& e) {  // parse_error, or out_of_range for a number that overflows
    throw std::runtime_error(std::string("invalid JSON: ") + e.what());
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string("invalid state file: ") + e.what());
  }
  std::string where = "$";
  try {
    State st;
    if (!j.is_object()) throw std::runtime_error("not an object");
    st.version = j.at("version").get<int>();
    if (st.version != 1) throw std::runtime_error("unsupported version " + std::to_string(st.version));
    st.last_flush_ns = j.value("last_flush_ns", int64_t{0});
    for (const auto& [id, c] : j.at("containers").items()) {  // `where` names keys as stored
      where = "containers." + id;
      ContainerRecord r;
      r.container_id = text_at(c, "container_id");
      r.runtime = text_or_empty(c, "runtime");
      r.container_name = text_or_empty(c, "container_name");
      r.cgroup_path = text_or_empty(c, "cgroup_path");
      r.cgroup_id = c.value("cgroup_id", uint64_t{0});
      r.profile_name = text_or_empty(c, "profile_name");
      r.profile_path = text_or_empty(c, "profile_path");
      r.profile_sha256 = text_or_empty(c, "profile_sha256");
      r.mode = text_or_empty(c, "mode");
      r.workload = text_or_empty(c, "workload");
      if (c.contains("capabilities")) {
        where = "containers." + id + ".capabilities";
        std::vector<std::string> caps;
        for (const auto& cap : c.at("capabilities")) caps.push_back(decode_bytes(cap.get<std::string>()));
        r.capabilities = std::move(caps);
        where = "containers." + id;
      }
      r.first_seen_ns = c.value("first_seen_ns", int64_t{0});
      r.last_seen_ns = c.value("last_seen_ns", int64_t{0});
      if (c.contains("exited_at_ns") && !c["exited_at_ns"].is_null()) r.exited_at_ns = c["exited_at_ns"].get<int64_t>();
      size_t i = 0;
      for (const auto& v : c.at("verdicts")) {
        where = "containers." + id + ".verdicts[" + std::to_string(i++) + "]";
        VerdictKey k = key_from(v, where);
        VerdictStats s;
        s.syscall = text_or_empty(v, "syscall");
        s.count = v.at("count").get<uint64_t>();
        s.first_seen_ns = v.value("first_seen_ns", int64_t{0});
        s.last_seen_ns = v.value("last_seen_ns", int64_t{0});
        s.would_be_action = would_be_at(v, where);
        if (v.contains("sample")) s.sample = sample_from(v["sample"]);
        if (v.contains("args")) s.args = args_from(v["args"]);
        r.verdicts[k] = std::move(s);
      }
      where = "containers." + id + ".learned";
      if (c.contains("learned"))
        for (const auto& [arch, nrs] : c["learned"].items()) {
          auto a = common::arch_from_text(decode_bytes(arch));
          if (!a)
            throw std::runtime_error(where + ": '" + bytes::display_text(decode_bytes(arch)) +
                                     "' is neither an arch name nor 0x<hex>");
          r.learned[*a] = nrs.get<std::set<int32_t>>();
        }
      if (c.contains("allowed_args")) {
        size_t k = 0;
        for (const auto& a : c["allowed_args"]) {
          where = "containers." + id + ".allowed_args[" + std::to_string(k++) + "]";
          r.allowed_args[{arch_at(a, where), a.at("nr").get<int32_t>()}] = args_from(a);
        }
      }
      st.containers[decode_bytes(id)] = std::move(r);
    }
    where = "sources";
    if (j.contains("sources"))
      for (const auto& [name, s] : j["sources"].items()) {
        where = "sources." + name;
        SourceHealth& h = st.sources[decode_bytes(name)];
        h = SourceHealth{s.value("live", false), text_or_empty(s, "detail"),
                         s.value("events", uint64_t{0}), s.value("lost", uint64_t{0}),
                         s.value("samples_dropped", uint64_t{0})};
        if (s.contains("hooks"))
          for (const auto& k : s["hooks"])
            h.hooks.push_back(HookHealth{decode_bytes(k.at("name").get<std::string>()), k.value("live", false),
                                         text_or_empty(k, "serves"), text_or_empty(k, "reason")});
      }
    if (j.contains("shadows"))
      for (const auto& [name, r] : j["shadows"].items()) {
        where = "shadows." + name;
        st.shadows[decode_bytes(name)] = shadow_from(r, where);
      }
    return st;
  } catch (const json::exception& e) {
    throw std::runtime_error(where + ": " + e.what());
  }
}

std::vector<EventRow> event_rows(const State& state, const std::string& container_filter) {
  std::vector<EventRow> rows;
  for (const auto& [id, c] : state.containers) {
    if (!container_filter.empty() && id != container_filter) continue;
    for (const auto& [k, v] : c.verdicts) rows.push_back({&c, &k, &v});
  }
  return rows;
}

}  // namespace sc::audit
