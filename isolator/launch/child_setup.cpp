#include "isolator/launch/child_setup.h"

#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "isolator/launch/exit_codes.h"
#include "isolator/launch/rootfs.h"

namespace sc::launch {
namespace {

void report(int fd, ChildStage stage, int error, const char* what, const char* detail) {
  ChildReport r;
  r.stage = stage;
  r.error = error;
  if (error)
    std::snprintf(r.message, sizeof r.message, "%s%s%s: %s", what, detail ? " " : "", detail ? detail : "",
                  std::strerror(error));
  else
    std::snprintf(r.message, sizeof r.message, "%s%s%s", what, detail ? ": " : "", detail ? detail : "");
  ssize_t ignored = ::write(fd, &r, sizeof r);
  (void)ignored;
}

[[noreturn]] void fail_setup(int fd, int error, const char* what, const char* detail = nullptr) {
  report(fd, ChildStage::Setup, error, what, detail);
  ::_exit(kExitIsolatorFailure);
}

}  // namespace

void run_child(const ChildSetup& setup, int go_fd, int report_fd, pid_t parent) {
  // If launch itself is killed (SIGKILL cannot be forwarded), the container goes too rather
  // than running on unsupervised. The kernel clears this on a switch to another user.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (::getppid() != parent) ::_exit(kExitIsolatorFailure);  // launch died before we got here
  char go = 0;
  ssize_t n;
  do n = ::read(go_fd, &go, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1) ::_exit(kExitIsolatorFailure);  // the parent gave up: never run the command
  ::close(go_fd);

  const char* step = "";
  int error = 0;
  if (setup.rootfs && (error = enter_rootfs(setup.rootfs, &step)) != 0)
    fail_setup(report_fd, error, "Failed to enter the rootfs:", step);

  const Rlimit* failed = nullptr;
  if ((error = apply_rlimits(setup.rlimits, &failed)) != 0)
    fail_setup(report_fd, error, "Failed to set rlimit", failed->name.c_str());

  if (setup.working_dir && ::chdir(setup.working_dir) != 0)
    fail_setup(report_fd, errno, "Failed to change to the working directory", setup.working_dir);

  if (setup.filter && (error = compiler::install(*setup.filter)) != 0)
    fail_setup(report_fd, error, "Failed to load Seccomp filter");

  bool root_user = !setup.user || setup.user->uid == 0;
  if (setup.user) {
    bool keep_caps = setup.capabilities.effective.has_value();
    if ((error = switch_user(*setup.user, keep_caps, &step)) != 0)
      fail_setup(report_fd, error, "Failed to switch user:", step);
  }
  if ((error = apply_capabilities(setup.capabilities, root_user, &step)) != 0)
    fail_setup(report_fd, error, "Failed to set capabilities:", step);

  // Mesos loads without no_new_privs; a non-root user gets it so that setuid binaries
  // cannot regain what the profile and capabilities were resolved without.
  if (!root_user && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    fail_setup(report_fd, errno, "Failed to set no_new_privs");

  ::sigprocmask(SIG_SETMASK, &setup.signal_mask, nullptr);
  ::execvp(setup.argv[0], setup.argv.data());
  error = errno;
  report(report_fd, ChildStage::Exec, error, "Failed to execute", setup.argv[0]);
  // If the profile denies write(), the report is lost: the code still tells 126 from 127.
  ::_exit(exit_code_for_exec_error(error));
}

}  // namespace sc::launch
