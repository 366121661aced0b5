#include "isolator/launch/container_cgroup.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "host/cgroup2.h"
#include "isolator/launch/launch_error.h"

namespace sc::launch {
namespace {

bool write_text(const std::string& path, const std::string& text, int* error) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = errno;
    return false;
  }
  ssize_t n = ::write(fd, text.data(), text.size());
  *error = n < 0 ? errno : 0;
  ::close(fd);
  return n == static_cast<ssize_t>(text.size());
}

std::vector<pid_t> procs(const std::string& directory) {
  std::vector<pid_t> out;
  std::ifstream in(directory + "/cgroup.procs");
  pid_t pid;
  while (in >> pid) out.push_back(pid);
  return out;
}

void sleep_ms(long ms) {
  struct timespec ts {0, ms * 1000000L};
  ::nanosleep(&ts, nullptr);
}

// Killed leftovers were reparented to us (a child subreaper): reap them, so that none
// outlives launch even as a zombie. Bounded, in case one escaped the group.
void reap_orphans() {
  for (int attempt = 0; attempt < 200; ++attempt) {
    pid_t pid = ::waitpid(-1, nullptr, WNOHANG | __WALL);
    if (pid < 0) return;  // ECHILD: none left
    if (pid == 0) sleep_ms(5);
  }
}

}  // namespace

ContainerCgroup::ContainerCgroup(const std::string& mount, const std::string& container_id) {
  std::string parent = mount + "/" + kCgroupParent;
  if (::mkdir(parent.c_str(), 0755) != 0 && errno != EEXIST)
    throw LaunchError("Failed to create cgroup '" + parent + "': " + std::strerror(errno));
  relative_ = std::string("/") + kCgroupParent + "/" + container_id;
  directory_ = mount + relative_;
  // A group left behind empty (its launch was SIGKILLed) is stale: remove and reuse it.
  int made = ::mkdir(directory_.c_str(), 0755);
  if (made != 0 && errno == EEXIST && procs(directory_).empty() && ::rmdir(directory_.c_str()) == 0)
    made = ::mkdir(directory_.c_str(), 0755);
  if (made != 0) {
    int e = errno;
    if (e == EEXIST)
      throw LaunchError("Failed to create cgroup '" + directory_ + "': it exists (is container id '" +
                        container_id + "' already running?)");
    throw LaunchError("Failed to create cgroup '" + directory_ + "': " + std::strerror(e));
  }
  try {
    id_ = host::cgroup_id(directory_);
  } catch (const std::exception& e) {
    ::rmdir(directory_.c_str());
    throw LaunchError(std::string("Failed to stat cgroup: ") + e.what());
  }
}

ContainerCgroup::~ContainerCgroup() {
  if (!removed_) remove();
}

pid_t ContainerCgroup::fork_into(bool* placed) const {
  *placed = false;
  int fd = ::open(directory_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    struct clone_args args {};
    args.flags = CLONE_INTO_CGROUP;
    args.exit_signal = SIGCHLD;
    args.cgroup = static_cast<uint64_t>(fd);
    // The raw system call: the child only makes async-signal-safe calls until it execs,
    // as after fork().
    long pid = ::syscall(SYS_clone3, &args, sizeof args);
    int error = errno;
    if (pid == 0) return 0;  // the child; its copy of fd is closed on exec
    ::close(fd);
    if (pid > 0) {
      *placed = true;
      return static_cast<pid_t>(pid);
    }
    // Older kernels (no clone3, or no CLONE_INTO_CGROUP): fork and move. Anything else is
    // a real failure (e.g. the group cannot take the process): report it, never run outside.
    if (error != ENOSYS && error != EINVAL && error != E2BIG && error != EPERM) {
      errno = error;
      return -1;
    }
  }
  return ::fork();
}

void ContainerCgroup::add(pid_t pid) const {
  int error = 0;
  if (!write_text(directory_ + "/cgroup.procs", std::to_string(pid), &error))
    throw LaunchError("Failed to move pid " + std::to_string(pid) + " into cgroup '" + directory_ +
                      "': " + std::strerror(error));
}

std::string ContainerCgroup::remove() {
  if (removed_) return "";
  removed_ = true;
  int error = 0;
  // cgroup.kill (5.14+) kills the whole group atomically, racing forks included.
  bool killed = write_text(directory_ + "/cgroup.kill", "1", &error);
  for (int attempt = 0; attempt < 200; ++attempt) {  // up to ~2 s
    auto left = procs(directory_);
    if (left.empty() && (::rmdir(directory_.c_str()) == 0 || errno == ENOENT)) {
      reap_orphans();
      return "";
    }
    if (!killed)
      for (pid_t pid : left) ::kill(pid, SIGKILL);
    // Leftovers reparented to us (we are a child subreaper) must be reaped to go away.
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    sleep_ms(10);
  }
  return "Failed to remove cgroup '" + directory_ + "': " + std::strerror(errno);
}

}  // namespace sc::launch
