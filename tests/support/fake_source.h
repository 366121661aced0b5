// A scripted event source for unit tests of the daemon (audit/sources/source.h): the test
// keeps a FakeSourceFeed and pushes audit records and pid -> cgroup facts into it; the daemon
// polls the FakeSource it opened from the feed (DaemonSeams). Thread-safe: the daemon runs
// its loop in a thread of the test. Header-only.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "audit/sources/source.h"

namespace sc::testing {

// Which source a FakeSource plays: the audit stream takes the feed's records, the process
// connector its process events (and answers cgroup_of()).
enum class FakeRole { AuditStream, ProcessConnector };

class FakeSourceFeed {
 public:
  // One audit record (type 1326 for seccomp), as the kernel's text.
  void push_record(int type, std::string text) {
    std::lock_guard lock(mu_);
    records_.emplace_back(type, std::move(text));
    ++pushed_;
  }
  // A type-1326 record: pid, syscall nr (x86_64), SECCOMP_RET code, CLOCK_REALTIME stamp.
  void push_seccomp(int32_t pid, int32_t nr, uint32_t code, int64_t ts_ns, const std::string& comm = "app") {
    push_record(kSeccompType, seccomp_text(pid, nr, code, ts_ns, comm));
  }
  static std::string seccomp_text(int32_t pid, int32_t nr, uint32_t code, int64_t ts_ns, const std::string& comm) {
    char stamp[64];
    std::snprintf(stamp, sizeof stamp, "audit(%lld.%03lld:%u): ", static_cast<long long>(ts_ns / 1'000'000'000),
                  static_cast<long long>(ts_ns / 1'000'000 % 1000), ++serial_);
    char code_text[16];
    std::snprintf(code_text, sizeof code_text, "0x%x", code);
    return std::string(stamp) + "auid=0 uid=0 gid=0 ses=1 pid=" + std::to_string(pid) + " comm=\"" + comm +
           "\" exe=\"/usr/bin/" + comm + "\" sig=0 arch=c000003e syscall=" + std::to_string(nr) +
           " compat=0 ip=0x1 code=" + code_text;
  }
  // A process event: `pid` runs in `cgroup_path` (relative to the cgroup2 mount). Known to the
  // source's cgroup_of() from its next poll on, like a queued fork event.
  void push_process(int32_t pid, std::string cgroup_path) {
    std::lock_guard lock(mu_);
    queued_processes_.emplace_back(pid, std::move(cgroup_path));
  }
  // Receive-buffer overruns the audit stream reports.
  void add_overruns(uint64_t n) {
    std::lock_guard lock(mu_);
    overruns_ += n;
  }
  // Waits until every record pushed so far has been handed to the daemon and its audit stream
  // has been polled again after that (so the batch holding it is committed).
  bool wait_consumed(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mu_);
    uint64_t target = pushed_;
    std::optional<uint64_t> after;
    return cv_.wait_for(lock, timeout, [&] {
      if (delivered_ < target) return false;
      if (!after) after = polls_;
      return polls_ > *after;
    });
  }
  uint64_t polls() const {  // of the audit stream
    std::lock_guard lock(mu_);
    return polls_;
  }

  static constexpr int kSeccompType = 1326;

 private:
  friend class FakeSource;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<int, std::string>> records_;
  std::deque<std::pair<int32_t, std::string>> queued_processes_;
  std::map<int32_t, std::string> processes_;
  uint64_t pushed_ = 0, delivered_ = 0, polls_ = 0, events_ = 0, overruns_ = 0;
  static inline unsigned serial_ = 0;
};

class FakeSource final : public audit::Source {
 public:
  FakeSource(std::shared_ptr<FakeSourceFeed> feed, FakeRole role, std::string detail)
      : feed_(std::move(feed)), role_(role), detail_(std::move(detail)) {}

  int fd() const override { return -1; }
  size_t poll(int /*timeout_ms*/, const OnRecord& on_record) override {
    std::deque<std::pair<int, std::string>> records;
    size_t processes = 0;
    {
      std::lock_guard lock(feed_->mu_);
      if (role_ == FakeRole::AuditStream) {
        records.swap(feed_->records_);
      } else {
        for (auto& [pid, path] : feed_->queued_processes_) feed_->processes_[pid] = std::move(path);
        processes = feed_->queued_processes_.size();
        feed_->queued_processes_.clear();
        feed_->events_ += processes;
      }
    }
    size_t n = 0;
    for (const auto& [type, text] : records) {
      if (on_record) on_record(type, text);
      ++n;
      std::lock_guard lock(feed_->mu_);
      ++feed_->delivered_;
    }
    {
      std::lock_guard lock(feed_->mu_);
      if (role_ == FakeRole::AuditStream) ++feed_->polls_;
    }
    feed_->cv_.notify_all();
    return n + processes;
  }
  std::string detail() const override { return detail_; }
  uint64_t events() const override {
    std::lock_guard lock(feed_->mu_);
    return role_ == FakeRole::ProcessConnector ? feed_->events_ : 0;
  }
  uint64_t overruns() const override {
    std::lock_guard lock(feed_->mu_);
    return role_ == FakeRole::AuditStream ? feed_->overruns_ : 0;
  }
  std::optional<std::string> cgroup_of(int32_t pid) const override {
    if (role_ != FakeRole::ProcessConnector) return std::nullopt;
    std::lock_guard lock(feed_->mu_);
    auto it = feed_->processes_.find(pid);
    if (it == feed_->processes_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::shared_ptr<FakeSourceFeed> feed_;
  FakeRole role_;
  std::string detail_;
};

// An opener for DaemonSeams: a new FakeSource on `feed` each time the daemon opens one.
inline audit::SourceOpener fake_source_opener(std::shared_ptr<FakeSourceFeed> feed, FakeRole role, std::string detail) {
  return [feed = std::move(feed), role, detail = std::move(detail)] {
    return std::make_unique<FakeSource>(feed, role, detail);
  };
}

}  // namespace sc::testing
