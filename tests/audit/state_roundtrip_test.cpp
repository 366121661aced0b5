// Property: a State holding hostile bytes of every class in every string field (and extreme
// numbers in every number field) is saved by save_state_file and loaded back by
// load_state_file EQUAL, field by field. The oracle is the field-wise comparison below, not
// the product's own serialiser. (tests/bytes/stored_files_test.cpp covers fewer fields with a
// mix of values; this goes through every class one at a time, hooks and args included.)
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <linux/audit.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "state/state_file.h"
#include "state/aggregate.h"
#include "tests/support/temp_dir.h"

using namespace sc;

namespace {

struct RoundTripDir : sc::testing::TempDir {
  RoundTripDir() : TempDir("sc-roundtrip-test") {}
};

struct HostileClass {
  const char* name;
  std::string bytes;
};

// Every class of byte string that is not plain text, each named for the failure message.
std::vector<HostileClass> hostile_classes() {
  std::string controls;
  for (int b = 1; b < 0x20; ++b) controls += static_cast<char>(b);
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  return {
      {"empty", ""},
      {"overlong 2-byte C0", "\xC0\xAF"},
      {"overlong 2-byte C1", "\xC1\xBF"},
      {"overlong 3-byte", "\xE0\x80\xAF"},
      {"overlong 4-byte", "\xF0\x80\x80\xAF"},
      {"surrogate high", "\xED\xA0\x80"},
      {"surrogate low", "\xED\xBF\xBF"},
      {"above U+10FFFF", "\xF4\x90\x80\x80"},
      {"F5 lead", "\xF5\x80\x80\x80"},
      {"FE FF", "\xFE\xFF"},
      {"lone continuation", "\x80"},
      {"lone continuation BF", "a\xBF" "b"},
      {"truncated 2-byte", "\xC3"},
      {"truncated 3-byte", "\xE2\x82"},
      {"truncated 4-byte", "\xF0\x9F\x98"},
      {"truncated then valid", "\xE2\x82" "A"},
      {"NUL alone", std::string(1, '\0')},
      {"NUL inside", std::string("a\0b\0", 4)},
      {"C0 controls", controls},
      {"DEL", "\x7F"},
      {"C1 control (valid UTF-8)", "\xC2\x80\xC2\x9F"},
      {"quotes and backslashes", "\"'\\\"\\\\"},
      {"markup", "<script>alert(1)</script>&amp;&lt;"},
      {"JSON-looking", "{\"version\":2}\n]"},
      {"hex prefix, valid hex", "hex:41"},
      {"hex prefix, odd digits", "hex:4"},
      {"hex prefix alone", "hex:"},
      {"hex prefix, lower case", "hex:ff"},
      {"valid multi-byte", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"},
      {"every byte", all},
      {"long valid", std::string(70000, 'x')},
      {"long then invalid", std::string(70000, 'y') + "\xFF"},
  };
}

audit::State state_of(const std::string& v) {
  audit::State st;
  st.version = 1;
  st.last_flush_ns = std::numeric_limits<int64_t>::max();
  audit::ContainerRecord& c = st.containers[v];  // the id (a map key) is hostile too
  c.container_id = v;
  c.runtime = v;
  c.cgroup_path = v;
  c.cgroup_id = std::numeric_limits<uint64_t>::max();
  c.profile_name = v;
  c.profile_path = v;
  c.profile_sha256 = v;
  c.mode = v;
  c.first_seen_ns = std::numeric_limits<int64_t>::min();
  c.last_seen_ns = -1;
  c.exited_at_ns = 0;
  audit::Sample s;
  s.comm = v;
  s.exe = v;
  s.pid = std::numeric_limits<int32_t>::min();
  s.tid = std::numeric_limits<int32_t>::max();
  s.has_args = true;
  s.args = {0, 1, std::numeric_limits<uint64_t>::max(), 3, 4, 5};
  s.instruction_pointer = std::numeric_limits<uint64_t>::max();
  audit::ArgRecord args;
  args.tuples[{0, 0, 0, 0, 0, 0}] = 1;
  args.tuples[{std::numeric_limits<uint64_t>::max(), 1, 2, 3, 4, std::numeric_limits<uint64_t>::max()}] =
      std::numeric_limits<uint64_t>::max();
  args.dropped = std::numeric_limits<uint64_t>::max() - 1;
  // The key is typed: its extremes are an arch and an action no table names (kept as numbers,
  // written as 0x<hex>) and the zero values (arch 0, KILL_THREAD).
  c.verdicts[audit::VerdictKey{std::numeric_limits<uint32_t>::max(), std::numeric_limits<int32_t>::max(),
                               static_cast<common::Action>(0xffff0000u), 0}] =
      audit::VerdictStats{v, std::numeric_limits<uint64_t>::max(), 1, 2, static_cast<common::Action>(0x7ffd0000u), s, args};
  c.verdicts[audit::VerdictKey{0, -1, common::Action::KillThread, -1}] =
      audit::VerdictStats{v, 0, 0, 0, std::nullopt, std::nullopt, std::nullopt};
  // Learned calls and allowed arguments are keyed by arch too: a named one, one no table
  // names, and 0.
  c.learned[AUDIT_ARCH_X86_64] = {std::numeric_limits<int32_t>::min(), 0, std::numeric_limits<int32_t>::max()};
  c.learned[std::numeric_limits<uint32_t>::max()] = {1};
  c.learned[0] = {2};
  c.allowed_args[{std::numeric_limits<uint32_t>::max(), std::numeric_limits<int32_t>::min()}] = args;
  c.allowed_args[{AUDIT_ARCH_I386, 136}] = args;
  audit::SourceHealth h{true, v, 1, 2, 3};
  h.hooks = {audit::HookHealth{v, true, v, v}, audit::HookHealth{"tp_btf/signal_generate", false, "", v}};
  st.sources[v] = h;
  st.sources["audit"] = audit::SourceHealth{false, v, 0, 0, 0};
  return st;
}

void expect_equal_samples(const std::optional<audit::Sample>& a, const std::optional<audit::Sample>& b) {
  ASSERT_EQ(a.has_value(), b.has_value());
  if (!a) return;
  EXPECT_EQ(a->comm, b->comm);
  EXPECT_EQ(a->exe, b->exe);
  EXPECT_EQ(a->pid, b->pid);
  EXPECT_EQ(a->tid, b->tid);
  EXPECT_EQ(a->has_args, b->has_args);
  EXPECT_EQ(a->args, b->args);
  EXPECT_EQ(a->instruction_pointer, b->instruction_pointer);
}

void expect_equal_states(const audit::State& a, const audit::State& b) {
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.last_flush_ns, b.last_flush_ns);
  ASSERT_EQ(a.containers.size(), b.containers.size());
  for (auto ia = a.containers.begin(), ib = b.containers.begin(); ia != a.containers.end(); ++ia, ++ib) {
    EXPECT_EQ(ia->first, ib->first);
    const auto& x = ia->second;
    const auto& y = ib->second;
    EXPECT_EQ(x.container_id, y.container_id);
    EXPECT_EQ(x.runtime, y.runtime);
    EXPECT_EQ(x.cgroup_path, y.cgroup_path);
    EXPECT_EQ(x.cgroup_id, y.cgroup_id);
    EXPECT_EQ(x.profile_name, y.profile_name);
    EXPECT_EQ(x.profile_path, y.profile_path);
    EXPECT_EQ(x.profile_sha256, y.profile_sha256);
    EXPECT_EQ(x.mode, y.mode);
    EXPECT_EQ(x.first_seen_ns, y.first_seen_ns);
    EXPECT_EQ(x.last_seen_ns, y.last_seen_ns);
    EXPECT_EQ(x.exited_at_ns, y.exited_at_ns);
    EXPECT_EQ(x.learned, y.learned);
    EXPECT_EQ(x.allowed_args, y.allowed_args);
    ASSERT_EQ(x.verdicts.size(), y.verdicts.size());
    for (auto va = x.verdicts.begin(), vb = y.verdicts.begin(); va != x.verdicts.end(); ++va, ++vb) {
      EXPECT_EQ(va->first.arch, vb->first.arch);
      EXPECT_EQ(va->first.nr, vb->first.nr);
      EXPECT_EQ(va->first.action, vb->first.action);
      EXPECT_EQ(va->first.error, vb->first.error);
      EXPECT_EQ(va->second.syscall, vb->second.syscall);
      EXPECT_EQ(va->second.count, vb->second.count);
      EXPECT_EQ(va->second.first_seen_ns, vb->second.first_seen_ns);
      EXPECT_EQ(va->second.last_seen_ns, vb->second.last_seen_ns);
      EXPECT_EQ(va->second.would_be_action, vb->second.would_be_action);
      expect_equal_samples(va->second.sample, vb->second.sample);
      EXPECT_EQ(va->second.args, vb->second.args);
    }
  }
  ASSERT_EQ(a.sources.size(), b.sources.size());
  for (auto sa = a.sources.begin(), sb = b.sources.begin(); sa != a.sources.end(); ++sa, ++sb) {
    EXPECT_EQ(sa->first, sb->first);
    EXPECT_EQ(sa->second.live, sb->second.live);
    EXPECT_EQ(sa->second.detail, sb->second.detail);
    EXPECT_EQ(sa->second.events, sb->second.events);
    EXPECT_EQ(sa->second.lost, sb->second.lost);
    EXPECT_EQ(sa->second.samples_dropped, sb->second.samples_dropped);
    EXPECT_EQ(sa->second.hooks, sb->second.hooks);
  }
}

using sc::testing::file_bytes;

}  // namespace

