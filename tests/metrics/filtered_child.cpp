#include "tests/metrics/filtered_child.h"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace sc::metrics::testing {
namespace {

std::runtime_error error(const std::string& what, int rc) {
  return std::runtime_error(what + ": " + strerror(rc < 0 ? -rc : rc));
}

// The filter as raw BPF instructions, exported by libseccomp.
std::vector<sock_filter> build_filter(const std::vector<FilterRule>& rules) {
  std::unique_ptr<void, void (*)(scmp_filter_ctx)> ctx(seccomp_init(SCMP_ACT_ALLOW), seccomp_release);
  if (!ctx) throw std::runtime_error("seccomp_init failed");
  for (const auto& r : rules)
    if (int rc = seccomp_rule_add(ctx.get(), r.action, syscall_number(r.syscall), 0); rc < 0)
      throw error("seccomp_rule_add " + r.syscall, rc);
  int fd = memfd_create("sc-filter", MFD_CLOEXEC);
  if (fd < 0) throw error("memfd_create", errno);
  if (int rc = seccomp_export_bpf(ctx.get(), fd); rc < 0) {
    close(fd);
    throw error("seccomp_export_bpf", rc);
  }
  off_t size = lseek(fd, 0, SEEK_END);
  std::vector<sock_filter> prog(static_cast<size_t>(size) / sizeof(sock_filter));
  ssize_t n = pread(fd, prog.data(), static_cast<size_t>(size), 0);
  close(fd);
  if (n != size) throw std::runtime_error("short read of exported filter");
  return prog;
}

}  // namespace

int syscall_number(const std::string& name) {
  int nr = seccomp_syscall_resolve_name(name.c_str());
  if (nr == __NR_SCMP_ERROR) throw std::runtime_error("unknown syscall " + name);
  return nr;
}

std::string syscall_name(uint32_t audit_arch, int nr) {
  char* name = seccomp_syscall_resolve_num_arch(audit_arch, nr);
  if (!name) return "#" + std::to_string(nr);
  std::string out = name;
  free(name);
  return out;
}

FilteredChild::FilteredChild(const std::vector<FilterRule>& rules, const std::function<int()>& body) {
  std::vector<sock_filter> prog = build_filter(rules);
  sock_fprog fprog{static_cast<unsigned short>(prog.size()), prog.data()};
  pid_ = fork();
  if (pid_ < 0) throw error("fork", errno);
  if (pid_ == 0) {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(120);
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_LOG, &fprog) != 0) _exit(121);
    _exit(body());
  }
}

int FilteredChild::wait() {
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0) {
    if (errno != EINTR) throw error("waitpid", errno);
  }
  pid_ = -1;
  return status;
}

FilteredChild::~FilteredChild() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

}  // namespace sc::metrics::testing
