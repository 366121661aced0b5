#include "runtimes/registration_flags.h"

#include <unistd.h>

#include <cstdlib>

#ifndef SC_BUNDLED_PROFILES_DIR
#define SC_BUNDLED_PROFILES_DIR "/usr/share/seccomp-companion/profiles"
#endif

namespace sc::runtimes {
namespace {
constexpr const char* kOperatorProfiles = "/etc/seccomp-companion/profiles";
}  // namespace

RegistrationFlags default_registration_flags() {
  RegistrationFlags f;
  f.options.bundled_profiles_dir = SC_BUNDLED_PROFILES_DIR;
  if (::access(kPodmanDefaultProfile, R_OK) == 0) f.options.profile_files.push_back(kPodmanDefaultProfile);
  if (::access(kOperatorProfiles, R_OK | X_OK) == 0) f.options.profile_dirs.push_back(kOperatorProfiles);
  return f;
}

bool take_registration_flag(const std::string& arg, const std::string& prefix, RegistrationFlags& f) {
  if (arg.compare(0, prefix.size(), prefix) != 0) return false;
  std::string rest = arg.substr(prefix.size());
  size_t eq = rest.find('=');
  if (eq == std::string::npos) return false;
  std::string name = rest.substr(0, eq), value = rest.substr(eq + 1);
  auto need = [&](bool ok, const char* what) {
    if (!ok && f.error.empty()) f.error = "'" + prefix + name + "': " + what;
  };
  if (name == "runtime_dir") {
    need(!value.empty() && value[0] == '/', "must be an absolute path");
    f.options.runtime_dir = value;
  } else if (name == "runtime") {
    need(value == "docker" || value == "podman" || value == "crio" || value == "runc",
         "must be docker, podman, crio or runc");
    f.options.runtime = value;
  } else if (name == "profiles") {
    need(!value.empty(), "must name a directory");
    f.options.profile_dirs.push_back(value);
  } else if (name == "profile_file") {
    need(!value.empty(), "must name a file");
    f.options.profile_files.push_back(value);
  } else if (name == "bundled_profiles") {
    f.options.bundled_profiles_dir = value;
  } else if (name == "budget_ms") {
    char* end = nullptr;
    unsigned long ms = std::strtoul(value.c_str(), &end, 10);
    need(!value.empty() && *end == '\0' && ms >= 1 && ms <= 60000, "must be 1..60000");
    f.budget_ms = static_cast<unsigned>(ms);
  } else {
    return false;
  }
  return true;
}

std::string registration_flags_help(const std::string& p) {
  return "  " + p + "runtime_dir=DIR       the registry's runtime dir (default /run/seccomp-companion)\n"
         "  " + p + "runtime=NAME          docker|podman|crio|runc (default: from the bundle's annotations)\n"
         "  " + p + "profiles=DIR          profiles the container may run, for audit-mode variants (repeatable;\n"
         "  " + std::string(p.size(), ' ') + "                      /etc/seccomp-companion/profiles when present)\n"
         "  " + p + "profile_file=FILE     one such profile (repeatable; Podman's default when present)\n"
         "  " + p + "bundled_profiles=DIR  where Docker's default is (default " SC_BUNDLED_PROFILES_DIR ")\n"
         "  " + p + "budget_ms=N           give up registering after N ms (default 2000)\n";
}

}  // namespace sc::runtimes
