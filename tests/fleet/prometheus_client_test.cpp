// The Prometheus API client on its own: the answers it must refuse, by name, and a server
// that is not there. (The end-to-end test talks to a real Prometheus.)
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "audit/fleet/prometheus_client.h"
#include "tests/metrics/prometheus_server.h"

namespace sc::fleet_tests {
namespace {

using fleet::parse_query_answer;

std::string error_of(const std::string& body, long status = 200) {
  try {
    parse_query_answer(body, status, "prometheus 'P', query 'Q'");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(PrometheusAnswer, AVectorIsRead) {
  auto v = parse_query_answer(R"({"status":"success","data":{"resultType":"vector","result":[
      {"metric":{"__name__":"seccomp_verdicts_total","instance":"h:1","syscall":"uname"},"value":[1764300000.5,"3"]},
      {"metric":{},"value":[1764300000.5,"NaN"]}]}})", 200, "w");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].label("syscall"), "uname");
  EXPECT_EQ(v[0].label("absent"), "");
  EXPECT_EQ(v[0].value, 3);
  EXPECT_TRUE(std::isnan(v[1].value));
}

TEST(PrometheusAnswer, MalformedAnswersAreNamedByTheirPath) {
  EXPECT_EQ(error_of("<html>proxy</html>", 502), "prometheus 'P', query 'Q': HTTP 502, the answer is not JSON: <html>proxy</html>");
  EXPECT_EQ(error_of(R"({"status":"error","errorType":"bad_data","error":"parse error at char 3"})", 400),
            "prometheus 'P', query 'Q': HTTP 400: Prometheus error (bad_data): parse error at char 3");
  EXPECT_EQ(error_of(R"({"status":"success"})", 503), "prometheus 'P', query 'Q': HTTP 503: Prometheus error");
  EXPECT_EQ(error_of("[]"), "prometheus 'P', query 'Q': malformed answer: $ is not an object");
  EXPECT_EQ(error_of(R"({"status":"success","data":{"resultType":"matrix","result":[]}})"),
            "prometheus 'P', query 'Q': malformed answer: $.data.resultType is not \"vector\"");
  EXPECT_EQ(error_of(R"({"status":"success","data":{"resultType":"vector","result":{}}})"),
            "prometheus 'P', query 'Q': malformed answer: $.data.result is not an array");
  EXPECT_EQ(error_of(R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":1},"value":[0,"1"]}]}})"),
            "prometheus 'P', query 'Q': malformed answer: $.data.result[0].metric.a is not a string");
  EXPECT_EQ(error_of(R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[0]}]}})"),
            "prometheus 'P', query 'Q': malformed answer: $.data.result[0].value is not a [time, value] pair");
  EXPECT_EQ(error_of(R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[0,"12abc"]}]}})"),
            "prometheus 'P', query 'Q': malformed answer: $.data.result[0].value[1] '12abc' is not a number");
  EXPECT_EQ(error_of(R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[0,3]}]}})"),
            "prometheus 'P', query 'Q': malformed answer: $.data.result[0].value[1] is not a string");
}

TEST(PrometheusClient, BadUrlsAreRefused) {
  EXPECT_THROW(fleet::PrometheusClient("127.0.0.1:9090"), std::invalid_argument);
  EXPECT_THROW(fleet::PrometheusClient("file:///etc/passwd"), std::invalid_argument);
  EXPECT_THROW(fleet::PrometheusClient("http://:9090"), std::invalid_argument);
  EXPECT_THROW(fleet::PrometheusClient("http://h:9090/#x"), std::invalid_argument);
  EXPECT_EQ(fleet::PrometheusClient("http://h:9090/prom/").url(), "http://h:9090/prom");
}

TEST(PrometheusClient, AServerThatIsNotThereIsNamed) {
  // A port that was free a moment ago: nothing listens there.
  const std::string url = "http://127.0.0.1:" + std::to_string(metrics::testing::free_loopback_port());
  fleet::PrometheusClient client(url, 5);
  try {
    client.query("up");
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("prometheus '" + url + "', query 'up': ", 0), 0u) << e.what();
  }
}

TEST(PromqlString, LabelValuesCannotChangeTheQuery) {
  EXPECT_EQ(fleet::promql_string("abc"), "\"abc\"");
  EXPECT_EQ(fleet::promql_string("a\"} or up{x=\"\\"), "\"a\\\"} or up{x=\\\"\\\\\"");
  EXPECT_EQ(fleet::promql_string(std::string("a\nb\0c", 5)), "\"a\\x0ab\\x00c\"");
}

}  // namespace
}  // namespace sc::fleet_tests