TEST(StateRoundTrip, EveryHostileClassInEveryFieldSavesAndLoadsEqual) {
  for (const auto& hostile : hostile_classes()) {
    SCOPED_TRACE(hostile.name);
    RoundTripDir dir;
    audit::State st = state_of(hostile.bytes);
    audit::Bookkeeping books;
    books.journal_seq = std::numeric_limits<uint64_t>::max();
    // The tracer's map keys at their extremes, one of each map.
    books.tracer_baseline.counts[{std::numeric_limits<uint64_t>::max(), std::numeric_limits<uint32_t>::max(),
                                  std::numeric_limits<int32_t>::min(), std::numeric_limits<uint32_t>::max(), -1}] = 9;
    books.tracer_baseline.args[{hostile.bytes.size(), 0, std::numeric_limits<int32_t>::max(),
                                {0, 1, 2, 3, 4, std::numeric_limits<uint64_t>::max()}}] = std::numeric_limits<uint64_t>::max();
    books.tracer_baseline.drops[{0, 0, 0}] = 1;
    ASSERT_NO_THROW(audit::save_state_file(dir.path, st, books));
    // An independent reader accepts the file (strict UTF-8 JSON) ...
    EXPECT_TRUE(nlohmann::json::accept(file_bytes(dir.path + "/state.json")));
    // ... and the product's reader gives back exactly what was saved.
    auto loaded = audit::load_state_file(dir.path);
    ASSERT_TRUE(loaded.error.empty()) << loaded.error;
    EXPECT_TRUE(loaded.set_aside.empty());
    EXPECT_EQ(loaded.books.journal_seq, std::numeric_limits<uint64_t>::max());
    EXPECT_EQ(loaded.books.tracer_baseline, books.tracer_baseline);
    expect_equal_states(st, loaded.state);
  }
}

