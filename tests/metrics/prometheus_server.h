// A real Prometheus server (Debian's /usr/bin/prometheus) for end-to-end tests: a temporary
// config and data dir, 127.0.0.1 on a free port, scrape and rule evaluation every second;
// stopped (SIGTERM, then SIGKILL) and its directory removed when the object goes away.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sc::metrics::testing {

struct ScrapeTarget {
  std::string address;      // "127.0.0.1:PORT" of the exporter
  std::string basic_auth_user;
  std::string basic_auth_password;
};

// Several exporters in the one job, no basic auth (the fleet tests: one daemon per "host").
struct ScrapeTargets {
  std::vector<std::string> addresses;
};

class PrometheusServer {
 public:
  // Throws std::runtime_error (with the server's log) when it does not become ready.
  PrometheusServer(const ScrapeTarget& target, const std::string& rules_file);
  PrometheusServer(const ScrapeTargets& targets, const std::string& rules_file);
  ~PrometheusServer();
  PrometheusServer(const PrometheusServer&) = delete;
  PrometheusServer& operator=(const PrometheusServer&) = delete;

  const std::string& address() const { return address_; }
  // GET on the HTTP API; the parsed JSON body. Throws when the body is not JSON.
  nlohmann::json api(const std::string& path_and_query) const;
  nlohmann::json query(const std::string& promql) const;        // /api/v1/query
  nlohmann::json query_range(const std::string& promql, int seconds_back, int step_seconds) const;
  std::string log() const;

 private:
  void start(const std::string& targets_yaml, const ScrapeTarget& auth, const std::string& rules_file);
  void stop();
  std::string dir_;
  std::string address_;
  pid_t pid_ = -1;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_loopback_port();

}  // namespace sc::metrics::testing
