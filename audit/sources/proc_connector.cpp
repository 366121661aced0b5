#include "audit/sources/proc_connector.h"

#include <fcntl.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <system_error>
#include <vector>

namespace sc::audit {
namespace proc_connector_detail {

int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

// The cgroup2 line ("0::/path") of /proc/<pid>/cgroup, with plain read(2): this runs for every
// fork and exec on the host.
std::optional<std::string> cgroup2_of(int32_t pid) {
  if (pid <= 0) return std::nullopt;
  char path[48];
  std::snprintf(path, sizeof path, "/proc/%d/cgroup", static_cast<int>(pid));
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  char buffer[4096];
  size_t used = 0;
  ssize_t n;
  while (used < sizeof buffer && (n = ::read(fd, buffer + used, sizeof buffer - used)) > 0) used += static_cast<size_t>(n);
  ::close(fd);
  std::string_view text(buffer, used);
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(at, end - at);
    if (line.substr(0, 3) == "0::" && line.size() > 3) return std::string(line.substr(3));
    at = end + 1;
  }
  return std::nullopt;  // gone (an empty read), or no cgroup2 hierarchy
}

}  // namespace proc_connector_detail

ProcConnector::ProcConnector(ProcConnectorOptions options) : options_(options) {
  fd_ = ::socket(PF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_CONNECTOR);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "process connector: socket(NETLINK_CONNECTOR)");
  int size = options_.receive_buffer_bytes;
  if (::setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
    (void)::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  sockaddr_nl addr{};
  addr.nl_family = AF_NETLINK;
  addr.nl_groups = CN_IDX_PROC;
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int e = errno;
    ::close(fd_);
    throw std::system_error(e, std::generic_category(), "process connector: bind(CN_IDX_PROC)");
  }
  // nlmsghdr + cn_msg + the operation, as one buffer (cn_msg ends in a flexible array).
  alignas(nlmsghdr) char message[NLMSG_SPACE(sizeof(cn_msg) + sizeof(uint32_t))] = {};
  auto* nh = reinterpret_cast<nlmsghdr*>(message);
  nh->nlmsg_len = NLMSG_LENGTH(sizeof(cn_msg) + sizeof(uint32_t));
  nh->nlmsg_type = NLMSG_DONE;
  nh->nlmsg_pid = 0;
  auto* cn = reinterpret_cast<cn_msg*>(NLMSG_DATA(nh));
  cn->id.idx = CN_IDX_PROC;
  cn->id.val = CN_VAL_PROC;
  cn->len = sizeof(uint32_t);
  uint32_t op = PROC_CN_MCAST_LISTEN;
  std::memcpy(cn->data, &op, sizeof op);
  if (::send(fd_, message, nh->nlmsg_len, 0) < 0) {
    int e = errno;
    ::close(fd_);
    throw std::system_error(e, std::generic_category(), "process connector: PROC_CN_MCAST_LISTEN");
  }
}

ProcConnector::~ProcConnector() {
  if (fd_ >= 0) ::close(fd_);
}

