// render(): metric names, types and labels; hostile label values; retention of exited
// containers; per-container series cap; and `promtool check metrics` on the output.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <vector>

#include <gtest/gtest.h>

#include "metrics/exporter.h"
#include "metrics/families.h"
#include "bytes/untrusted.h"
#include "metrics/label_value.h"
#include "metrics/verdict_series.h"
#include "tests/metrics/exposition_parser.h"
#include "tests/metrics/run_command.h"
#include "tests/metrics/state_builder.h"

namespace sc::metrics {
namespace {

using testing::add_container;
using testing::add_verdict;
using testing::kSecond;
using testing::parse_exposition;

constexpr int64_t kNow = 1764300000 * kSecond;

audit::State sample_state() {
  audit::State st;
  st.last_flush_ns = kNow - 2 * kSecond;
  auto& web = add_container(st, "web", "enforce", "docker-default", kNow - 100 * kSecond);
  add_verdict(web, native_arch(), 63, "uname", "errno", 1, 5, kNow - 90 * kSecond, kNow - 10 * kSecond);
  add_verdict(web, native_arch(), 101, "ptrace", "kill_process", -1, 1, kNow - 5 * kSecond, kNow - 5 * kSecond);
  add_verdict(web, "x86", 122, "uname", "errno", 1, 2, kNow - 50 * kSecond, kNow - 40 * kSecond);
  auto& batch = add_container(st, "batch", "audit", "mesos-default", kNow - 200 * kSecond);
  add_verdict(batch, native_arch(), 165, "mount", "log", -1, 7, kNow - 150 * kSecond, kNow - 20 * kSecond, "errno");
  add_verdict(batch, native_arch(), 0, "read", "log", -1, 900, kNow - 150 * kSecond, kNow - 1 * kSecond, "");
  batch.learned[sc::testing::arch(native_arch())] = {0, 1, 2, 3};
  add_container(st, "legacy", "unconfined", "", kNow - 300 * kSecond);
  st.sources["bpf"] = {true, "tp_btf/signal_generate,raw_tp/sys_exit", 1000, 0, 3};
  st.sources["audit"] = {false, "netlink bind: EPERM", 0, 12, 0};
  return st;
}

ExporterOptions options() { return ExporterOptions{}; }

double value_of(const testing::Exposition& e, const std::string& name, const std::map<std::string, std::string>& l) {
  auto found = e.find(name, l);
  EXPECT_EQ(found.size(), 1u) << name;
  return found.empty() ? -1 : found.front().value;
}

TEST(Render, NamesTypesAndVerdictLabels) {
  auto e = parse_exposition(render(sample_state(), options(), kNow));
  std::set<std::string> known(metric_names().begin(), metric_names().end());
  for (const auto& s : e.samples) {
    EXPECT_EQ(s.name.rfind("seccomp_", 0), 0u) << s.name;
    EXPECT_TRUE(known.count(s.name)) << s.name << " is not listed in metric_names()";
    bool counter = s.name.size() > 6 && s.name.compare(s.name.size() - 6, 6, "_total") == 0;
    EXPECT_EQ(e.types.at(s.name), counter ? "counter" : "gauge") << s.name;
  }
  // Native arch is left out; errno named; the x86 (compat) series carries arch.
  auto uname = e.find("seccomp_verdicts_total", {{"container", "web"}, {"syscall", "uname"}});
  ASSERT_EQ(uname.size(), 2u);
  EXPECT_EQ(value_of(e, "seccomp_verdicts_total", {{"container", "web"}, {"syscall", "uname"}, {"arch", "x86"}}), 2);
  for (const auto& s : uname) {
    EXPECT_EQ(s.labels.at("action"), "errno");
    EXPECT_EQ(s.labels.at("errno"), "EPERM");
    if (!s.labels.count("arch")) {
      EXPECT_EQ(s.value, 5);
    }
  }
  auto kill = e.find("seccomp_verdicts_total", {{"action", "kill_process"}});
  ASSERT_EQ(kill.size(), 1u);
  EXPECT_EQ(kill[0].labels.count("errno"), 0u);
  EXPECT_EQ(kill[0].labels.at("syscall"), "ptrace");
  EXPECT_DOUBLE_EQ(value_of(e, "seccomp_verdict_last_seen_timestamp_seconds",
                            {{"container", "web"}, {"action", "kill_process"}}),
                   static_cast<double>(kNow / kSecond - 5));
  EXPECT_DOUBLE_EQ(value_of(e, "seccomp_verdict_first_seen_timestamp_seconds",
                            {{"container", "web"}, {"syscall", "uname"}, {"arch", "x86"}}),
                   static_cast<double>(kNow / kSecond - 50));
}

TEST(Render, WouldBeDenialsOnlyForLoggedCallsTheProfileWouldDeny) {
  auto e = parse_exposition(render(sample_state(), options(), kNow));
  auto wb = e.find("seccomp_would_be_denials_total");
  ASSERT_EQ(wb.size(), 1u);
  EXPECT_EQ(wb[0].labels.at("container"), "batch");
  EXPECT_EQ(wb[0].labels.at("syscall"), "mount");
  EXPECT_EQ(wb[0].labels.at("would_be_action"), "errno");
  EXPECT_EQ(wb[0].value, 7);
  // The logged read (allowed by the enforcing profile too) is a verdict, not a would-be denial.
  EXPECT_EQ(value_of(e, "seccomp_verdicts_total", {{"container", "batch"}, {"syscall", "read"}}), 900);
  EXPECT_DOUBLE_EQ(value_of(e, "seccomp_container_last_would_be_denial_timestamp_seconds", {{"container", "batch"}}),
                   static_cast<double>(kNow / kSecond - 20));
  EXPECT_TRUE(e.find("seccomp_container_last_would_be_denial_timestamp_seconds", {{"container", "web"}}).empty());
}

TEST(Render, ContainersByModeProfileAndSourceHealth) {
  auto e = parse_exposition(render(sample_state(), options(), kNow));
  EXPECT_EQ(value_of(e, "seccomp_container_info",
                     {{"container", "web"}, {"mode", "enforce"}, {"profile", "docker-default"}}), 1);
  EXPECT_EQ(value_of(e, "seccomp_container_info", {{"container", "legacy"}, {"mode", "unconfined"}}), 1);
  for (const char* mode : {"enforce", "audit", "unconfined"})
    EXPECT_EQ(value_of(e, "seccomp_containers", {{"mode", mode}, {"state", "running"}}), 1) << mode;
  EXPECT_EQ(value_of(e, "seccomp_containers", {{"mode", "unknown"}, {"state", "running"}}), 0);
  EXPECT_EQ(value_of(e, "seccomp_container_learned_syscalls", {{"container", "batch"}}), 4);
  EXPECT_EQ(value_of(e, "seccomp_source_up", {{"source", "bpf"}}), 1);
  EXPECT_EQ(value_of(e, "seccomp_source_up", {{"source", "audit"}}), 0);
  EXPECT_EQ(value_of(e, "seccomp_source_lost_total", {{"source", "audit"}}), 12);
  EXPECT_EQ(value_of(e, "seccomp_source_events_total", {{"source", "bpf"}}), 1000);
  EXPECT_EQ(value_of(e, "seccomp_source_samples_dropped_total", {{"source", "bpf"}}), 3);
  EXPECT_EQ(value_of(e, "seccomp_source_info", {{"source", "audit"}, {"detail", "netlink bind: EPERM"}}), 1);
  EXPECT_DOUBLE_EQ(value_of(e, "seccomp_state_last_flush_timestamp_seconds", {}),
                   static_cast<double>(kNow / kSecond - 2));
  EXPECT_EQ(value_of(e, "seccomp_build_info", {{"native_arch", native_arch()}}), 1);
}

TEST(LabelValue, InvalidUtf8BecomesVisibleEscapes) {
  EXPECT_EQ(utf8_label_value("plain"), "plain");
  EXPECT_EQ(utf8_label_value("caf\xC3\xA9 \xF0\x9F\x90\xB3"), "caf\xC3\xA9 \xF0\x9F\x90\xB3");  // kept
  EXPECT_EQ(utf8_label_value("a\xFF" "b"), "a\\xFFb");
  EXPECT_EQ(utf8_label_value("\xC0\xAF"), "\\xC0\\xAF");           // overlong '/'
  EXPECT_EQ(utf8_label_value("\xED\xA0\x80"), "\\xED\\xA0\\x80");  // UTF-16 surrogate
  EXPECT_EQ(utf8_label_value("\xE2\x82"), "\\xE2\\x82");           // truncated sequence
  EXPECT_EQ(utf8_label_value("\xF4\x90\x80\x80"), "\\xF4\\x90\\x80\\x80");  // above U+10FFFF
}

TEST(Render, HostileLabelValuesAreEscapedAndValidUtf8) {
  audit::State st;
  const std::string hostile = "evil\"} injected{x=\"1\\\nline2\xFF\xFE";
  auto& c = add_container(st, hostile, "enforce", "prof\"ile\n\\", kNow);
  add_verdict(c, native_arch(), 63, "un\"ame\xC3", "errno", 1, 3, kNow, kNow);
  const std::string text = render(st, options(), kNow);
  auto e = parse_exposition(text);  // throws on a broken line
  auto v = e.find("seccomp_verdicts_total");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].labels.at("container"), utf8_label_value(hostile));
  EXPECT_EQ(v[0].labels.at("container"), "evil\"} injected{x=\"1\\\\x0Aline2\\xFF\\xFE");
  EXPECT_EQ(v[0].labels.at("syscall"), "un\"ame\\xC3");
  EXPECT_EQ(value_of(e, "seccomp_container_info", {{"profile", "prof\"ile\\x0A\\"}}), 1);  // controls as \xNN
  // No raw newline inside a label and no invalid UTF-8 anywhere in the text.
  EXPECT_TRUE(sc::bytes::valid_utf8(text));
  for (const auto& s : e.samples) EXPECT_EQ(s.name.find('"'), std::string::npos);
}

