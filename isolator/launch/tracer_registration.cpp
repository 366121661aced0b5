#include "isolator/launch/tracer_registration.h"

#include <linux/bpf.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "bpf/tracer_events.h"

namespace sc::launch {
namespace {

long sys_bpf(int cmd, bpf_attr* attr) { return ::syscall(SYS_bpf, cmd, attr, sizeof *attr); }

// BPF_OBJ_GET: a file descriptor for a pinned object, or -1 with errno.
int pinned(const std::string& path) {
  bpf_attr attr{};
  attr.pathname = reinterpret_cast<uint64_t>(path.c_str());
  return static_cast<int>(sys_bpf(BPF_OBJ_GET, &attr));
}

bool link_pinned(const std::string& path, std::string* why) {
  int fd = pinned(path);
  if (fd < 0) {
    *why = path + ": " + std::strerror(errno);
    return false;
  }
  ::close(fd);
  return true;
}

}  // namespace

bool syscall_hooks_attached(const std::string& pin_dir, std::string* why) {
  // The names bpf/tracer.cpp pins them under ("link_" + program name).
  return link_pinned(pin_dir + "/link_sc_sys_enter", why) && link_pinned(pin_dir + "/link_sc_sys_exit", why);
}

std::optional<TracerRegistration> TracerRegistration::add(const std::string& pin_dir, uint64_t cgroup_id,
                                                          std::string* why) {
  const std::string path = pin_dir + "/sc_watched";
  int fd = pinned(path);
  if (fd < 0) {
    *why = path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  sc_watch_val value{};
  value.flags = SC_WATCH | SC_WATCH_EXACT;
  // Per-thread pairing state of an older generation is not trusted; never 0 (fresh storage).
  if (::getrandom(&value.gen, sizeof value.gen, 0) != sizeof value.gen) value.gen = static_cast<uint32_t>(::getpid());
  value.gen |= 1u;
  bpf_attr attr{};
  attr.map_fd = static_cast<uint32_t>(fd);
  attr.key = reinterpret_cast<uint64_t>(&cgroup_id);
  attr.value = reinterpret_cast<uint64_t>(&value);
  attr.flags = BPF_ANY;
  if (sys_bpf(BPF_MAP_UPDATE_ELEM, &attr) != 0) {
    *why = "update " + path + ": " + std::strerror(errno);
    ::close(fd);
    return std::nullopt;
  }
  return TracerRegistration(fd, cgroup_id);
}

TracerRegistration::TracerRegistration(TracerRegistration&& other) noexcept
    : map_fd_(other.map_fd_), cgroup_id_(other.cgroup_id_) {
  other.map_fd_ = -1;
}

TracerRegistration& TracerRegistration::operator=(TracerRegistration&& other) noexcept {
  if (this != &other) {
    remove();
    map_fd_ = other.map_fd_;
    cgroup_id_ = other.cgroup_id_;
    other.map_fd_ = -1;
  }
  return *this;
}

TracerRegistration::~TracerRegistration() { remove(); }

void TracerRegistration::remove() noexcept {
  if (map_fd_ < 0) return;
  bpf_attr attr{};
  attr.map_fd = static_cast<uint32_t>(map_fd_);
  attr.key = reinterpret_cast<uint64_t>(&cgroup_id_);
  (void)sys_bpf(BPF_MAP_DELETE_ELEM, &attr);  // gone already (the daemon unwatched it): fine
  ::close(map_fd_);
  map_fd_ = -1;
}

}  // namespace sc::launch
