#include "audit/state/aggregate.h"

#include <stdexcept>

#include <nlohmann/json.hpp>

namespace sc::audit {
namespace {
using nlohmann::json;

// Strings recorded from the kernel may be any bytes; JSON needs UTF-8. A string that is not
// valid UTF-8 (or that starts with "hex:") is stored hex-encoded with a "hex:" prefix, so
// nothing is lost or mangled.
bool valid_utf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t extra;
    if (c < 0x80) extra = 0;
    else if ((c >> 5) == 0x6) extra = 1;
    else if ((c >> 4) == 0xe) extra = 2;
    else if ((c >> 3) == 0x1e) extra = 3;
    else return false;
    if (i + extra >= s.size() && extra > 0) return false;
    for (size_t k = 1; k <= extra; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    i += extra + 1;
  }
  return true;
}

std::string encode_bytes(const std::string& s) {
  if (valid_utf8(s) && s.rfind("hex:", 0) != 0) return s;
  static const char* digits = "0123456789ABCDEF";
  std::string out = "hex:";
  for (unsigned char c : s) { out += digits[c >> 4]; out += digits[c & 15]; }
  return out;
}

std::string decode_bytes(const std::string& s) {
  if (s.rfind("hex:", 0) != 0) return s;
  auto val = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 4; i + 1 < s.size(); i += 2) {
    int hi = val(s[i]), lo = val(s[i + 1]);
    if (hi < 0 || lo < 0) return s;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

json sample_json(const Sample& s) {
  json j = {{"comm", encode_bytes(s.comm)}, {"exe", encode_bytes(s.exe)}, {"pid", s.pid}, {"tid", s.tid},
            {"instruction_pointer", s.instruction_pointer}};
  if (s.has_args) j["args"] = s.args;
  return j;
}

Sample sample_from(const json& j) {
  Sample s;
  s.comm = decode_bytes(j.value("comm", ""));
  s.exe = decode_bytes(j.value("exe", ""));
  s.pid = j.value("pid", 0);
  s.tid = j.value("tid", 0);
  s.instruction_pointer = j.value("instruction_pointer", uint64_t{0});
  if (j.contains("args")) { s.has_args = true; s.args = j["args"].get<std::array<uint64_t, 6>>(); }
  return s;
}

}  // namespace

std::string to_json_text(const State& state) {
  json containers = json::object();
  for (const auto& [id, c] : state.containers) {
    json verdicts = json::array();
    for (const auto& [k, v] : c.verdicts) {
      json row = {{"arch", k.arch}, {"nr", k.nr}, {"action", k.action},
                  {"errno", k.error >= 0 ? json(k.error) : json(nullptr)},
                  {"syscall", v.syscall}, {"count", v.count},
                  {"first_seen_ns", v.first_seen_ns}, {"last_seen_ns", v.last_seen_ns},
                  {"would_be_action", v.would_be_action}};
      if (v.sample) row["sample"] = sample_json(*v.sample);
      verdicts.push_back(std::move(row));
    }
    json learned = json::object();
    for (const auto& [arch, nrs] : c.learned) learned[arch] = nrs;
    containers[id] = {{"container_id", c.container_id}, {"runtime", c.runtime},
                      {"cgroup_path", encode_bytes(c.cgroup_path)}, {"cgroup_id", c.cgroup_id},
                      {"profile_name", c.profile_name}, {"profile_path", c.profile_path},
                      {"profile_sha256", c.profile_sha256}, {"mode", c.mode},
                      {"first_seen_ns", c.first_seen_ns}, {"last_seen_ns", c.last_seen_ns},
                      {"exited_at_ns", c.exited_at_ns ? json(*c.exited_at_ns) : json(nullptr)},
                      {"verdicts", std::move(verdicts)}, {"learned", std::move(learned)}};
  }
  json sources = json::object();
  for (const auto& [name, s] : state.sources) {
    sources[name] = {{"live", s.live}, {"detail", encode_bytes(s.detail)}, {"events", s.events}, {"lost", s.lost},
                     {"samples_dropped", s.samples_dropped}};
    if (!s.hooks.empty()) {
      json hooks = json::array();
      for (const auto& h : s.hooks)
        hooks.push_back({{"name", h.name}, {"live", h.live}, {"serves", h.serves}, {"reason", encode_bytes(h.reason)}});
      sources[name]["hooks"] = std::move(hooks);
    }
  }
  json j = {{"version", state.version}, {"last_flush_ns", state.last_flush_ns},
            {"containers", std::move(containers)}, {"sources", std::move(sources)}};
  return j.dump(1) + "\n";
}

State from_json_text(const std::string& text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw std::runtime_error(std::string("invalid JSON: ") + e.what());
  }
  std::string where = "$";
  try {
    State st;
    if (!j.is_object()) throw std::runtime_error("not an object");
    st.version = j.at("version").get<int>();
    if (st.version != 1) throw std::runtime_error("unsupported version " + std::to_string(st.version));
    st.last_flush_ns = j.value("last_flush_ns", int64_t{0});
    for (const auto& [id, c] : j.at("containers").items()) {
      where = "containers." + id;
      ContainerRecord r;
      r.container_id = c.at("container_id").get<std::string>();
      r.runtime = c.value("runtime", "");
      r.cgroup_path = decode_bytes(c.value("cgroup_path", ""));
      r.cgroup_id = c.value("cgroup_id", uint64_t{0});
      r.profile_name = c.value("profile_name", "");
      r.profile_path = c.value("profile_path", "");
      r.profile_sha256 = c.value("profile_sha256", "");
      r.mode = c.value("mode", "");
      r.first_seen_ns = c.value("first_seen_ns", int64_t{0});
      r.last_seen_ns = c.value("last_seen_ns", int64_t{0});
      if (c.contains("exited_at_ns") && !c["exited_at_ns"].is_null()) r.exited_at_ns = c["exited_at_ns"].get<int64_t>();
      size_t i = 0;
      for (const auto& v : c.at("verdicts")) {
        where = "containers." + id + ".verdicts[" + std::to_string(i++) + "]";
        VerdictKey k{v.at("arch").get<std::string>(), v.at("nr").get<int32_t>(), v.at("action").get<std::string>(),
                     v.contains("errno") && !v["errno"].is_null() ? v["errno"].get<int32_t>() : -1};
        VerdictStats s;
        s.syscall = v.value("syscall", "");
        s.count = v.at("count").get<uint64_t>();
        s.first_seen_ns = v.value("first_seen_ns", int64_t{0});
        s.last_seen_ns = v.value("last_seen_ns", int64_t{0});
        s.would_be_action = v.value("would_be_action", "");
        if (v.contains("sample")) s.sample = sample_from(v["sample"]);
        r.verdicts[k] = std::move(s);
      }
      where = "containers." + id + ".learned";
      if (c.contains("learned"))
        for (const auto& [arch, nrs] : c["learned"].items()) r.learned[arch] = nrs.get<std::set<int32_t>>();
      st.containers[id] = std::move(r);
    }
    where = "sources";
    if (j.contains("sources"))
      for (const auto& [name, s] : j["sources"].items()) {
        where = "sources." + name;
        SourceHealth& h = st.sources[name];
        h = SourceHealth{s.value("live", false), decode_bytes(s.value("detail", "")),
                         s.value("events", uint64_t{0}), s.value("lost", uint64_t{0}),
                         s.value("samples_dropped", uint64_t{0})};
        if (s.contains("hooks"))
          for (const auto& k : s["hooks"])
            h.hooks.push_back(HookHealth{k.at("name").get<std::string>(), k.value("live", false), k.value("serves", ""),
                                         decode_bytes(k.value("reason", ""))});
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