TEST(Render, CollidingSanitisedLabelsAreMergedNotDuplicated) {
  audit::State st;
  add_container(st, "a\xFF", "enforce", "p", kNow);
  add_container(st, "a\\xFF", "enforce", "p", kNow);  // renders identically
  add_verdict(st.containers["a\xFF"], native_arch(), 63, "uname", "errno", 1, 2, kNow - kSecond, kNow);
  add_verdict(st.containers["a\\xFF"], native_arch(), 63, "uname", "errno", 1, 3, kNow - 2 * kSecond, kNow);
  auto e = parse_exposition(render(st, options(), kNow));
  EXPECT_EQ(value_of(e, "seccomp_verdicts_total", {{"container", "a\\xFF"}}), 5);
  EXPECT_DOUBLE_EQ(value_of(e, "seccomp_verdict_first_seen_timestamp_seconds", {{"container", "a\\xFF"}}),
                   static_cast<double>(kNow / kSecond - 2));
}

TEST(Render, ExitedContainersLeaveAfterRetention) {
  audit::State st;
  auto& old_one = add_container(st, "old", "enforce", "p", kNow - 7200 * kSecond);
  old_one.exited_at_ns = kNow - 3601 * kSecond;
  add_verdict(old_one, native_arch(), 63, "uname", "errno", 1, 1, kNow - 7000 * kSecond, kNow - 7000 * kSecond);
  auto& recent = add_container(st, "recent", "audit", "p", kNow - 7200 * kSecond);
  recent.exited_at_ns = kNow - 3599 * kSecond;
  add_container(st, "alive", "enforce", "p", kNow);
  ExporterOptions o;
  o.retention_seconds = 3600;
  auto e = parse_exposition(render(st, o, kNow));
  for (const auto& s : e.samples)
    if (s.labels.count("container")) {
      EXPECT_NE(s.labels.at("container"), "old") << s.name;
    }
  EXPECT_EQ(value_of(e, "seccomp_container_exited_timestamp_seconds", {{"container", "recent"}}),
            static_cast<double>(kNow / kSecond - 3599));
  EXPECT_EQ(value_of(e, "seccomp_containers", {{"mode", "audit"}, {"state", "exited"}}), 1);
  EXPECT_EQ(value_of(e, "seccomp_containers", {{"mode", "enforce"}, {"state", "running"}}), 1);
  EXPECT_EQ(value_of(e, "seccomp_containers", {{"mode", "enforce"}, {"state", "exited"}}), 0);
  o.retention_seconds = 0;  // exited containers leave at once
  e = parse_exposition(render(st, o, kNow));
  EXPECT_TRUE(e.find("seccomp_container_info", {{"container", "recent"}}).empty());
  o.retention_seconds = INT64_MAX;  // forever, without overflow
  e = parse_exposition(render(st, o, kNow));
  EXPECT_EQ(e.find("seccomp_container_info", {{"container", "old"}}).size(), 1u);
}