size_t ProcConnector::poll(size_t max_datagrams) {
  if (fd_ < 0) return 0;
  using proc_connector_detail::cgroup2_of;
  alignas(nlmsghdr) char buffer[16384];
  size_t handled = 0;
  for (size_t datagrams = 0; datagrams < max_datagrams; ++datagrams) {
    sockaddr_nl from{};
    socklen_t from_len = sizeof from;
    ssize_t n = ::recvfrom(fd_, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == ENOBUFS) {  // the kernel dropped events for us; go on with the next ones
        ++overruns_;
        continue;
      }
      break;  // EAGAIN: drained
    }
    if (from.nl_pid != 0) continue;  // only the kernel speaks on this group
    int64_t now = proc_connector_detail::monotonic_ns();
    int len = static_cast<int>(n);
    for (auto* nh = reinterpret_cast<nlmsghdr*>(buffer); NLMSG_OK(nh, static_cast<unsigned>(len)); nh = NLMSG_NEXT(nh, len)) {
      if (nh->nlmsg_type == NLMSG_ERROR || nh->nlmsg_type == NLMSG_NOOP) continue;
      if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(cn_msg))) continue;
      auto* cn = reinterpret_cast<const cn_msg*>(NLMSG_DATA(nh));
      if (cn->id.idx != CN_IDX_PROC || cn->id.val != CN_VAL_PROC) continue;
      if (cn->len < offsetof(proc_event, event_data) ||
          nh->nlmsg_len < NLMSG_LENGTH(sizeof(cn_msg) + cn->len))
        continue;
      proc_event ev{};
      std::memcpy(&ev, cn->data, std::min<size_t>(cn->len, sizeof ev));
      // The values of enum proc_cn_event (nested in struct proc_event in older headers).
      constexpr uint32_t kFork = 0x00000001, kExec = 0x00000002, kExit = 0x80000000;
      switch (static_cast<uint32_t>(ev.what)) {
        case kFork: {
          const auto& f = ev.event_data.fork;
          if (f.child_pid != f.child_tgid) break;  // a new thread: same process
          int32_t child = static_cast<int32_t>(f.child_tgid), parent = static_cast<int32_t>(f.parent_tgid);
          auto child_path = cgroup2_of(child);
          std::optional<std::string> parent_path;
          if (!child_path && !table_.count(parent)) parent_path = cgroup2_of(parent);
          on_fork(parent, child, std::move(child_path), std::move(parent_path), now);
          ++handled;
          break;
        }
        case kExec: {
          int32_t tgid = static_cast<int32_t>(ev.event_data.exec.process_tgid);
          on_exec(tgid, cgroup2_of(tgid), now);
          ++handled;
          break;
        }
        case kExit: {
          const auto& x = ev.event_data.exit;
          if (x.process_pid != x.process_tgid) break;  // a thread
          int32_t tgid = static_cast<int32_t>(x.process_tgid);
          // A zombie still shows its cgroup: catches a process moved after its fork/exec.
          on_exit(tgid, cgroup2_of(tgid), now);
          ++handled;
          break;
        }
        default:
          break;
      }
    }
  }
  events_ += handled;
  return handled;
}

void ProcConnector::on_fork(int32_t parent_tgid, int32_t child_tgid, std::optional<std::string> child_path,
                            std::optional<std::string> parent_path, int64_t now_ns) {
  if (!child_path) {
    if (auto it = table_.find(parent_tgid); it != table_.end()) child_path = it->second.path;
    else child_path = std::move(parent_path);
  }
  if (child_path) remember(child_tgid, std::move(*child_path));
  expire(now_ns);
}

void ProcConnector::on_exec(int32_t tgid, std::optional<std::string> path, int64_t now_ns) {
  if (path) remember(tgid, std::move(*path));
  expire(now_ns);
}

void ProcConnector::on_exit(int32_t tgid, std::optional<std::string> path, int64_t now_ns) {
  if (path) remember(tgid, std::move(*path));
  auto it = table_.find(tgid);
  if (it != table_.end() && it->second.exited_ns == 0) {
    it->second.exited_ns = now_ns;
    exits_.emplace_back(tgid, now_ns);
  }
  expire(now_ns);
}

std::optional<std::string> ProcConnector::cgroup_of(int32_t tgid) const {
  auto it = table_.find(tgid);
  if (it == table_.end()) return std::nullopt;
  return it->second.path;
}

void ProcConnector::remember(int32_t tgid, std::string path) {
  auto it = table_.find(tgid);
  if (it != table_.end()) {
    it->second.path = std::move(path);
    it->second.exited_ns = 0;  // a pid reused, or the same process again: running
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return;
  }
  lru_.push_front(tgid);
  table_.emplace(tgid, Entry{std::move(path), 0, lru_.begin()});
  while (table_.size() > options_.capacity && !lru_.empty()) {
    table_.erase(lru_.back());
    lru_.pop_back();
  }
}

void ProcConnector::expire(int64_t now_ns) {
  while (!exits_.empty() && now_ns - exits_.front().second > options_.keep_exited_ns) {
    auto [tgid, at] = exits_.front();
    exits_.pop_front();
    auto it = table_.find(tgid);
    if (it != table_.end() && it->second.exited_ns == at) {  // not re-forked (pid reuse) since
      lru_.erase(it->second.lru);
      table_.erase(it);
    }
  }
  // Bound the exit queue too (entries evicted by the LRU leave stale items behind).
  while (exits_.size() > options_.capacity) exits_.pop_front();
}

}  // namespace sc::audit
