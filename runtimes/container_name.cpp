#include "runtimes/container_name.h"

#include <sys/stat.h>

#include <filesystem>
#include <optional>
#include <fstream>
#include <sstream>

namespace sc::runtimes {
namespace {
using nlohmann::json;

// Runtime bookkeeping files are small; a bigger one is not what we look for.
constexpr std::streamsize kMaxFile = 16 << 20;

std::optional<json> read_json(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > kMaxFile) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  json j = json::parse(ss.str(), nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

std::string annotation(const json& config, const char* key) {
  auto a = config.find("annotations");
  if (a == config.end() || !a->is_object()) return "";
  auto v = a->find(key);
  return v != a->end() && v->is_string() ? v->get<std::string>() : "";
}

// dockerd's own record of the container (config.v2.json), found through the bundle's
// /etc/hostname bind mount, which comes from <data-root>/containers/<id>/.
std::optional<json> docker_record(const json& config) {
  auto mounts = config.find("mounts");
  if (mounts == config.end() || !mounts->is_array()) return std::nullopt;
  for (const auto& m : *mounts) {
    if (!m.is_object()) continue;
    auto destination = m.find("destination");
    if (destination == m.end() || *destination != "/etc/hostname") continue;
    auto source = m.find("source");
    if (source == m.end() || !source->is_string()) return std::nullopt;
    std::string dir = std::filesystem::path(source->get<std::string>()).parent_path().string();
    auto v2 = read_json(dir + "/config.v2.json");
    if (!v2 || !v2->is_object()) return std::nullopt;
    return v2;
  }
  return std::nullopt;
}

// The string members of a JSON object, within the bounds of container_labels().
std::map<std::string, std::string> bounded_labels(const json& object) {
  std::map<std::string, std::string> out;
  if (!object.is_object()) return out;
  for (const auto& [key, value] : object.items()) {
    if (out.size() == 64) break;
    if (!value.is_string() || key.empty() || key.size() > 128) continue;
    const auto& text = value.get_ref<const std::string&>();
    if (text.size() <= 1024) out[key] = text;
  }
  return out;
}

std::string docker_name(const json& config) {
  auto v2 = docker_record(config);
  if (!v2) return "";
  auto name = v2->find("Name");
  if (name == v2->end() || !name->is_string()) return "";
  std::string n = name->get<std::string>();
  return !n.empty() && n[0] == '/' ? n.substr(1) : n;
}

std::string podman_name(const std::string& id, const std::string& bundle) {
  std::filesystem::path userdata(bundle);
  auto list = read_json((userdata.parent_path().parent_path() / "containers.json").string());
  if (!list || !list->is_array()) return "";
  for (const auto& c : *list) {
    if (!c.is_object() || c.value("id", std::string()) != id) continue;
    auto names = c.find("names");
    if (names != c.end() && names->is_array() && !names->empty() && (*names)[0].is_string())
      return (*names)[0].get<std::string>();
  }
  return "";
}
}  // namespace

std::map<std::string, std::string> container_labels(const std::string& runtime, const json& config) {
  try {
    if (runtime == "docker") {
      auto v2 = docker_record(config);
      if (!v2) return {};
      auto c = v2->find("Config");
      if (c == v2->end() || !c->is_object() || !c->contains("Labels")) return {};
      return bounded_labels((*c)["Labels"]);
    }
    if (runtime == "podman") {
      auto a = config.find("annotations");
      return a == config.end() ? std::map<std::string, std::string>{} : bounded_labels(*a);
    }
    if (runtime == "crio") {
      std::string text = annotation(config, "io.kubernetes.cri-o.Labels");
      json labels = json::parse(text, nullptr, false);
      return labels.is_discarded() ? std::map<std::string, std::string>{} : bounded_labels(labels);
    }
  } catch (const std::exception&) {  // a file of an unexpected shape: no labels, never a failure
  }
  return {};
}

std::string runtime_from_annotations(const json& config) {
  if (annotation(config, "io.container.manager") == "libpod") return "podman";
  if (!annotation(config, "io.kubernetes.cri-o.ContainerID").empty()) return "crio";
  return "runc";
}

std::string container_name(const std::string& runtime, const std::string& id, const std::string& bundle,
                           const json& config) {
  try {
    if (runtime == "docker") return docker_name(config);
    if (runtime == "podman") return podman_name(id, bundle);
    if (runtime == "crio") {
      std::string n = annotation(config, "io.kubernetes.cri-o.ContainerName");
      return n.empty() ? annotation(config, "io.kubernetes.container.name") : n;
    }
  } catch (const std::exception&) {  // a file of an unexpected shape: no name, never a failure
  }
  return "";
}

}  // namespace sc::runtimes
