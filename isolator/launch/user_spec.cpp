#include "isolator/launch/user_spec.h"

#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "isolator/launch/launch_error.h"

namespace sc::launch {
namespace {
std::optional<unsigned long> number(const std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  errno = 0;
  unsigned long v = std::strtoul(text.c_str(), nullptr, 10);
  if (errno != 0 || v > 0xfffffffeUL) return std::nullopt;
  return v;
}
}  // namespace

UserSpec resolve_user(const std::string& value) {
  UserSpec spec;
  std::string user = value, group;
  if (auto colon = value.find(':'); colon != std::string::npos) {
    user = value.substr(0, colon);
    group = value.substr(colon + 1);
  }
  if (user.empty()) throw LaunchError("Invalid --user '" + value + "': empty user");
  if (auto uid = number(user)) {
    spec.uid = static_cast<uid_t>(*uid);
    struct passwd* pw = ::getpwuid(spec.uid);
    spec.gid = pw ? pw->pw_gid : static_cast<gid_t>(*uid);
  } else {
    struct passwd* pw = ::getpwnam(user.c_str());
    if (!pw) throw LaunchError("Unknown user '" + user + "' (--user)");
    spec.uid = pw->pw_uid;
    spec.gid = pw->pw_gid;
  }
  if (!group.empty()) {
    if (auto gid = number(group)) {
      spec.gid = static_cast<gid_t>(*gid);
    } else {
      struct group* gr = ::getgrnam(group.c_str());
      if (!gr) throw LaunchError("Unknown group '" + group + "' (--user)");
      spec.gid = gr->gr_gid;
    }
  }
  spec.groups.push_back(spec.gid);
  if (struct passwd* pw = ::getpwuid(spec.uid)) {
    int count = 64;
    std::vector<gid_t> groups(static_cast<size_t>(count));
    if (::getgrouplist(pw->pw_name, spec.gid, groups.data(), &count) < 0) {
      groups.resize(static_cast<size_t>(count));
      ::getgrouplist(pw->pw_name, spec.gid, groups.data(), &count);
    }
    groups.resize(static_cast<size_t>(count));
    spec.groups = groups;
  }
  return spec;
}

int switch_user(const UserSpec& user, bool keep_caps, const char** step) {
  *step = "setgroups";
  if (::setgroups(user.groups.size(), user.groups.data()) != 0) return errno;
  *step = "setgid";
  if (::setgid(user.gid) != 0) return errno;
  if (keep_caps) {
    *step = "prctl(PR_SET_KEEPCAPS)";
    if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) return errno;
  }
  *step = "setuid";
  if (::setuid(user.uid) != 0) return errno;
  return 0;
}

}  // namespace sc::launch
