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

  // fork(), with the child born inside the group (clone3 with CLONE_INTO_CGROUP, Linux 5.7+):
  // moving a running process between groups waits for an RCU grace period, milliseconds
  // on a busy machine. *placed is false when the kernel cannot, and the caller must add()
  // the child (still before it runs anything of its own). Returns like fork(), -1 with errno.
  pid_t fork_into(bool* placed) const;
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