TEST(Render, SeriesCapFoldsRarestIntoOtherPerAction) {
  audit::State st;
  auto& c = add_container(st, "noisy", "audit", "p", kNow);
  uint64_t total = 0;
  for (int nr = 0; nr < 400; ++nr) {  // 400 errno + 400 log series, distinct counts
    add_verdict(c, native_arch(), nr, "sys" + std::to_string(nr), "errno", 1, 1000 + nr, kNow, kNow);
    add_verdict(c, native_arch(), nr, "sys" + std::to_string(nr), "log", -1, 1 + nr, kNow - nr * kSecond, kNow,
                nr % 2 ? "errno" : "kill_process");
    total += 1000 + nr + 1 + nr;
  }
  add_verdict(c, native_arch(), 999, "rare_kill", "kill_thread", -1, 1, kNow, kNow);
  total += 1;
  ExporterOptions o;
  o.max_series_per_container = 50;
  auto e = parse_exposition(render(st, o, kNow));
  auto v = e.find("seccomp_verdicts_total", {{"container", "noisy"}});
  EXPECT_EQ(v.size(), 50u);
  double sum = 0;
  for (const auto& s : v) sum += s.value;
  EXPECT_EQ(sum, static_cast<double>(total)) << "folding must not lose counts";
  // The rare kill is folded but stays a kill; the busiest errno series stays itself.
  EXPECT_EQ(value_of(e, "seccomp_verdicts_total", {{"syscall", "other"}, {"action", "kill_thread"}}), 1);
  EXPECT_EQ(value_of(e, "seccomp_verdicts_total", {{"syscall", "sys399"}, {"action", "errno"}}), 1399);
  EXPECT_EQ(value_of(e, "seccomp_container_folded_series", {{"container", "noisy"}}), 801 - 47);
  EXPECT_DOUBLE_EQ(value_of(e, "seccomp_verdict_first_seen_timestamp_seconds", {{"syscall", "other"}, {"action", "log"}}),
                   static_cast<double>(kNow / kSecond - 399));
  // Would-be denials of folded logged calls keep their would-be action.
  double wb = 0;
  for (const auto& s : e.find("seccomp_would_be_denials_total", {{"container", "noisy"}})) wb += s.value;
  double expected_wb = 0;
  for (int nr = 0; nr < 400; ++nr) expected_wb += 1 + nr;
  EXPECT_EQ(wb, expected_wb);
  EXPECT_EQ(e.find("seccomp_would_be_denials_total", {{"syscall", "other"}, {"would_be_action", "kill_process"}}).size(), 1u);
  // Below the cap nothing is folded.
  o.max_series_per_container = 10000;
  e = parse_exposition(render(st, o, kNow));
  EXPECT_EQ(e.find("seccomp_verdicts_total").size(), 801u);
  EXPECT_TRUE(e.find("seccomp_container_folded_series").empty());
}

