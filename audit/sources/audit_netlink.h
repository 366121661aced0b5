// The kernel audit stream as a read-only listener: a NETLINK_AUDIT socket bound to the
// multicast group AUDIT_NLGRP_READLOG. Every audit record reaches it, with or without auditd
// (needs CAP_AUDIT_READ). The group is "best effort": when our receive buffer overflows the
// kernel drops records for us and recv() fails with ENOBUFS; we count those overruns.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

namespace sc::audit {

class AuditNetlink {
 public:
  // Binds NETLINK_AUDIT to AUDIT_NLGRP_READLOG (groups=1). Throws std::system_error with
  // context (which step, errno) when the socket cannot be created or bound.
  AuditNetlink();
  ~AuditNetlink();
  AuditNetlink(const AuditNetlink&) = delete;
  AuditNetlink& operator=(const AuditNetlink&) = delete;

  int fd() const { return fd_; }

  // Waits up to timeout_ms (0: do not wait, -1: forever) for records, then reads the records
  // already queued without waiting again, at most max_messages of them and for at most
  // max_time: under a storm the queue never empties, and a caller with other work (a daemon's
  // timers) must get it back. The time bound is what holds on a slow host (a sanitizer build
  // beside other work once took 1.4 s for 4,096 records); the count bound keeps one turn's
  // batch small on a fast one. Calls on_message(type, text) for each audit message read;
  // returns how many. Throws std::system_error on a socket failure other than
  // EINTR/EAGAIN/ENOBUFS.
  int poll(int timeout_ms, const std::function<void(int type, std::string_view text)>& on_message,
           int max_messages = kDefaultBatch, std::chrono::steady_clock::duration max_time = kDefaultTurn);
  static constexpr int kDefaultBatch = 4096;
  static constexpr std::chrono::milliseconds kDefaultTurn{50};

  // Receive-buffer overruns (ENOBUFS) seen so far: each means at least one record was lost.
  uint64_t lost() const { return lost_; }

 private:
  int fd_ = -1;
  uint64_t lost_ = 0;
};

// The kernel's own count of audit records it dropped (struct audit_status.lost, via an
// AUDIT_GET request on a unicast NETLINK_AUDIT socket). nullopt when it cannot be read
// (no CAP_AUDIT_CONTROL, audit not compiled in, ...).
// It can block for up to the kernel's backlog_wait_time (60 s by default): when the audit
// queue is over its backlog limit, the kernel penalizes the sender of any audit request with
// an uninterruptible sleep (kernel/audit.c, audit_receive). Never call it from a loop that
// must keep going under a storm; KernelLostReader calls it from its own thread.
std::optional<uint32_t> audit_kernel_lost();

}  // namespace sc::audit
