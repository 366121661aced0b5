// The container's own cgroup2 group, <cgroup2 mount>/seccomp-companion/<id>: created before
// the filter is loaded, the child moved in before it proceeds, and on destruction every
// process left in it killed and the group removed. Its id (directory inode) is what the
// tracer sees from bpf_get_current_cgroup_id().
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace sc::launch {

inline constexpr const char* kCgroupParent = "seccomp-companion";

class ContainerCgroup {
 public:
  // Throws LaunchError (e.g. the group exists: the container id is in use).
  ContainerCgroup(const std::string& mount, const std::string& container_id);
  ~ContainerCgroup();  // remove() unless already done; never throws
  ContainerCgroup(const ContainerCgroup&) = delete;
  ContainerCgroup& operator=(const ContainerCgroup&) = delete;

  const std::string& directory() const { return directory_; }  // absolute
  const std::string& relative_path() const { return relative_; }  // "/seccomp-companion/<id>"
  uint64_t id() const { return id_; }

  // Writes pid to cgroup.procs. Throws LaunchError.
  void add(pid_t pid) const;
  // Kills every process still in the group (cgroup.kill, else SIGKILL each pid of
  // cgroup.procs), waits until it is empty, removes it. Returns "" or what went wrong.
  std::string remove();

 private:
  std::string directory_, relative_;
  uint64_t id_ = 0;
  bool removed_ = false;
};

}  // namespace sc::launch
