#include "isolator/launch/rlimits.h"

#include <cerrno>
#include <cctype>
#include <cstdlib>

#include "isolator/launch/launch_error.h"

namespace sc::launch {
namespace {

struct Known {
  const char* name;
  int resource;
};
// Mesos's RLimitInfo.RLimit.Type names without the RLMT_ prefix.
constexpr Known kKnown[] = {
    {"AS", RLIMIT_AS},           {"CORE", RLIMIT_CORE},         {"CPU", RLIMIT_CPU},
    {"DATA", RLIMIT_DATA},       {"FSIZE", RLIMIT_FSIZE},       {"LOCKS", RLIMIT_LOCKS},
    {"MEMLOCK", RLIMIT_MEMLOCK}, {"MSGQUEUE", RLIMIT_MSGQUEUE}, {"NICE", RLIMIT_NICE},
    {"NOFILE", RLIMIT_NOFILE},   {"NPROC", RLIMIT_NPROC},       {"RSS", RLIMIT_RSS},
    {"RTPRIO", RLIMIT_RTPRIO},   {"RTTIME", RLIMIT_RTTIME},     {"SIGPENDING", RLIMIT_SIGPENDING},
    {"STACK", RLIMIT_STACK},
};

bool parse_limit(const std::string& text, rlim_t* out) {
  if (text == "unlimited" || text == "infinity") {
    *out = RLIM_INFINITY;
    return true;
  }
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0]))) return false;
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') return false;
  *out = static_cast<rlim_t>(v);
  return true;
}

}  // namespace

int rlimit_resource(const std::string& name) {
  std::string upper;
  for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper.rfind("RLMT_", 0) == 0) upper = upper.substr(5);
  for (const auto& k : kKnown)
    if (upper == k.name) return k.resource;
  return -1;
}

Rlimit parse_rlimit_flag(const std::string& value) {
  auto bad = [&](const std::string& why) {
    return LaunchError("Invalid --rlimit '" + value + "': " + why);
  };
  auto eq = value.find('=');
  if (eq == std::string::npos) throw bad("expected NAME=SOFT:HARD or NAME=LIMIT");
  Rlimit limit;
  std::string name = value.substr(0, eq);
  limit.resource = rlimit_resource(name);
  if (limit.resource < 0) throw bad("unknown resource '" + name + "'");
  limit.name = name;
  std::string spec = value.substr(eq + 1);
  auto colon = spec.find(':');
  std::string soft = colon == std::string::npos ? spec : spec.substr(0, colon);
  std::string hard = colon == std::string::npos ? spec : spec.substr(colon + 1);
  if (!parse_limit(soft, &limit.soft)) throw bad("bad soft limit '" + soft + "'");
  if (!parse_limit(hard, &limit.hard)) throw bad("bad hard limit '" + hard + "'");
  if (limit.soft != RLIM_INFINITY && (limit.hard != RLIM_INFINITY && limit.soft > limit.hard))
    throw bad("soft limit above hard limit");
  if (limit.soft == RLIM_INFINITY && limit.hard != RLIM_INFINITY)
    throw bad("soft limit above hard limit");
  return limit;
}

int apply_rlimits(const std::vector<Rlimit>& limits, const Rlimit** failed) {
  for (const auto& l : limits) {
    struct rlimit r {l.soft, l.hard};
    if (::setrlimit(static_cast<__rlimit_resource>(l.resource), &r) != 0) {
      *failed = &l;
      return errno;
    }
  }
  return 0;
}

}  // namespace sc::launch
