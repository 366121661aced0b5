#include "audit/sources/source.h"

#include <chrono>

#include "audit/sources/audit_netlink.h"
#include "audit/sources/kernel_lost_reader.h"
#include "audit/sources/proc_connector.h"

namespace sc::audit {
namespace {

class AuditStreamSource final : public Source {
 public:
  AuditStreamSource() {
    // The kernel's lost counter from before the first flush is the base (unless the state
    // file has one); losses are its increments. Read off the loop, see kernel_lost_reader.h.
    kernel_lost_.wait_first(std::chrono::milliseconds(200));
  }
  int fd() const override { return netlink_.fd(); }
  size_t poll(int timeout_ms, const OnRecord& on_record) override {
    int n = netlink_.poll(timeout_ms, on_record);
    return n > 0 ? static_cast<size_t>(n) : 0;
  }
  std::string detail() const override { return "netlink multicast AUDIT_NLGRP_READLOG (type 1326)"; }
  uint64_t events() const override { return 0; }  // the daemon counts the records it keeps
  uint64_t overruns() const override { return netlink_.lost(); }
  std::optional<uint64_t> kernel_lost() const override {
    if (auto lost = kernel_lost_.latest()) return *lost;
    return std::nullopt;
  }
  void request_kernel_lost() override { kernel_lost_.request(); }

 private:
  AuditNetlink netlink_;
  KernelLostReader kernel_lost_;  // its own thread: the request can block 60 s
};

class ProcConnectorSource final : public Source {
 public:
  int fd() const override { return connector_.fd(); }
  size_t poll(int /*timeout_ms*/, const OnRecord& /*on_record*/) override { return connector_.poll(); }
  std::string detail() const override {
    return "netlink CN_IDX_PROC fork/exec/exit: pid -> cgroup of processes gone before their record is read";
  }
  uint64_t events() const override { return connector_.events(); }
  uint64_t overruns() const override { return connector_.overruns(); }
  std::optional<std::string> cgroup_of(int32_t pid) const override { return connector_.cgroup_of(pid); }

 private:
  ProcConnector connector_;
};

}  // namespace

std::unique_ptr<Source> open_audit_stream() { return std::make_unique<AuditStreamSource>(); }
std::unique_ptr<Source> open_proc_connector() { return std::make_unique<ProcConnectorSource>(); }

}  // namespace sc::audit
