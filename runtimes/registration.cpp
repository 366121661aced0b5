#include "runtimes/registration.h"

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "host/atomic_file.h"
#include "host/cgroup2.h"
#include "isolator/launch/profile_source.h"
#include "isolator/profile/parser.h"
#include "runtimes/container_name.h"
#include "isolator/profile/oci_format.h"
#include "runtimes/profile_match.h"
#include "runtimes/registration_flags.h"
#include "runtimes/runtime_defaults.h"

namespace sc::runtimes {
namespace {
using nlohmann::json;

constexpr std::streamsize kMaxConfig = 16 << 20;

int64_t realtime_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

json read_config(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw std::runtime_error(path + ": cannot read: " + std::strerror(errno));
  if (st.st_size > kMaxConfig) throw std::runtime_error(path + ": larger than 16 MiB");
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return json::parse(ss.str());
  } catch (const json::exception& e) {
    throw std::runtime_error(path + ": invalid JSON: " + e.what());
  }
}

std::vector<std::string> strings_at(const json& j, std::initializer_list<const char*> keys) {
  const json* at = &j;
  for (const char* k : keys) {
    auto it = at->find(k);
    if (!at->is_object() || it == at->end()) return {};
    at = &*it;
  }
  std::vector<std::string> out;
  if (!at->is_array()) return out;
  for (const auto& v : *at)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

std::vector<KnownProfile> candidates(const RegistrationOptions& o) {
  std::vector<KnownProfile> out;
  if (!o.bundled_profiles_dir.empty())
    for (const auto& d : runtime_defaults())
      if (auto k = known_profile_file(o.bundled_profiles_dir + "/" + d.file, d.name)) out.push_back(std::move(*k));
  for (const auto& f : o.profile_files)
    if (auto k = known_profile_file(f, f == kPodmanDefaultProfile ? "podman-default" : ""))
      out.push_back(std::move(*k));
  for (const auto& d : o.profile_dirs)
    for (auto& k : profiles_in(d)) out.push_back(std::move(k));
  return out;
}

// The profile part of the entry: mode, and the Docker-format file it runs (or, in audit mode,
// the enforcing file whose log-only variant it runs, when that file is known).
void describe_profile(const json& config, const std::string& config_path, const RegistrationOptions& o,
                      const std::set<std::string>& caps, Registered& out) {
  registry::Entry& e = out.entry;
  auto linux_it = config.find("linux");
  const json* seccomp = nullptr;
  if (linux_it != config.end() && linux_it->is_object())
    if (auto s = linux_it->find("seccomp"); s != linux_it->end() && !s->is_null()) seccomp = &*s;
  if (!seccomp) {
    e.mode = "unconfined";
    return;
  }
  json docker;
  try {
    docker = profile::docker_profile_from_oci(*seccomp);
  } catch (const profile::OciError& err) {
    throw std::runtime_error(config_path + ": " + err.what());
  }
  std::string text = docker.dump(2) + "\n";
  profile::Profile running;
  try {
    running = profile::parse_profile(text);
  } catch (const profile::ParseError& err) {
    throw std::runtime_error(config_path + ": linux.seccomp" + (err.path().empty() ? ": " : ".") + err.what());
  }
  bool audit = profile::uses_log_action(*seccomp);
  e.mode = audit ? "audit" : "enforce";
  e.new_syscalls = "enosys";  // runc (and crun) put the -ENOSYS stub in front of the rules
  std::vector<std::string> errors;
  auto match = match_profile(running, caps, audit, candidates(o), &errors);
  for (const auto& err : errors) out.notes.push_back("candidate profile skipped: " + err);
  if (match) {
    e.profile_path = match->profile.path;
    e.profile_name = match->profile.name;
    e.profile_sha256 = match->profile.sha256;
    return;
  }
  // No known file: the profile as the runtime resolved it, in Docker's format, kept under
  // its digest so every container running the same one shares the file.
  std::string digest = launch::sha256_hex(text);
  std::string dir = o.runtime_dir + "/profiles";
  host::make_directories(dir, 0755);
  std::string path = dir + "/" + digest + ".json";
  if (!std::filesystem::exists(path)) host::write_file_atomically(path, text, 0644);
  e.profile_path = path;
  e.profile_sha256 = digest;
  e.profile_name = e.runtime + "-" + digest.substr(0, 12);
  std::string oci_digest = oci_seccomp_digest(*seccomp);
  for (const auto& d : runtime_defaults())
    if (d.oci_sha256 == oci_digest) e.profile_name = d.name;
  if (audit)
    out.notes.push_back("audit mode, but no known profile's log-only variant matches: the enforcing profile is "
                        "unknown (would-be verdicts stay empty); pass its directory with --profiles");
}
}  // namespace

Registered register_container(const ContainerStart& start, const RegistrationOptions& o) {
  if (!registry::valid_container_id(start.id))
    throw std::runtime_error("container id '" + start.id + "' cannot name a registry entry");
  std::string config_path = start.bundle + "/config.json";
  json config = read_config(config_path);
  if (!config.is_object()) throw std::runtime_error(config_path + ": not a JSON object");
  Registered out;
  registry::Entry& e = out.entry;
  e.container_id = start.id;
  e.runtime = o.runtime.empty() ? runtime_from_annotations(config) : o.runtime;
  e.container_name = container_name(e.runtime, start.id, start.bundle, config);
  e.labels = container_labels(e.runtime, config);
  e.pid = start.pid;
  e.started_at_ns = realtime_ns();
  e.command = strings_at(config, {"process", "args"});
  e.capabilities = strings_at(config, {"process", "capabilities", "bounding"});
  std::set<std::string> caps(e.capabilities.begin(), e.capabilities.end());
  // The cgroup the kernel put the init in, not the one config.json asks for (systemd
  // drivers spell it "slice:prefix:name").
  if (auto path = host::cgroup2_path_of(start.pid)) {
    e.cgroup_path = *path;
    try {
      e.cgroup_id = host::cgroup_id(host::cgroup2_mount() + *path);
    } catch (const std::exception& err) {
      out.notes.push_back(std::string("cgroup id unknown: ") + err.what());
    }
  } else {
    out.notes.push_back("cgroup unknown: process " + std::to_string(start.pid) + " has no cgroup2 line");
  }
  describe_profile(config, config_path, o, caps, out);
  registry::write(o.runtime_dir, e);
  return out;
}

void register_exit(const std::string& runtime_dir, const std::string& container_id, std::optional<int> status) {
  auto entry = registry::read(runtime_dir, container_id);
  if (!entry || entry->exited_at_ns) return;
  entry->exited_at_ns = realtime_ns();
  entry->exit_status = status;
  registry::write(runtime_dir, *entry);
}

}  // namespace sc::runtimes
