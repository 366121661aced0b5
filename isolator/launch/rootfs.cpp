#include "isolator/launch/rootfs.h"

#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace sc::launch {

int enter_rootfs(const char* rootfs, const char** step) {
  *step = "unshare(CLONE_NEWNS)";
  if (::unshare(CLONE_NEWNS) != 0) return errno;
  // Nothing we mount may propagate back to the host.
  *step = "mount(/, MS_REC|MS_PRIVATE)";
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return errno;
  // pivot_root needs the new root to be a mount point.
  *step = "bind-mount the rootfs";
  if (::mount(rootfs, rootfs, nullptr, MS_BIND | MS_REC, nullptr) != 0) return errno;
  *step = "chdir(rootfs)";
  if (::chdir(rootfs) != 0) return errno;
  // pivot_root(".", "."): the old root ends up stacked on "/", detached just after; no
  // put_old directory is needed inside the rootfs.
  *step = "pivot_root";
  if (::syscall(SYS_pivot_root, ".", ".") != 0) {
    int e = errno;
    // Under a filter that denies pivot_root, say so: this is the nested-launch case.
    if (e == EPERM || e == EACCES || e == ENOSYS) *step = "pivot_root (does the inherited seccomp profile allow pivot_root?)";
    return e;
  }
  *step = "umount2(old root, MNT_DETACH)";
  if (::umount2(".", MNT_DETACH) != 0) return errno;
  *step = "chdir(/)";
  if (::chdir("/") != 0) return errno;
  *step = "mkdir(/proc)";
  if (::mkdir("/proc", 0555) != 0 && errno != EEXIST) return errno;
  *step = "mount(/proc)";
  if (::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) return errno;
  return 0;
}

}  // namespace sc::launch
