// render() of shadow evaluations (State::shadows): seccomp_shadow_verdicts_total summed per
// label set, seccomp_shadow_lost_total per exported record, refused records left out, hostile
// bytes, folding into syscall="other" past the per-(shadow, container) cap, retention, and the
// documented series bound.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "bytes/untrusted.h"
#include "metrics/exporter.h"
#include "metrics/families.h"
#include "metrics/label_value.h"
#include "metrics/shadow_series.h"
#include "metrics/verdict_series.h"
#include "tests/metrics/exposition_parser.h"
#include "tests/metrics/run_command.h"
#include "tests/metrics/state_builder.h"

// A namespace of its own: unity builds compile this file together with render_test.cpp.
namespace sc::metrics::shadow_render {
namespace {

using testing::add_container;
using testing::add_shadow;
using testing::add_shadow_row;
using testing::add_verdict;
using testing::kSecond;
using testing::parse_exposition;

constexpr int64_t kNow = 1764300000 * kSecond;
constexpr const char* kVerdicts = "seccomp_shadow_verdicts_total";
constexpr const char* kLost = "seccomp_shadow_lost_total";

double value_of(const testing::Exposition& e, const std::string& name, const std::map<std::string, std::string>& l) {
  auto found = e.find(name, l);
  EXPECT_EQ(found.size(), 1u) << name;
  return found.empty() ? -1 : found.front().value;
}

double sum_of(const std::vector<testing::ExpositionSample>& samples) {
  double sum = 0;
  for (const auto& s : samples) sum += s.value;
  return sum;
}

TEST(ShadowRender, RowsSummedPerLabelSetWithExactValues) {
  audit::State st;
  add_container(st, "web", "enforce", "docker-default", kNow);
  add_container(st, "batch", "audit", "mesos-default", kNow);
  auto& tighter = add_shadow(st, "tighter", "active");
  // Two rows that differ only in the candidate's errno: one series (errno values are no labels).
  add_shadow_row(tighter, "web", native_arch(), 63, "uname", "allow", -1, "errno", 1, 5);
  add_shadow_row(tighter, "web", native_arch(), 63, "uname", "allow", -1, "errno", 13, 3);
  add_shadow_row(tighter, "web", "x86", 122, "uname", "allow", -1, "errno", 1, 2);  // compat: arch label
  add_shadow_row(tighter, "web", native_arch(), 101, "ptrace", "allow", -1, "kill_process", -1, 1);
  add_shadow_row(tighter, "web", native_arch(), 0, "read", "allow", -1, "allow", -1, 100);
  add_shadow_row(tighter, "web", native_arch(), 999, "", "allow", -1, "0x7ffd0000", -1, 4);  // unnamed syscall; an action no table names
  add_shadow_row(tighter, "batch", native_arch(), 165, "mount", "errno", 1, "errno", 1, 7);
  add_shadow_row(tighter, "batch", native_arch(), 166, "umount2", "errno", 1, "allow", -1, 0);  // no calls: no series
  auto& looser = add_shadow(st, "looser", "stopped", 42);
  add_shadow_row(looser, "web", native_arch(), 63, "uname", "allow", -1, "allow", -1, 4);

  auto e = parse_exposition(render(st, ExporterOptions{}, kNow));
  EXPECT_EQ(e.types.at(kVerdicts), "counter");
  EXPECT_EQ(e.types.at(kLost), "counter");
  EXPECT_EQ(e.find(kVerdicts).size(), 7u);
  EXPECT_EQ(e.find(kVerdicts, {{"shadow", "tighter"}, {"container", "web"}}).size(), 5u);

  // The exact label set: no errno, no arch when native.
  auto uname = e.find(kVerdicts, {{"shadow", "tighter"}, {"container", "web"}, {"syscall", "uname"}});
  ASSERT_EQ(uname.size(), 2u);
  const std::map<std::string, std::string> native_uname = {
      {"shadow", "tighter"}, {"container", "web"}, {"syscall", "uname"}, {"current", "allow"}, {"candidate", "errno"}};
  bool native_found = false;
  for (const auto& s : uname)
    if (s.labels == native_uname) {
      native_found = true;
      EXPECT_EQ(s.value, 8) << "5 + 3: rows differing only in errno are one series";
    }
  EXPECT_TRUE(native_found);
  EXPECT_EQ(value_of(e, kVerdicts, {{"shadow", "tighter"}, {"syscall", "uname"}, {"arch", "x86"}}), 2);
  EXPECT_EQ(value_of(e, kVerdicts, {{"shadow", "tighter"}, {"syscall", "ptrace"}, {"candidate", "kill_process"}}), 1);
  EXPECT_EQ(value_of(e, kVerdicts, {{"shadow", "tighter"}, {"syscall", "read"}, {"current", "allow"}, {"candidate", "allow"}}),
            100);
  EXPECT_EQ(value_of(e, kVerdicts, {{"shadow", "tighter"}, {"syscall", "#999"}, {"candidate", "unknown"}}), 4);
  EXPECT_EQ(value_of(e, kVerdicts,
                     {{"shadow", "tighter"}, {"container", "batch"}, {"syscall", "mount"}, {"current", "errno"},
                      {"candidate", "errno"}}),
            7);
  EXPECT_TRUE(e.find(kVerdicts, {{"syscall", "umount2"}}).empty()) << "a row without calls is no series";
  EXPECT_EQ(value_of(e, kVerdicts, {{"shadow", "looser"}, {"container", "web"}, {"syscall", "uname"}}), 4);
  for (const auto& s : e.find(kVerdicts)) {
    EXPECT_EQ(s.labels.count("errno"), 0u);
    EXPECT_EQ(s.labels.count("current_errno") + s.labels.count("candidate_errno"), 0u);
  }
  // Lost: one series per record, 0 included.
  EXPECT_EQ(e.find(kLost).size(), 2u);
  EXPECT_EQ(value_of(e, kLost, {{"shadow", "tighter"}}), 0);
  EXPECT_EQ(value_of(e, kLost, {{"shadow", "looser"}}), 42);

  std::set<std::string> known(metric_names().begin(), metric_names().end());
  EXPECT_TRUE(known.count(kVerdicts));
  EXPECT_TRUE(known.count(kLost));
}

TEST(ShadowRender, RefusedRecordsProduceNothing) {
  audit::State st;
  add_container(st, "web", "enforce", "p", kNow);
  for (const char* name : {"refused", "accepted"}) {
    auto& r = add_shadow(st, name, std::string(name) == "refused" ? "refused" : "active", 9);
    add_shadow_row(r, "web", native_arch(), 63, "uname", "allow", -1, "errno", 1, 5);
  }
  auto e = parse_exposition(render(st, ExporterOptions{}, kNow));
  EXPECT_TRUE(e.find(kVerdicts, {{"shadow", "refused"}}).empty());
  EXPECT_TRUE(e.find(kLost, {{"shadow", "refused"}}).empty());
  // The same record, accepted, does show: only the status keeps the refused one out.
  EXPECT_EQ(value_of(e, kVerdicts, {{"shadow", "accepted"}, {"container", "web"}}), 5);
  EXPECT_EQ(value_of(e, kLost, {{"shadow", "accepted"}}), 9);
  EXPECT_EQ(e.find(kLost).size(), 1u);
}

TEST(ShadowRender, LostRenderedForEveryExportedRecord) {
  audit::State st;
  add_shadow(st, "fresh", "active");                 // no rows yet, nothing lost
  add_shadow(st, "busy", "active", 1234567);
  add_shadow(st, "done", "stopped", 3);
  auto e = parse_exposition(render(st, ExporterOptions{}, kNow));
  EXPECT_EQ(e.find(kLost).size(), 3u);
  EXPECT_EQ(value_of(e, kLost, {{"shadow", "fresh"}}), 0);
  EXPECT_EQ(value_of(e, kLost, {{"shadow", "busy"}}), 1234567);
  EXPECT_EQ(value_of(e, kLost, {{"shadow", "done"}}), 3);
  for (const auto& s : e.find(kLost)) EXPECT_EQ(s.labels.size(), 1u) << "lost has the shadow label only";
  EXPECT_TRUE(e.find(kVerdicts).empty());
}

TEST(ShadowRender, HostileBytesRenderAsValidExposition) {
  audit::State st;
  const std::string hostile_id = "evil\"} injected{x=\"1\\\nline2\xFF\xFE";
  add_container(st, hostile_id, "enforce", "p", kNow);
  // Two ids that render alike: merged into one series, not duplicated.
  add_container(st, "a\xFF", "enforce", "p", kNow);
  add_container(st, "a\\xFF", "enforce", "p", kNow);
  const std::string hostile_shadow = "s\xFE\"\n";
  auto& r = add_shadow(st, hostile_shadow, "active", 1);
  add_shadow_row(r, hostile_id, native_arch(), 63, "un\"ame\xC3\n", "allow", -1, "errno", 1, 3);
  // The arch is typed (no bytes in it): one no table names is labelled by its value.
  add_shadow_row(r, hostile_id, "0x12345678", 122, "uname", "allow", -1, "errno", 1, 2);
  add_shadow_row(r, "a\xFF", native_arch(), 63, "uname", "allow", -1, "errno", 1, 2);
  add_shadow_row(r, "a\\xFF", native_arch(), 63, "uname", "allow", -1, "errno", 1, 3);
  const std::string text = render(st, ExporterOptions{}, kNow);
  auto e = parse_exposition(text);  // throws on a broken line

  const std::string shadow_label = "s\\xFE\"\\x0A";
  EXPECT_EQ(utf8_label_value(hostile_shadow), shadow_label);
  EXPECT_EQ(value_of(e, kLost, {{"shadow", shadow_label}}), 1);
  auto v = e.find(kVerdicts, {{"container", "evil\"} injected{x=\"1\\\\x0Aline2\\xFF\\xFE"}});
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(value_of(e, kVerdicts, {{"shadow", shadow_label}, {"syscall", "un\"ame\\xC3\\x0A"}}), 3);
  EXPECT_EQ(value_of(e, kVerdicts, {{"shadow", shadow_label}, {"arch", "0x12345678"}}), 2);
  EXPECT_EQ(value_of(e, kVerdicts, {{"container", "a\\xFF"}}), 5) << "colliding label values are summed";
  // No raw newline inside a label and no invalid UTF-8 anywhere in the text.
  EXPECT_TRUE(sc::bytes::valid_utf8(text));
  for (const auto& s : e.find(kVerdicts))
    for (const auto& [k, val] : s.labels) EXPECT_EQ(val.find('\n'), std::string::npos) << k;
  auto promtool = testing::run_command({"promtool", "check", "metrics"}, text);
  EXPECT_EQ(promtool.exit_code, 0) << promtool.output << "\n--- exposition ---\n" << text;
  EXPECT_EQ(promtool.output, "") << "promtool lint findings";
}

TEST(ShadowRender, FoldingBeyondTheCapKeepsTheTotal) {
  audit::State st;
  add_container(st, "noisy", "enforce", "p", kNow);
  add_container(st, "wild", "enforce", "p", kNow);
  add_container(st, "quiet", "enforce", "p", kNow);
  auto& big = add_shadow(st, "big", "active");
  // 30 syscalls with distinct counts 100..129, three (current, candidate) pairs.
  const char* candidates[] = {"errno", "allow", "kill_process"};
  for (int k = 0; k < 30; ++k)
    add_shadow_row(big, "noisy", k % 2 ? "x86" : native_arch(), k, "s" + std::to_string(k), "allow", -1,
                   candidates[k % 3], -1, static_cast<uint64_t>(100 + k));
  // 81 pairs (every current word x every candidate word), one syscall each, counts 1..81.
  std::vector<std::string> words = {"allow", "errno", "kill_process", "kill_thread", "trap", "log", "user_notif",
                                    "trace", "unknown"};
  int i = 0;
  for (const auto& current : words)
    for (const auto& candidate : words) {
      add_shadow_row(big, "wild", native_arch(), i, "w" + std::to_string(i), current, -1, candidate, -1,
                     static_cast<uint64_t>(i + 1));
      ++i;
    }
  add_shadow_row(big, "quiet", native_arch(), 1, "write", "allow", -1, "errno", 1, 1);
  add_shadow_row(big, "quiet", native_arch(), 2, "open", "allow", -1, "errno", 1, 1);
  auto& other_shadow = add_shadow(st, "big2", "active");  // the cap is per (shadow, container)
  for (int k = 0; k < 3; ++k)
    add_shadow_row(other_shadow, "noisy", native_arch(), k, "s" + std::to_string(k), "allow", -1, "allow", -1, 1);

  ExporterOptions o;
  o.max_series_per_container = 8;
  auto e = parse_exposition(render(st, o, kNow));

  // noisy: 5 kept (the busiest) + one "other" per pair (3) = 8.
  auto noisy = e.find(kVerdicts, {{"shadow", "big"}, {"container", "noisy"}});
  EXPECT_EQ(noisy.size(), 8u);
  EXPECT_EQ(sum_of(noisy), 3435) << "folding must not lose counts (100 + ... + 129)";
  for (int k = 25; k < 30; ++k)
    EXPECT_EQ(value_of(e, kVerdicts, {{"shadow", "big"}, {"container", "noisy"}, {"syscall", "s" + std::to_string(k)}}),
              100 + k);
  EXPECT_TRUE(e.find(kVerdicts, {{"shadow", "big"}, {"syscall", "s24"}}).empty()) << "s24 is folded";
  auto other = e.find(kVerdicts, {{"shadow", "big"}, {"container", "noisy"}, {"syscall", "other"}});
  EXPECT_EQ(other.size(), 3u);
  for (const auto& s : other) EXPECT_EQ(s.labels.count("arch"), 0u) << "folded series drop arch";
  // k < 25 by candidate: errno k = 0, 3, ..., 24; allow 1, 4, ..., 22; kill 2, 5, ..., 23.
  EXPECT_EQ(value_of(e, kVerdicts, {{"container", "noisy"}, {"syscall", "other"}, {"candidate", "errno"}}), 1008);
  EXPECT_EQ(value_of(e, kVerdicts, {{"shadow", "big"}, {"container", "noisy"}, {"syscall", "other"}, {"candidate", "allow"}}),
            892);
  EXPECT_EQ(value_of(e, kVerdicts, {{"container", "noisy"}, {"syscall", "other"}, {"candidate", "kill_process"}}), 900);

  // wild: more pairs than the cap: 7 busiest pairs + one current="other", candidate="other".
  auto wild = e.find(kVerdicts, {{"shadow", "big"}, {"container", "wild"}});
  EXPECT_EQ(wild.size(), 8u);
  EXPECT_EQ(sum_of(wild), 3321) << "1 + ... + 81";
  for (const auto& s : wild) EXPECT_EQ(s.labels.at("syscall"), "other");
  EXPECT_EQ(value_of(e, kVerdicts, {{"container", "wild"}, {"current", "other"}, {"candidate", "other"}}), 2775)
      << "1 + ... + 74";
  EXPECT_EQ(value_of(e, kVerdicts, {{"container", "wild"}, {"current", "unknown"}, {"candidate", "unknown"}}), 81);

  // Below the cap: untouched; another shadow on the same container has a cap of its own.
  EXPECT_EQ(e.find(kVerdicts, {{"shadow", "big"}, {"container", "quiet"}}).size(), 2u);
  EXPECT_EQ(e.find(kVerdicts, {{"shadow", "big2"}, {"container", "noisy"}}).size(), 3u);
  EXPECT_TRUE(e.find(kVerdicts, {{"shadow", "big2"}, {"syscall", "other"}}).empty());

  // A large cap folds nothing.
  o.max_series_per_container = 10000;
  e = parse_exposition(render(st, o, kNow));
  EXPECT_EQ(e.find(kVerdicts, {{"shadow", "big"}, {"container", "noisy"}}).size(), 30u);
  EXPECT_EQ(e.find(kVerdicts, {{"shadow", "big"}, {"container", "wild"}}).size(), 81u);
  EXPECT_TRUE(e.find(kVerdicts, {{"syscall", "other"}}).empty());
}

TEST(ShadowRender, ContainerPastRetentionHasNoShadowSeries) {
  audit::State st;
  add_container(st, "old", "enforce", "p", kNow - 7200 * kSecond).exited_at_ns = kNow - 3601 * kSecond;
  add_container(st, "recent", "enforce", "p", kNow - 7200 * kSecond).exited_at_ns = kNow - 3599 * kSecond;
  add_container(st, "alive", "enforce", "p", kNow);
  auto& r = add_shadow(st, "s", "stopped", 2);
  for (const char* c : {"old", "recent", "alive", "ghost" /* not in state.containers */})
    add_shadow_row(r, c, native_arch(), 63, "uname", "allow", -1, "errno", 1, 6);
  ExporterOptions o;
  o.retention_seconds = 3600;
  auto e = parse_exposition(render(st, o, kNow));
  EXPECT_TRUE(e.find(kVerdicts, {{"container", "old"}}).empty());
  EXPECT_TRUE(e.find(kVerdicts, {{"container", "ghost"}}).empty());
  EXPECT_EQ(value_of(e, kVerdicts, {{"container", "recent"}}), 6);
  EXPECT_EQ(value_of(e, kVerdicts, {{"container", "alive"}}), 6);
  EXPECT_EQ(e.find(kVerdicts).size(), 2u);
  EXPECT_EQ(value_of(e, kLost, {{"shadow", "s"}}), 2) << "the record itself stays";
  o.retention_seconds = 0;  // exited containers leave at once
  e = parse_exposition(render(st, o, kNow));
  EXPECT_TRUE(e.find(kVerdicts, {{"container", "recent"}}).empty());
  EXPECT_EQ(e.find(kVerdicts).size(), 1u);
  o.retention_seconds = INT64_MAX;  // forever
  e = parse_exposition(render(st, o, kNow));
  EXPECT_EQ(e.find(kVerdicts, {{"container", "old"}}).size(), 1u);
  EXPECT_TRUE(e.find(kVerdicts, {{"container", "ghost"}}).empty()) << "unknown containers are never retained";
}

// The worst case the folding allows, verdicts and shadows together: every verdict action on
// several arches, every (current, candidate) pair on several arches, in every pair of an
// exported shadow and a retained container.
TEST(ShadowRender, SeriesCountWithinDocumentedBound) {
  audit::State st;
  ExporterOptions o;
  o.max_series_per_container = 10;
  const std::vector<std::string> words = {"allow", "errno", "kill_process", "kill_thread", "trap",
                                          "log",   "user_notif", "trace", "0x7ffd0000"};
  std::vector<std::string> ids;
  for (int c = 0; c < 4; ++c) {
    ids.push_back("c" + std::to_string(c));
    auto& rec = add_container(st, ids.back(), c % 2 ? "audit" : "enforce", "p", kNow);
    if (c == 3) rec.exited_at_ns = kNow - kSecond;  // exited, still retained
    rec.learned[sc::testing::arch(native_arch())] = {1, 2};
    rec.learned[sc::testing::arch("x86")] = {3};
    rec.learned[sc::testing::arch("x32")] = {4};
    int nr = 0;
    for (const char* action : kActions)
      for (int k = 0; k < 30; ++k, ++nr)
        add_verdict(rec, k % 2 ? "x86" : native_arch(), nr, "s" + std::to_string(nr), action, 1, 1 + k, kNow, kNow,
                    std::string(action) == "log" ? words[static_cast<size_t>(k) % words.size()] : "");
  }
  add_container(st, "gone", "audit", "p", kNow).exited_at_ns = kNow - 4000 * kSecond;  // beyond retention
  ids.push_back("gone");
  ids.push_back("ghost");
  // Shadows: two active and one stopped (exported), one refused (not).
  for (const char* status : {"active", "stopped", "active", "refused"}) {
    auto& r = add_shadow(st, std::string("shadow-") + status + std::to_string(st.shadows.size()), status, 1);
    for (const auto& id : ids) {
      if (r.name == "shadow-active2" && id == "c1") continue;  // one pair without rows: P = 3 * 4 - 1
      int nr = 0;
      for (const auto& current : words)
        for (const auto& candidate : words)
          for (const char* arch : {"x86", "x32"}) {
            add_shadow_row(r, id, nr % 3 ? arch : native_arch(), nr, "s" + std::to_string(nr), current, 1, candidate,
                           1, static_cast<uint64_t>(1 + nr % 17));
            ++nr;
          }
    }
  }
  ASSERT_EQ(st.shadows.count("shadow-active2"), 1u);
  st.sources["bpf"] = {true, "", 1, 0, 0};
  st.sources["audit"] = {true, "", 1, 0, 0};
  auto e = parse_exposition(render(st, o, kNow));

  const size_t containers = 4, sources = 2, arches = 3, shadows = 3, pairs = 11;
  const size_t bound = series_bound(containers, sources, arches, shadows, pairs, o);
  EXPECT_LE(e.samples.size() + 1, bound) << "(+1: the exporter's snapshot error counter)";
  // Not vacuous: every pair's shadow series hit the cap exactly, and the shadows' share of the
  // bound (D + P * M') is what they hold.
  const size_t shadow_samples = e.find(kVerdicts).size() + e.find(kLost).size();
  EXPECT_EQ(e.find(kVerdicts).size(), pairs * 10);
  EXPECT_EQ(e.find(kLost).size(), shadows);
  EXPECT_EQ(bound - series_bound(containers, sources, arches, 0, 0, o), shadow_samples);
  EXPECT_EQ(e.find(kVerdicts, {{"shadow", "shadow-active0"}, {"container", "c0"}}).size(), 10u);
  EXPECT_GT(e.samples.size(), bound / 3);
}

}  // namespace
}  // namespace sc::metrics::shadow_render