// A row that holds no verdict (an audit record's sample whose count the tracer owns, under a
// key with the errno the record lacks) is no series: it neither shows nor takes a place
// under the cap (the churn test under the real daemon found it folded as 12 extra sets).
TEST(Render, RowsWithoutVerdictsAreNoSeries) {
  audit::State st;
  auto& c = add_container(st, "sampled", "enforce", "p", kNow);
  for (int nr = 0; nr < 12; ++nr) {
    add_verdict(c, native_arch(), nr, "sys" + std::to_string(nr), "errno", 1, 1 + nr, kNow, kNow);
    add_verdict(c, native_arch(), nr, "sys" + std::to_string(nr), "errno", -1, 0, kNow, kNow);
  }
  ExporterOptions o;
  o.max_series_per_container = 8;
  auto e = parse_exposition(render(st, o, kNow));
  EXPECT_EQ(e.find("seccomp_verdicts_total", {{"container", "sampled"}}).size(), 8u);
  EXPECT_EQ(value_of(e, "seccomp_container_folded_series", {{"container", "sampled"}}), 5);
  EXPECT_EQ(value_of(e, "seccomp_verdicts_total", {{"syscall", "other"}, {"action", "errno"}}), 15);
  EXPECT_TRUE(e.find("seccomp_verdicts_total", {{"container", "sampled"}, {"errno", ""}}).empty());
}

