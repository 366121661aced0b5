#include "state/shadow.h"

#include <cctype>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "bytes/integer_json.h"
#include "bytes/untrusted.h"

namespace sc::audit {

std::optional<std::string> shadow_name_error(const std::string& name) {
  if (name.empty()) return "a shadow name must not be empty";
  if (name.size() > 64) return "a shadow name has at most 64 characters";
  if (name == "." || name == "..") return "'" + name + "' is not a shadow name";
  for (unsigned char c : name)
    if (!(std::isalnum(c) || c == '.' || c == '_' || c == '-'))
      return "a shadow name has only letters, digits, '.', '_' and '-' (it names a file)";
  return std::nullopt;
}

std::string shadow_request_dir(const std::string& state_dir) { return state_dir + "/shadow"; }
std::string shadow_request_path(const std::string& state_dir, const std::string& name) {
  return shadow_request_dir(state_dir) + "/" + name + ".json";
}

std::string request_to_json_text(const ShadowRequest& r) {
  nlohmann::json containers = nlohmann::json::array();
  for (const auto& c : r.containers) containers.push_back(bytes::encode_stored(c));
  nlohmann::json j = {{"version", 1},
                      {"name", r.name},
                      {"profile_path", bytes::encode_stored(r.profile_path)},
                      {"profile_text", bytes::encode_stored(r.profile_text)},
                      {"profile_sha256", r.profile_sha256},
                      {"containers", std::move(containers)},
                      {"all", r.all},
                      {"requested_ns", r.requested_ns}};
  return j.dump(1) + "\n";
}

ShadowRequest request_from_json_text(const std::string& text) {
  nlohmann::json j;
  try {
    j = bytes::parse_integer_json(text);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("$: invalid JSON: ") + e.what());
  }
  std::string where = "$";
  try {
    if (!j.is_object()) throw std::runtime_error("not an object");
    where = "$.version";
    if (j.at("version").get<int>() != 1) throw std::runtime_error("unsupported version");
    ShadowRequest r;
    where = "$.name";
    r.name = j.at("name").get<std::string>();
    if (auto e = shadow_name_error(r.name)) throw std::runtime_error(*e);
    where = "$.profile_path";
    r.profile_path = bytes::decode_stored(j.value("profile_path", std::string()));
    where = "$.profile_text";
    r.profile_text = bytes::decode_stored(j.at("profile_text").get<std::string>());
    where = "$.profile_sha256";
    r.profile_sha256 = j.value("profile_sha256", std::string());
    where = "$.containers";
    for (const auto& c : j.value("containers", nlohmann::json::array())) r.containers.push_back(bytes::decode_stored(c.get<std::string>()));
    where = "$.all";
    r.all = j.value("all", false);
    where = "$.requested_ns";
    r.requested_ns = j.value("requested_ns", int64_t{0});
    if (!r.all && r.containers.empty()) {
      where = "$.containers";
      throw std::runtime_error("no container to shadow (and \"all\" is false)");
    }
    return r;
  } catch (const std::exception& e) {
    throw std::runtime_error(where + ": " + e.what());
  }
}

}  // namespace sc::audit
