// Prometheus exposition of the daemon's aggregates (prometheus-cpp). Values are read from a
// snapshot of the daemon's State at scrape time (a Collectable): nothing is kept twice.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "state/aggregate.h"

namespace sc::metrics {

inline constexpr const char* kDefaultListen = "127.0.0.1:9476";

struct ExporterOptions {
  std::string listen = kDefaultListen;  // host:port; loopback by default
  std::string basic_auth_user;          // both empty: no authentication
  std::string basic_auth_password;
  int64_t retention_seconds = 3600;     // exited containers leave the metrics after this
  size_t max_series_per_container = 500;// bounded label cardinality (excess folded into syscall="other")
};

// Called at every scrape; must return a consistent copy (the daemon takes its lock).
using SnapshotFn = std::function<audit::State()>;

class Exporter {
 public:
  // Throws std::runtime_error when the address cannot be bound.
  Exporter(const ExporterOptions& options, SnapshotFn snapshot);
  ~Exporter();
  Exporter(const Exporter&) = delete;
  Exporter& operator=(const Exporter&) = delete;
  std::string address() const;   // "127.0.0.1:PORT" actually bound (port 0 picks a free one)

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The exposition text for a state, as /metrics serves it (for tests and `promtool`).
std::string render(const audit::State& state, const ExporterOptions& options, int64_t now_ns);

}  // namespace sc::metrics
