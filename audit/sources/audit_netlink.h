// The kernel audit stream as a read-only listener: a NETLINK_AUDIT socket bound to the
// multicast group AUDIT_NLGRP_READLOG. Every audit record reaches it, with or without auditd
// (needs CAP_AUDIT_READ). The group is "best effort": when our receive buffer overflows the
// kernel drops records for us and recv() fails with ENOBUFS; we count those overruns, and a
// reader thread keeps the buffer empty so that they do not happen.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

namespace sc::audit {

class AuditNetlink {
 public:
  // Binds NETLINK_AUDIT to AUDIT_NLGRP_READLOG (groups=1) and starts the thread that drains
  // it. Throws std::system_error with context (which step, errno) when the socket cannot be
  // created or bound.
  //
  // Why a thread of its own: the multicast group never waits for a reader. When the socket's
  // receive buffer is full the kernel drops the record for us, and all we learn is one
  // ENOBUFS for an unknown number of records. The daemon's own turn (parsing, the journal's
  // fsync, a state flush) can stall for longer than the buffer lasts under a storm, so a
  // thread that only moves datagrams into memory keeps the socket empty, and when even that
  // queue reaches max_queued_bytes, the records it cannot keep are counted one by one.
  explicit AuditNetlink(size_t max_queued_bytes = kDefaultQueueBytes);
  ~AuditNetlink();
  AuditNetlink(const AuditNetlink&) = delete;
  AuditNetlink& operator=(const AuditNetlink&) = delete;

  // Readable (POLLIN) while records are waiting to be handed out by poll(): an eventfd, not
  // the socket itself.
  int fd() const { return ready_fd_; }

  // Waits up to timeout_ms (0: do not wait, -1: forever) for records, then hands out the
  // records already received without waiting again, at most max_messages of them and for at
  // most max_time: under a storm the queue never empties, and a caller with other work (a
  // daemon's timers) must get it back. The time bound is what holds on a slow host (a
  // sanitizer build beside other work once took 1.4 s for 4,096 records); the count bound
  // keeps one turn's batch small on a fast one. Calls on_message(type, text) for each audit
  // message; returns how many. Throws std::system_error once the socket has failed (an error
  // other than EINTR/EAGAIN/ENOBUFS), after the records received before it were handed out.
  int poll(int timeout_ms, const std::function<void(int type, std::string_view text)>& on_message,
           int max_messages = kDefaultBatch, std::chrono::steady_clock::duration max_time = kDefaultTurn);
  static constexpr int kDefaultBatch = 4096;
  static constexpr std::chrono::milliseconds kDefaultTurn{50};
  // About 45,000 seccomp records (a record is ~300 bytes of text plus the queue's own
  // bookkeeping), three times what the socket's buffer holds, within the daemon's memory goal
  // (peak RSS under 64 MiB, tests/refine/args_loop_test.cpp): most of a second of the fastest
  // storm this machine makes.
  static constexpr size_t kDefaultQueueBytes = size_t{16} << 20;

  // Records known to be lost: receive-buffer overruns (each ENOBUFS is at least one record,
  // the kernel does not say how many) plus dropped().
  uint64_t lost() const { return overruns_.load() + dropped_.load(); }
  // Records received but not kept because the queue held max_queued_bytes: exact.
  uint64_t dropped() const { return dropped_.load(); }
  // Receive-buffer overruns (ENOBUFS) seen so far.
  uint64_t overruns() const { return overruns_.load(); }

 private:
  struct Message {
    int type;
    std::string text;
  };
  static size_t cost(const Message& m) { return m.text.size() + sizeof(Message); }
  void read_loop();
  void signal_ready();
  void clear_ready();

  int fd_ = -1;        // the netlink socket, read by the thread only
  int ready_fd_ = -1;  // eventfd: records are waiting
  int stop_fd_ = -1;   // eventfd: the destructor asks the thread to end
  size_t max_queued_bytes_;
  std::atomic<uint64_t> overruns_{0}, dropped_{0};

  std::mutex mu_;  // guards incoming_, queued_bytes_ and failure_
  std::vector<Message> incoming_;
  size_t queued_bytes_ = 0;  // of incoming_ and of what poll() has not handed out yet
  std::optional<std::system_error> failure_;

  // The caller's side (poll() is called from one thread): taken from incoming_ in one swap.
  std::vector<Message> ready_;
  size_t ready_next_ = 0;

  std::thread reader_;
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
