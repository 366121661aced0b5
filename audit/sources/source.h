// One event source of the daemon, in the shape its loop needs: opened by a SourceOpener
// (which throws, naming why, when it cannot be), polled every turn (its descriptor wakes the
// loop's poll(2)), and asked for its health (state.json's sources.<name>).
//
// Two kinds share it: a record source delivers kernel records (the audit stream: type-1326
// text), a process source keeps pid -> cgroup (the process connector: fork/exec/exit) and
// answers cgroup_of(). Tests open a FakeSource instead (tests/support/fake_source.h).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sc::audit {

class Source {
 public:
  using OnRecord = std::function<void(int type, std::string_view text)>;

  virtual ~Source() = default;

  // Becomes readable when events wait (for poll(2)); -1 when there is none (then the loop's
  // turn, at most 50 ms, is the only wake-up).
  virtual int fd() const = 0;
  // Waits up to timeout_ms (0: not at all) for events, then handles what is queued, bounded
  // per call (a storm must not keep the loop from its timers). A record source calls
  // on_record(type, text) for each record. Returns how many events were handled.
  virtual size_t poll(int timeout_ms, const OnRecord& on_record) = 0;

  // ---- health -----------------------------------------------------------------------------
  // What it is, for the start-up line and state.json (sources.<name>.detail).
  virtual std::string detail() const = 0;
  // Events handled so far (a process source: fork/exec/exit events).
  virtual uint64_t events() const = 0;
  // Events lost for us so far: receive-buffer overruns (ENOBUFS) and, for the audit stream,
  // the records its bounded queue could not keep (AuditNetlink::lost()).
  virtual uint64_t overruns() const = 0;
  // The kernel's own count of records it dropped (the audit stream: AUDIT_GET), as last read;
  // nullopt when unknown. request_kernel_lost() asks for a fresh reading without blocking.
  virtual std::optional<uint64_t> kernel_lost() const { return std::nullopt; }
  virtual void request_kernel_lost() {}

  // ---- a process source ---------------------------------------------------------------------
  // Where process `pid` ran (cgroup2 path relative to the mount), as far as this source knows.
  virtual std::optional<std::string> cgroup_of(int32_t /*pid*/) const { return std::nullopt; }
};

// Opens a source; throws std::exception naming why it cannot.
using SourceOpener = std::function<std::unique_ptr<Source>()>;

// The kernel audit stream (AuditNetlink, with its per-turn bounds) and the kernel's lost
// counter read off the loop (KernelLostReader); waits up to 200 ms for that counter's first
// reading. Throws std::system_error when the socket cannot be bound.
std::unique_ptr<Source> open_audit_stream();
// The netlink process connector (ProcConnector). Throws std::system_error naming the step.
std::unique_ptr<Source> open_proc_connector();

}  // namespace sc::audit
