// A client for one Prometheus server's HTTP API (instant queries, /api/v1/query), over
// libcurl. Every failure is an exception naming the server and the query: a bad URL, a
// connection error, an HTTP error, an error answer (Prometheus's errorType and error), or an
// answer that is not the documented shape (with the JSON path of what is wrong).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace sc::fleet {

// One element of an instant vector: its labels (the metric name under "__name__") and value.
struct PromSample {
  std::map<std::string, std::string> labels;
  double value = 0;
  const std::string& label(const std::string& name) const;  // "" when absent
};

class PrometheusClient {
 public:
  // base_url: "http://HOST:PORT" or "https://HOST[:PORT]/PREFIX". Throws std::invalid_argument
  // for anything else (another scheme, a query or fragment, no host).
  explicit PrometheusClient(std::string base_url, long timeout_seconds = 30);
  const std::string& url() const { return base_; }
  // An instant query evaluated now. Throws std::runtime_error on any failure (see above),
  // and when the result is not a vector.
  std::vector<PromSample> query(const std::string& promql) const;

 private:
  std::string base_;
  long timeout_seconds_;
};

// Parses the body of an /api/v1/query answer (what query() does after the HTTP exchange).
// `where` names the server and query in error messages.
std::vector<PromSample> parse_query_answer(const std::string& body, long http_status, const std::string& where);

// A PromQL string literal holding `value`: double-quoted, backslash and quote escaped,
// control bytes as \xNN, so label values from the state never change the query's meaning.
std::string promql_string(const std::string& value);

}  // namespace sc::fleet
