#include "audit/sources/audit_netlink.h"

#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

namespace sc::audit {
namespace {

// NLMSG_OK, with the comparison of the header's unsigned length and the signed remainder
// written out (the macro's mixed-sign compare is a -Wsign-compare warning under clang).
bool message_fits(const nlmsghdr* h, int len) {
  return len >= static_cast<int>(sizeof(nlmsghdr)) && h->nlmsg_len >= sizeof(nlmsghdr) &&
         static_cast<int64_t>(h->nlmsg_len) <= len;
}


std::system_error os_error(int err, const std::string& what) {
  return std::system_error(err, std::generic_category(), what);
}

}  // namespace

AuditNetlink::AuditNetlink() {
  fd_ = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_AUDIT);
  if (fd_ < 0) throw os_error(errno, "audit netlink: socket(AF_NETLINK, NETLINK_AUDIT)");
  // A large receive buffer absorbs bursts; the group drops records for slow readers.
  // SO_RCVBUFFORCE (root) goes past rmem_max; fall back to the ordinary limit.
  int size = 8 << 20;
  if (::setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
    (void)::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  sockaddr_nl addr{};
  addr.nl_family = AF_NETLINK;
  addr.nl_pid = 0;  // the kernel assigns the port id
  addr.nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int err = errno;
    ::close(fd_);
    fd_ = -1;
    throw os_error(err, "audit netlink: bind to multicast group AUDIT_NLGRP_READLOG "
                        "(needs CAP_AUDIT_READ)");
  }
}

AuditNetlink::~AuditNetlink() {
  if (fd_ >= 0) ::close(fd_);
}

int AuditNetlink::poll(int timeout_ms, const std::function<void(int type, std::string_view text)>& on_message,
                       int max_messages, std::chrono::steady_clock::duration max_time) {
  pollfd pfd{fd_, POLLIN, 0};
  int ready = ::poll(&pfd, 1, timeout_ms);
  if (ready < 0) {
    if (errno == EINTR) return 0;
    throw os_error(errno, "audit netlink: poll");
  }
  if (ready == 0) return 0;
  // One audit record per datagram (at most 8970 bytes of text plus the header).
  std::vector<char> buffer(16384);  // MAX_AUDIT_MESSAGE_LENGTH is 8970
  int handled = 0;
  const auto until = std::chrono::steady_clock::now() + max_time;
  // The clock is read once per datagram (vDSO, tens of ns): small beside parsing a record.
  while (handled < max_messages && (handled == 0 || std::chrono::steady_clock::now() < until)) {
    ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == ENOBUFS) {  // the kernel dropped records for us; the socket stays usable
        ++lost_;
        continue;
      }
      throw os_error(errno, "audit netlink: recv");
    }
    if (n == 0) break;
    // Signed on purpose: NLMSG_NEXT subtracts the ALIGNED length, and an audit record's text
    // length is rarely a multiple of 4, so after the last message an unsigned length would
    // wrap around and NLMSG_OK would walk past the buffer.
    int len = static_cast<int>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buffer.data()); message_fits(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_type == NLMSG_NOOP || h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) continue;
      const char* payload = static_cast<const char*>(NLMSG_DATA(h));
      size_t payload_len = h->nlmsg_len >= NLMSG_HDRLEN ? h->nlmsg_len - NLMSG_HDRLEN : 0;
      // The kernel counts the text's NUL in nlmsg_len on some paths; never pass it on.
      while (payload_len > 0 && payload[payload_len - 1] == '\0') --payload_len;
      on_message(h->nlmsg_type, std::string_view(payload, payload_len));
      ++handled;
    }
  }
  return handled;
}

std::optional<uint32_t> audit_kernel_lost() {
  int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
  if (fd < 0) return std::nullopt;
  struct Closer { int fd; ~Closer() { ::close(fd); } } closer{fd};
  timeval tv{0, 500000};
  (void)::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  struct {
    nlmsghdr header;
    char pad[16];
  } request{};
  request.header.nlmsg_len = NLMSG_LENGTH(0);
  request.header.nlmsg_type = AUDIT_GET;
  request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  request.header.nlmsg_seq = 1;
  if (::sendto(fd, &request, request.header.nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel),
               sizeof kernel) < 0)
    return std::nullopt;
  std::vector<char> buffer(8192);
  for (int attempt = 0; attempt < 4; ++attempt) {
    ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (n <= 0) return std::nullopt;
    // Signed on purpose: NLMSG_NEXT subtracts the ALIGNED length, and an audit record's text
    // length is rarely a multiple of 4, so after the last message an unsigned length would
    // wrap around and NLMSG_OK would walk past the buffer.
    int len = static_cast<int>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buffer.data()); message_fits(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_type == NLMSG_ERROR) {
        auto* err = static_cast<nlmsgerr*>(NLMSG_DATA(h));
        if (err->error != 0) return std::nullopt;  // e.g. -EPERM without CAP_AUDIT_CONTROL
        continue;                                  // the ACK; the status follows or preceded
      }
      if (h->nlmsg_type == AUDIT_GET && h->nlmsg_len >= NLMSG_LENGTH(offsetof(audit_status, lost) + sizeof(uint32_t))) {
        audit_status status{};
        std::memcpy(&status, NLMSG_DATA(h), std::min<size_t>(sizeof status, h->nlmsg_len - NLMSG_HDRLEN));
        return status.lost;
      }
    }
  }
  return std::nullopt;
}

}  // namespace sc::audit
