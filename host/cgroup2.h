// cgroup v2 on this host: where it is mounted (from /proc/self/mountinfo, never assumed),
// the id of a group (the inode of its directory, what bpf_get_current_cgroup_id() returns)
// and the group of a process.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sc::host {

// The cgroup2 mount point ("/sys/fs/cgroup" on pure cgroup2 hosts, "/sys/fs/cgroup/unified"
// on hybrid ones). `mountinfo` is the file to read (tests pass their own).
// Throws std::runtime_error when there is none.
std::string cgroup2_mount(const std::string& mountinfo = "/proc/self/mountinfo");

// Parse mountinfo text; nullopt when no cgroup2 line.
std::optional<std::string> cgroup2_mount_from_mountinfo_text(const std::string& text);

// Inode of a cgroup directory (absolute path). Throws std::system_error.
uint64_t cgroup_id(const std::string& directory);

// Whether the cgroup with this id still exists under `mount`: cgroup ids are kernfs file
// handles, so open_by_handle_at(2) answers exactly (needs CAP_DAC_READ_SEARCH). nullopt when
// it cannot tell (no privilege, an older kernel).
std::optional<bool> cgroup_exists(const std::string& mount, uint64_t id);

// The cgroup2 path of a process relative to the mount ("/seccomp-companion/abc"), from the
// "0::" line of /proc/<pid>/cgroup; nullopt when the process is gone or has no such line.
std::optional<std::string> cgroup2_path_of(pid_t pid);

// Every cgroup under the mount, paths relative to it ("/a", "/a/b"), to `max_depth` levels,
// each with its id. Groups removed while walking are skipped and the walk goes on: on a busy
// host cgroups come and go all the time, and a partial list would make live ones look gone.
struct CgroupDir {
  std::string path;
  uint64_t id = 0;
};
std::vector<CgroupDir> list_cgroups(const std::string& mount, int max_depth);

}  // namespace sc::host
