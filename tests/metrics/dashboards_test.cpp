// Structure of the shipped Grafana dashboards and alert rules: current schema, unique panel
// ids, sane non-overlapping grid positions, the ${datasource} variable on every panel and
// target, a unit on every panel, label_values variables, and only metric names the exporter
// can emit. Plus `promtool check rules`.
#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "metrics/families.h"
#include "tests/metrics/dashboard_files.h"
#include "tests/metrics/promql_names.h"
#include "tests/metrics/run_command.h"

namespace sc::metrics {
namespace {

using nlohmann::json;
using testing::promql_metric_names;

// Names the dashboards/rules may use beyond the exporter's: Prometheus's own.
const std::set<std::string> kPrometheusOwn = {"up", "ALERTS", "ALERTS_FOR_STATE"};

void expect_known_metrics(const std::string& where, const std::string& expr) {
  std::set<std::string> exported(metric_names().begin(), metric_names().end());
  auto names = promql_metric_names(expr);
  EXPECT_FALSE(names.empty()) << where << " reads no metric: " << expr;
  for (const auto& n : names)
    EXPECT_TRUE(exported.count(n) || kPrometheusOwn.count(n)) << where << " uses '" << n << "', which the exporter never emits";
}

TEST(PromqlNames, FindsMetricsNotLabelsFunctionsOrVariables) {
  auto n = promql_metric_names(
      "topk(10, sum by (container, syscall) (increase(seccomp_verdicts_total{container=~\"$container\", "
      "action!=\"log\"}[$__range]))) / on (container) group_left(profile) seccomp_container_info or vector(0)");
  EXPECT_EQ(n, (std::set<std::string>{"seccomp_verdicts_total", "seccomp_container_info"}));
  EXPECT_EQ(promql_metric_names("label_values(seccomp_container_info{mode=~\"$mode\"}, profile)"),
            std::set<std::string>{"seccomp_container_info"});
  EXPECT_EQ(promql_metric_names("time() - foo_bar[5m] offset 1h"), std::set<std::string>{"foo_bar"});
}

TEST(Dashboards, StructureIsSound) {
  auto paths = testing::dashboard_paths();
  ASSERT_GE(paths.size(), 2u) << "overview and per-container dashboards expected";
  std::set<std::string> uids;
  for (const auto& path : paths) {
    SCOPED_TRACE(path);
    json d = testing::read_json_file(path);
    EXPECT_GE(d.at("schemaVersion").get<int>(), 39);
    EXPECT_TRUE(uids.insert(d.at("uid").get<std::string>()).second) << "duplicate dashboard uid";
    EXPECT_FALSE(d.at("title").get<std::string>().empty());

    // Template variables: a Prometheus datasource variable; query variables from label_values
    // through ${datasource}.
    std::map<std::string, json> vars;
    for (const auto& v : d.at("templating").at("list")) vars[v.at("name")] = v;
    ASSERT_TRUE(vars.count("datasource"));
    EXPECT_EQ(vars["datasource"].at("type"), "datasource");
    EXPECT_EQ(vars["datasource"].at("query"), "prometheus");
    for (const char* needed : {"container", "action"}) EXPECT_TRUE(vars.count(needed)) << "variable " << needed;
    for (const auto& [name, v] : vars) {
      if (v.at("type") != "query") continue;
      EXPECT_EQ(v.at("datasource").at("uid"), "${datasource}") << "variable " << name;
      std::string q = v.at("query").at("query");
      EXPECT_EQ(q.rfind("label_values(", 0), 0u) << "variable " << name << ": " << q;
      expect_known_metrics("variable " + name, q);
    }

    std::set<int> ids;
    struct Box { int x, y, w, h; std::string title; };
    std::vector<Box> boxes;
    int panels_with_queries = 0;
    for (const auto& p : testing::all_panels(d)) {
      std::string title = p.value("title", "");
      SCOPED_TRACE(title);
      ASSERT_TRUE(p.contains("id"));
      EXPECT_TRUE(ids.insert(p.at("id").get<int>()).second) << "duplicate panel id " << p.at("id");
      const json& g = p.at("gridPos");
      Box b{g.at("x"), g.at("y"), g.at("w"), g.at("h"), title};
      EXPECT_GE(b.x, 0);
      EXPECT_GE(b.y, 0);
      EXPECT_GT(b.w, 0);
      EXPECT_GT(b.h, 0);
      EXPECT_LE(b.x + b.w, 24) << "wider than the 24-column grid";
      for (const auto& o : boxes)
        EXPECT_FALSE(b.x < o.x + o.w && o.x < b.x + b.w && b.y < o.y + o.h && o.y < b.y + b.h)
            << "overlaps panel '" << o.title << "'";
      boxes.push_back(b);
      if (p.at("type") == "row") continue;
      EXPECT_FALSE(title.empty());
      EXPECT_FALSE(p.value("description", "").empty()) << "each panel says what it answers";
      EXPECT_EQ(p.at("datasource").at("uid"), "${datasource}");
      EXPECT_EQ(p.at("datasource").at("type"), "prometheus");
      EXPECT_FALSE(p.at("fieldConfig").at("defaults").value("unit", "").empty()) << "unit not set";
      ASSERT_FALSE(p.value("targets", json::array()).empty()) << "panel without a query";
      std::set<std::string> refs;
      for (const auto& t : p.at("targets")) {
        EXPECT_EQ(t.at("datasource").at("uid"), "${datasource}");
        EXPECT_TRUE(refs.insert(t.at("refId").get<std::string>()).second) << "duplicate refId";
        expect_known_metrics("panel '" + title + "'", t.at("expr"));
      }
      ++panels_with_queries;
    }
    EXPECT_GE(panels_with_queries, 8);
  }
}

TEST(Dashboards, OverviewAnswersTheQuestionsItShould) {
  json d = testing::read_json_file(std::string(SC_SOURCE_DIR) + "/dashboards/grafana/dashboards/seccomp-overview.json");
  std::string all;
  for (const auto& q : testing::panel_queries(d)) all += q.expr + "\n";
  for (const char* needed : {"sum by (action) (rate(seccomp_verdicts_total", "kill_process|kill_thread",
                             "seccomp_would_be_denials_total", "topk(10, sum by (container)", "topk(10, sum by (syscall",
                             "seccomp_containers{state=\"running\", mode=\"enforce\"}", "seccomp_source_up",
                             "seccomp_source_lost_total",
                             "sum by (shadow, current, candidate) (increase(seccomp_shadow_verdicts_total",
                             "seccomp_shadow_lost_total"})
    EXPECT_NE(all.find(needed), std::string::npos) << needed;
}

// Shadow evaluation: both dashboards have a "Candidate vs current" panel that compares the
// two verdicts from seccomp_shadow_verdicts_total (names the exporter emits only); the
// overview shows what the shadows lost.
TEST(Dashboards, ShadowCandidateVsCurrentPanels) {
  std::set<std::string> exported(metric_names().begin(), metric_names().end());
  for (const char* file : {"seccomp-overview.json", "seccomp-container.json"}) {
    SCOPED_TRACE(file);
    json d = testing::read_json_file(std::string(SC_SOURCE_DIR) + "/dashboards/grafana/dashboards/" + file);
    int found = 0;
    std::set<std::string> read_by_board;
    for (const auto& q : testing::panel_queries(d)) {
      auto names = promql_metric_names(q.expr);
      read_by_board.insert(names.begin(), names.end());
      if (q.panel_title != "Candidate vs current") continue;
      ++found;
      EXPECT_EQ(names, std::set<std::string>{"seccomp_shadow_verdicts_total"}) << q.expr;
      for (const auto& n : names) EXPECT_TRUE(exported.count(n)) << n;
      // Grouped by (at least) shadow, current and candidate.
      const size_t by = q.expr.find("sum by (");
      ASSERT_NE(by, std::string::npos) << q.expr;
      const size_t open = by + 8, close = q.expr.find(')', open);
      ASSERT_NE(close, std::string::npos) << q.expr;
      std::set<std::string> grouping;
      std::string labels = q.expr.substr(open, close - open);
      for (size_t start = 0; start <= labels.size();) {
        size_t comma = labels.find(',', start);
        if (comma == std::string::npos) comma = labels.size();
        std::string label = labels.substr(start, comma - start);
        label.erase(0, label.find_first_not_of(' '));
        label.erase(label.find_last_not_of(' ') + 1);
        grouping.insert(label);
        start = comma + 1;
      }
      for (const char* label : {"shadow", "current", "candidate"})
        EXPECT_TRUE(grouping.count(label)) << label << " not among the grouping labels of " << q.expr;
    }
    EXPECT_EQ(found, 1) << "one \"Candidate vs current\" panel with one query";
    if (std::string(file) == "seccomp-overview.json") {
      EXPECT_TRUE(read_by_board.count("seccomp_shadow_lost_total"));
    }
  }
}

TEST(AlertRules, PromtoolAcceptsAndOnlyExportedNamesAreUsed) {
  auto r = testing::run_command({"promtool", "check", "rules", testing::alert_rules_path()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  auto rules = testing::read_alert_rules(testing::alert_rules_path());
  std::set<std::string> names;
  for (const auto& rule : rules) {
    names.insert(rule.name);
    EXPECT_FALSE(rule.expr.empty()) << rule.name;
    expect_known_metrics("rule " + rule.name, rule.expr);
  }
  for (const char* needed : {"SeccompKill", "SeccompNewWouldBeDenial", "SeccompSourceDown", "SeccompSourceLosingEvents"})
    EXPECT_TRUE(names.count(needed)) << needed;
}

TEST(Provisioning, PointsAtTheDashboardsAndAPrometheusDatasource) {
  std::ifstream ds(std::string(SC_SOURCE_DIR) + "/dashboards/grafana/provisioning/datasources/seccomp-companion.yml");
  std::ifstream dp(std::string(SC_SOURCE_DIR) + "/dashboards/grafana/provisioning/dashboards/seccomp-companion.yml");
  ASSERT_TRUE(ds && dp);
  std::string dstext((std::istreambuf_iterator<char>(ds)), {}), dptext((std::istreambuf_iterator<char>(dp)), {});
  EXPECT_NE(dstext.find("type: prometheus"), std::string::npos);
  EXPECT_NE(dstext.find("apiVersion: 1"), std::string::npos);
  EXPECT_NE(dptext.find("type: file"), std::string::npos);
  EXPECT_NE(dptext.find("path:"), std::string::npos);
}

}  // namespace
}  // namespace sc::metrics
