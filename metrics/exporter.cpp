#include "metrics/exporter.h"

#include <time.h>

#include <atomic>
#include <exception>
#include <sstream>
#include <stdexcept>

#include <prometheus/collectable.h>
#include <prometheus/exposer.h>
#include <prometheus/text_serializer.h>

#include "metrics/families.h"

namespace sc::metrics {
namespace {

int64_t realtime_ns() {
  struct timespec ts {};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// Comparison whose time does not depend on where the strings differ (only on the length of
// what the client sent), so timing says nothing about the expected secret.
bool same_secret(const std::string& given, const std::string& expected) {
  unsigned diff = given.size() != expected.size() ? 1 : 0;
  for (size_t i = 0; i < given.size(); ++i)
    diff |= static_cast<unsigned char>(given[i]) ^
            static_cast<unsigned char>(i < expected.size() ? expected[i] : 0);
  return diff == 0;
}

// Reads the daemon's State at every scrape: the exporter keeps no copy of its own.
class StateCollectable : public prometheus::Collectable {
 public:
  StateCollectable(ExporterOptions options, SnapshotFn snapshot)
      : options_(std::move(options)), snapshot_(std::move(snapshot)) {}

  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<prometheus::MetricFamily> families;
    try {
      families = collect_families(snapshot_(), options_, realtime_ns());
    } catch (const std::exception&) {
      // A failed snapshot must not take /metrics down: serve the error count (and what we
      // have: nothing), so an alert on it can fire.
      snapshot_errors_.fetch_add(1);
    }
    prometheus::MetricFamily errors{"seccomp_exporter_snapshot_errors_total",
                                    "Scrapes whose snapshot of the daemon state failed.",
                                    prometheus::MetricType::Counter, {}};
    prometheus::ClientMetric m;
    m.counter.value = static_cast<double>(snapshot_errors_.load());
    errors.metric.push_back(m);
    families.push_back(std::move(errors));
    return families;
  }

 private:
  ExporterOptions options_;
  SnapshotFn snapshot_;
  mutable std::atomic<uint64_t> snapshot_errors_{0};
};

}  // namespace

struct Exporter::Impl {
  std::string host;
  std::unique_ptr<prometheus::Exposer> exposer;
  std::shared_ptr<StateCollectable> collectable;
};

Exporter::Exporter(const ExporterOptions& options, SnapshotFn snapshot) : impl_(std::make_unique<Impl>()) {
  if (!snapshot) throw std::invalid_argument("metrics exporter: no state snapshot function");
  if (options.basic_auth_user.empty() != options.basic_auth_password.empty())
    throw std::invalid_argument("metrics exporter: basic auth needs both a user and a password");
  auto colon = options.listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == options.listen.size())
    throw std::invalid_argument("metrics exporter: --listen '" + options.listen + "' is not HOST:PORT");
  impl_->host = options.listen.substr(0, colon);
  try {
    impl_->exposer = std::make_unique<prometheus::Exposer>(
        std::vector<std::string>{"listening_ports", options.listen, "num_threads", "2"});
  } catch (const std::exception& e) {
    throw std::runtime_error("metrics exporter: cannot listen on '" + options.listen + "': " + e.what());
  }
  impl_->collectable = std::make_shared<StateCollectable>(options, std::move(snapshot));
  impl_->exposer->RegisterCollectable(impl_->collectable);
  if (!options.basic_auth_user.empty()) {
    impl_->exposer->RegisterAuth(
        [user = options.basic_auth_user, password = options.basic_auth_password](const std::string& u,
                                                                                 const std::string& p) {
          bool user_ok = same_secret(u, user);
          bool password_ok = same_secret(p, password);
          return user_ok && password_ok;
        },
        "seccomp-companion");
  }
}

Exporter::~Exporter() = default;

std::string Exporter::address() const {
  auto ports = impl_->exposer->GetListeningPorts();
  if (ports.empty()) throw std::runtime_error("metrics exporter: not listening");
  return impl_->host + ":" + std::to_string(ports.front());
}

std::string render(const audit::State& state, const ExporterOptions& options, int64_t now_ns) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, collect_families(state, options, now_ns));
  return out.str();
}

}  // namespace sc::metrics
