// The Exporter over real HTTP: /metrics reads the State at every scrape, binds loopback port 0,
// enforces basic auth when configured, survives a failing snapshot.
#include <atomic>
#include <stdexcept>

#include <gtest/gtest.h>

#include "metrics/exporter.h"
#include "metrics/verdict_series.h"
#include "tests/metrics/exposition_parser.h"
#include "tests/metrics/http_client.h"
#include "tests/metrics/state_builder.h"

namespace sc::metrics {
namespace {

using testing::http_get;
using testing::parse_exposition;

ExporterOptions loopback_any_port() {
  ExporterOptions o;
  o.listen = "127.0.0.1:0";
  return o;
}

TEST(Exporter, ServesTheStateAsItIsAtEachScrape) {
  std::atomic<uint64_t> count{1};
  std::atomic<int> snapshots{0};
  Exporter exporter(loopback_any_port(), [&] {
    ++snapshots;
    audit::State st;
    auto& c = testing::add_container(st, "c1", "enforce", "p", 1);
    testing::add_verdict(c, native_arch(), 63, "uname", "errno", 1, count.load(), 1, 1);
    return st;
  });
  const std::string address = exporter.address();
  ASSERT_EQ(address.rfind("127.0.0.1:", 0), 0u);
  EXPECT_NE(address, "127.0.0.1:0");
  auto r = http_get(address, "/metrics");
  ASSERT_EQ(r.status, 200);
  auto e = parse_exposition(r.body);
  ASSERT_EQ(e.find("seccomp_verdicts_total").size(), 1u);
  EXPECT_EQ(e.find("seccomp_verdicts_total")[0].value, 1);
  count = 42;  // the daemon's aggregate moved on: the next scrape sees it
  e = parse_exposition(http_get(address, "/metrics").body);
  EXPECT_EQ(e.find("seccomp_verdicts_total")[0].value, 42);
  EXPECT_EQ(snapshots.load(), 2);
  EXPECT_EQ(e.find("seccomp_exporter_snapshot_errors_total")[0].value, 0);
}

TEST(Exporter, BasicAuthWhenConfigured) {
  ExporterOptions o = loopback_any_port();
  o.basic_auth_user = "prom";
  o.basic_auth_password = "s3cret";
  Exporter exporter(o, [] { return audit::State{}; });
  EXPECT_EQ(http_get(exporter.address(), "/metrics").status, 401);
  EXPECT_EQ(http_get(exporter.address(), "/metrics", "prom:wrong").status, 401);
  EXPECT_EQ(http_get(exporter.address(), "/metrics", "prom:s3cret1").status, 401);
  EXPECT_EQ(http_get(exporter.address(), "/metrics", "other:s3cret").status, 401);
  auto ok = http_get(exporter.address(), "/metrics", "prom:s3cret");
  EXPECT_EQ(ok.status, 200);
  EXPECT_NE(ok.body.find("seccomp_build_info"), std::string::npos);
}

TEST(Exporter, RejectsHalfConfiguredAuthAndBadAddresses) {
  ExporterOptions o = loopback_any_port();
  o.basic_auth_user = "prom";
  EXPECT_THROW(Exporter(o, [] { return audit::State{}; }), std::invalid_argument);
  o = loopback_any_port();
  o.listen = "no-port";
  EXPECT_THROW(Exporter(o, [] { return audit::State{}; }), std::invalid_argument);
  // A port already taken: a clear runtime_error, not a silent second server.
  Exporter first(loopback_any_port(), [] { return audit::State{}; });
  o.listen = first.address();
  try {
    Exporter second(o, [] { return audit::State{}; });
    FAIL() << "bound " << o.listen << " twice";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(o.listen), std::string::npos) << e.what();
  }
}

TEST(Exporter, FailingSnapshotIsCountedAndServed) {
  Exporter exporter(loopback_any_port(), []() -> audit::State { throw std::runtime_error("state lock poisoned"); });
  auto r = http_get(exporter.address(), "/metrics");
  ASSERT_EQ(r.status, 200);
  auto e = parse_exposition(r.body);
  ASSERT_EQ(e.find("seccomp_exporter_snapshot_errors_total").size(), 1u);
  EXPECT_EQ(e.find("seccomp_exporter_snapshot_errors_total")[0].value, 1);
  e = parse_exposition(http_get(exporter.address(), "/metrics").body);
  EXPECT_EQ(e.find("seccomp_exporter_snapshot_errors_total")[0].value, 2);
}

}  // namespace
}  // namespace sc::metrics
