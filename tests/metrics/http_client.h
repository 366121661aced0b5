// A minimal HTTP/1.0 GET over a loopback TCP socket, for talking to the exporter and to the
// Prometheus server the tests start (no HTTP library is a dependency of the project).
#pragma once

#include <string>

namespace sc::metrics::testing {

struct HttpResponse {
  int status = 0;
  std::string body;
};

// address: "127.0.0.1:PORT"; target: "/path?query" (already URL-encoded).
// basic_auth: "user:password" or empty. Throws std::runtime_error on connection errors.
HttpResponse http_get(const std::string& address, const std::string& target, const std::string& basic_auth = "",
                      int timeout_ms = 5000);

std::string url_encode(const std::string& text);

}  // namespace sc::metrics::testing
