// Real container engines for the end-to-end tests, each private to one test and torn down
// even when it fails: a dockerd (Debian's docker.io 20.10) on its own socket, data, exec
// root and pidfile, without networking; and podman (4.3) with its own root, runroot and
// hooks dir. Both use runc (crun refuses this hybrid cgroup host) and the cgroupfs driver
// (no systemd here). Images are imported from a busybox-static rootfs: no registry.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "tests/refine/process.h"

namespace sc::runtime_tests {

using refine::testing::ProcessResult;

// <dir>/rootfs: busybox-static and its applet links, enough for `sh -c`.
std::string make_busybox_rootfs(const std::string& dir);

class Dockerd {
 public:
  // `daemon_json`: the config file's text (runtimes). Throws when dockerd does not come up
  // within 30 s (with its log).
  Dockerd(const std::string& dir, const std::string& daemon_json);
  ~Dockerd();  // SIGTERM (then SIGKILL), unmounts what it left, removes its dirs
  Dockerd(const Dockerd&) = delete;
  Dockerd& operator=(const Dockerd&) = delete;

  // /usr/bin/docker -H unix://<sock> ARGS (the Debian client, which speaks 20.10's API).
  ProcessResult docker(const std::vector<std::string>& args, int timeout_seconds = 60) const;
  std::string log() const;

 private:
  std::string dir_, sock_;
  pid_t pid_ = -1;
};

class Podman {
 public:
  explicit Podman(const std::string& dir);
  ~Podman();  // removes every container, unmounts, removes its dirs
  Podman(const Podman&) = delete;
  Podman& operator=(const Podman&) = delete;

  // podman with the private storage, cgroupfs, runc and `hooks_dir` (one per call: the
  // tests switch between a working and a broken registration).
  ProcessResult podman(const std::vector<std::string>& args, const std::string& hooks_dir = "",
                       int timeout_seconds = 60) const;

 private:
  std::string dir_;
};

// The cgroup parent of every container of the engines these tests start, in every hierarchy
// (cgroup v1 controllers and cgroup2; podman's one level below, as it refuses a ".slice"
// parent with cgroupfs): a ".slice" name, so that no cgroup rule takes it for a container (the engines' defaults, /docker and /libpod_parent, are top-level groups the
// runc-default rule would attribute, to the confusion of other tests running alongside).
std::string test_cgroup_parent();
// Removes the groups under it in every hierarchy, deepest first (empty ones only).
void remove_test_cgroups();

// The image both engines import: "sc-busybox:1".
inline constexpr const char* kImage = "sc-busybox:1";

}  // namespace sc::runtime_tests
