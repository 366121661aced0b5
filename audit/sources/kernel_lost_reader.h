// The kernel's count of dropped audit records, read in a thread of its own.
//
// An AUDIT_GET request blocks its sender for up to backlog_wait_time (60 s by default) while
// the kernel's audit queue is over its backlog limit, which is exactly when records are being
// lost (kernel/audit.c, audit_receive: "penalize the sender"). The daemon's loop must keep
// reading the stream, watching new containers and flushing then, so it never asks itself: it
// asks this reader, and reads the latest value the reader got.
//
// Asking during a storm also harms the stormer: the kernel wakes one waiter of its backlog
// queue per drain, so a request that waits beside a container's logging thread can take the
// wake-up and leave that thread asleep for the full 60 s. The daemon therefore asks only after
// a second in which the stream brought no record at all (no burst is on), and the counter,
// which only grows, is read once the burst is over: no loss is missed, only counted later.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

namespace sc::audit {

class KernelLostReader {
 public:
  // Starts the thread; its first request is made at once, then one per request(), at most one
  // every `spacing`.
  explicit KernelLostReader(std::chrono::milliseconds spacing = std::chrono::milliseconds(1000));
  // Stops the thread. A request the kernel is holding is not waited for longer than a second:
  // the thread is then left to finish on its own (it owns what it touches).
  ~KernelLostReader();
  KernelLostReader(const KernelLostReader&) = delete;
  KernelLostReader& operator=(const KernelLostReader&) = delete;

  // Asks for a fresh reading; returns at once (the thread makes the request).
  void request();
  // The kernel's lost counter as last read; nullopt until a request has succeeded (or when
  // it cannot be read: no CAP_AUDIT_CONTROL, no audit in the kernel).
  std::optional<uint32_t> latest() const;
  // Requests answered so far (for tests and start-up: "has it read once?").
  uint64_t reads() const;
  // Waits up to `timeout` for the first answer; true when there was one.
  bool wait_first(std::chrono::milliseconds timeout) const;

 private:
  struct Shared;
  std::shared_ptr<Shared> shared_;
};

}  // namespace sc::audit
