#include "audit/sources/audit_netlink.h"

#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <utility>
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

AuditNetlink::AuditNetlink(size_t max_queued_bytes) : max_queued_bytes_(max_queued_bytes) {
  fd_ = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_AUDIT);
  if (fd_ < 0) throw os_error(errno, "audit netlink: socket(AF_NETLINK, NETLINK_AUDIT)");
  // A large receive buffer absorbs what arrives while the reader thread is off the CPU.
  // SO_RCVBUFFORCE (root) goes past rmem_max; fall back to the ordinary limit.
  int size = 8 << 20;
  if (::setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
    (void)::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  sockaddr_nl addr{};
  addr.nl_family = AF_NETLINK;
  addr.nl_pid = 0;  // the kernel assigns the port id
  addr.nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1);
  auto fail = [this](int err, const std::string& what) {
    for (int* fd : {&fd_, &ready_fd_, &stop_fd_})
      if (*fd >= 0) ::close(std::exchange(*fd, -1));
    throw os_error(err, what);
  };
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    fail(errno, "audit netlink: bind to multicast group AUDIT_NLGRP_READLOG (needs CAP_AUDIT_READ)");
  ready_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (ready_fd_ < 0) fail(errno, "audit netlink: eventfd");
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) fail(errno, "audit netlink: eventfd");
  // The process's signals (the daemon's SIGTERM) are for its other threads, whose poll() they
  // are meant to interrupt: the reader starts with all of them blocked (a thread inherits the
  // mask of its creator, so it is set around the creation, not in the thread).
  sigset_t all, before;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &before);
  try {
    reader_ = std::thread([this] { read_loop(); });
  } catch (const std::system_error& e) {
    pthread_sigmask(SIG_SETMASK, &before, nullptr);
    fail(e.code().value(), "audit netlink: reader thread");
  }
  pthread_sigmask(SIG_SETMASK, &before, nullptr);
}

AuditNetlink::~AuditNetlink() {
  if (reader_.joinable()) {
    uint64_t one = 1;
    (void)!::write(stop_fd_, &one, sizeof one);
    reader_.join();
  }
  for (int fd : {fd_, ready_fd_, stop_fd_})
    if (fd >= 0) ::close(fd);
}

void AuditNetlink::signal_ready() {
  uint64_t one = 1;
  (void)!::write(ready_fd_, &one, sizeof one);  // EAGAIN only at 2^64-1: already readable
}

void AuditNetlink::clear_ready() {
  uint64_t value = 0;
  (void)!::read(ready_fd_, &value, sizeof value);  // EAGAIN: was not set
}

// The thread: datagrams from the socket into incoming_, as fast as they come. It does
// nothing else, so that it keeps up with the kernel where the caller (who parses, journals
// and flushes) would not.
void AuditNetlink::read_loop() {
  // One audit record per datagram (at most 8970 bytes of text plus the header).
  std::vector<char> buffer(16384);  // MAX_AUDIT_MESSAGE_LENGTH is 8970
  std::vector<Message> received;
  for (;;) {
    pollfd pfd[2] = {{fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (::poll(pfd, 2, -1) < 0) {
      if (errno == EINTR) continue;
      std::lock_guard lock(mu_);
      failure_ = os_error(errno, "audit netlink: poll");
      signal_ready();
      return;
    }
    if (pfd[1].revents) return;
    std::optional<std::system_error> failed;
    // At most 256 datagrams between two hand-overs: the caller sees records while a storm lasts.
    for (int n_read = 0; n_read < 256; ++n_read) {
      ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        if (errno == ENOBUFS) {  // the kernel dropped records for us; the socket stays usable
          ++overruns_;
          continue;
        }
        failed = os_error(errno, "audit netlink: recv");
        break;
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
        received.push_back({h->nlmsg_type, std::string(payload, payload_len)});
      }
    }
    {
      std::lock_guard lock(mu_);
      bool was_empty = incoming_.empty();
      for (auto& m : received) {
        size_t c = cost(m);
        if (queued_bytes_ + c > max_queued_bytes_) {  // full: this one is lost, and counted
          ++dropped_;
          continue;
        }
        queued_bytes_ += c;
        incoming_.push_back(std::move(m));
      }
      received.clear();
      if (failed) failure_ = std::move(failed);
      if ((was_empty && !incoming_.empty()) || failure_) signal_ready();
      if (failure_) return;
    }
  }
}

int AuditNetlink::poll(int timeout_ms, const std::function<void(int type, std::string_view text)>& on_message,
                       int max_messages, std::chrono::steady_clock::duration max_time) {
  if (ready_next_ == ready_.size()) {
    {
      std::lock_guard lock(mu_);
      if (incoming_.empty() && failure_) throw *failure_;  // on every call from then on
    }
    pollfd pfd{ready_fd_, POLLIN, 0};
    int ready = ::poll(&pfd, 1, timeout_ms);
    if (ready < 0) {
      if (errno == EINTR) return 0;
      throw os_error(errno, "audit netlink: poll");
    }
    if (ready == 0) return 0;
    // Cleared before the swap: a record queued after it sets the eventfd again.
    clear_ready();
    ready_.clear();
    ready_next_ = 0;
    std::lock_guard lock(mu_);
    ready_.swap(incoming_);
    if (ready_.empty() && failure_) throw *failure_;
  }
  int handled = 0;
  size_t released = 0;
  // Also when on_message throws: what was handed out leaves the queue's bytes, and with
  // records left for the next call fd() stays readable (or a caller's poll() would wait).
  struct Release {
    AuditNetlink& self;
    size_t& bytes;
    ~Release() {
      {
        std::lock_guard lock(self.mu_);
        self.queued_bytes_ -= bytes;
      }
      if (self.ready_next_ < self.ready_.size()) self.signal_ready();
    }
  } release{*this, released};
  const auto until = std::chrono::steady_clock::now() + max_time;
  // The clock is read once per record (vDSO, tens of ns): small beside parsing one.
  while (ready_next_ < ready_.size() && handled < max_messages &&
         (handled == 0 || std::chrono::steady_clock::now() < until)) {
    Message& m = ready_[ready_next_++];
    released += cost(m);
    ++handled;
    on_message(m.type, m.text);
    std::string().swap(m.text);  // its memory back now, not at the next swap
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