TEST(Render, PromtoolCheckMetricsIsClean) {
  audit::State st = sample_state();
  auto& c = add_container(st, "hostile\"\\\n\xFF", "audit", "p\xFE", kNow);
  add_verdict(c, native_arch(), 165, "mount", "log", -1, 3, kNow, kNow, "kill_thread");
  ExporterOptions o;
  o.max_series_per_container = 8;
  for (int nr = 0; nr < 20; ++nr) add_verdict(c, native_arch(), 200 + nr, "s" + std::to_string(nr), "errno", 13, 1, kNow, kNow);
  const std::string text = render(st, o, kNow);
  auto r = testing::run_command({"promtool", "check", "metrics"}, text);
  EXPECT_EQ(r.exit_code, 0) << r.output << "\n--- exposition ---\n" << text;
  EXPECT_EQ(r.output, "") << "promtool lint findings";
}

}  // namespace
}  // namespace sc::metrics

namespace sc::metrics {
namespace {

// The documented bound holds in the worst case the folding allows: every action, would-be
// denials of every kind folded into "other", several arches, all per-container gauges.
TEST(Render, SeriesCountWithinDocumentedBound) {
  audit::State st;
  const int64_t now = testing::kSecond * 1764300000;
  ExporterOptions o;
  o.max_series_per_container = 10;
  const std::vector<std::string> would_be = {"errno", "kill_process", "kill_thread", "trap", "user_notif", "trace", "0x7ffd0000"};
  for (int c = 0; c < 5; ++c) {
    auto& rec = testing::add_container(st, "c" + std::to_string(c), c % 2 ? "audit" : "enforce", "p", now);
    if (c == 4) rec.exited_at_ns = now - testing::kSecond;
    rec.learned[sc::testing::arch("x86_64")] = {1, 2};
    rec.learned[sc::testing::arch("x86")] = {3};
    rec.learned[sc::testing::arch("x32")] = {4};
    int nr = 0;
    for (const char* action : kActions)
      for (int k = 0; k < 30; ++k, ++nr)
        testing::add_verdict(rec, k % 2 ? "x86" : native_arch(), nr, "s" + std::to_string(nr), action, 1, 1 + k, now,
                             now, std::string(action) == "log" ? would_be[static_cast<size_t>(k) % would_be.size()] : "");
  }
  auto& gone = testing::add_container(st, "gone", "audit", "p", now);
  gone.exited_at_ns = now - 4000 * testing::kSecond;  // beyond retention: not counted
  testing::add_verdict(gone, native_arch(), 1, "write", "errno", 1, 1, now, now);
  st.sources["bpf"] = {true, "", 1, 0, 0};
  st.sources["audit"] = {true, "", 1, 0, 0};
  auto e = testing::parse_exposition(render(st, o, now));
  const size_t bound = series_bound(5, 2, 3, 0, 0, o);
  EXPECT_LE(e.samples.size() + 1, bound) << "(+1: the exporter's snapshot error counter)";
  // And the bound is not vacuous: the verdict series hit the cap exactly.
  EXPECT_EQ(e.find("seccomp_verdicts_total", {{"container", "c0"}}).size(), 10u);
  EXPECT_GT(e.samples.size(), bound / 3);
}

}  // namespace
}  // namespace sc::metrics