TEST(StateRoundTrip, TheFileHoldsInvalidBytesAsUpperCaseHexAndTextAsIs) {
  RoundTripDir dir;
  audit::State st;
  st.containers["caf\xC3\xA9"].container_id = "caf\xC3\xA9";
  st.containers["\xC0\xAF"].container_id = "\xC0\xAF";
  st.containers["hex:41"].container_id = "hex:41";
  audit::save_state_file(dir.path, st, audit::Bookkeeping{});
  std::string text = file_bytes(dir.path + "/state.json");
  EXPECT_NE(text.find("\"caf\xC3\xA9\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"hex:C0AF\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"hex:6865783A3431\""), std::string::npos) << "a value that looks encoded is encoded\n" << text;
  EXPECT_EQ(text.find("\xC0\xAF"), std::string::npos);
}

// The tracer baseline as earlier versions wrote it, one flat object of "cg/arch/nr/..." keys:
// an upgrade reads every entry into its typed key (so no count is applied twice), and an
// entry that is no tracer map key makes the file unreadable (set aside), naming the entry.
TEST(TracerBaseline, TheFlatFormEarlierVersionsWroteStillLoads) {
  auto legacy = nlohmann::json::parse(R"({"12/3221225534/39/2147418112/-1": 5, "12/3221225534/62/327680/1": 2,
    "args/12/3221225534/41/2,1,0,0,0,18446744073709551615": 7, "argsdrop/12/1073741827/359": 3})");
  audit::TracerBaseline b = audit::tracer_baseline_from(legacy);
  EXPECT_EQ(b.counts.size(), 2u);
  EXPECT_EQ((b.counts.at({12, 3221225534u, 39, 2147418112u, -1})), 5u);
  EXPECT_EQ((b.counts.at({12, 3221225534u, 62, 327680u, 1})), 2u);
  EXPECT_EQ((b.args.at({12, 3221225534u, 41, {2, 1, 0, 0, 0, std::numeric_limits<uint64_t>::max()}})), 7u);
  EXPECT_EQ((b.drops.at({12, 1073741827u, 359})), 3u);
  // Written back in the typed form, it reads back equal.
  EXPECT_EQ(audit::tracer_baseline_from(audit::tracer_baseline_json(b)), b);
  b.forget_args(12);
  EXPECT_TRUE(b.args.empty() && b.drops.empty());
  EXPECT_EQ(b.counts.size(), 2u) << "verdict counts are kept: their map is not cleared with a cgroup's arguments";

  for (const char* bad : {"12/x/39/0/-1", "args/12/1/2/1,2,3", "argsdrop/12/1", "12/1/2/3", "hex:ff"}) {
    SCOPED_TRACE(bad);
    try {
      audit::tracer_baseline_from(nlohmann::json{{bad, 1}});
      ADD_FAILURE() << "accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("'") + bad + "'"), std::string::npos) << e.what();
    }
  }
}
