// --user=NAME|UID[:GID]: the user the command runs as (Mesos CommandInfo.user). Names are
// looked up on the host (getpwnam) before anything is started; supplementary groups come
// from the host's group database (getgrouplist). Numeric ids need no lookup.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace sc::launch {

struct UserSpec {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;
};

// Throws LaunchError("Unknown user 'x' (--user)").
UserSpec resolve_user(const std::string& value);

// In the child, after the filter is loaded: setgroups, setgid, then setuid with
// PR_SET_KEEPCAPS when `keep_caps`. Returns 0 or the errno; `step` names what failed.
int switch_user(const UserSpec& user, bool keep_caps, const char** step);

}  // namespace sc::launch
