// Every byte value, in every string the daemon journals and keeps, survives a restart: the
// journal (state/journal.cpp) and state.json (state/state_file.cpp) are written
// by one daemon and read back by the next (new objects, only the files in between). Each of
// the 256 byte values stands alone, between text, and at the ends of process names, exe and
// cgroup paths, container ids and profile paths. The oracle is the raw bytes put in, compared
// field by field, and the files themselves must be strict JSON (what a reader elsewhere sees).
// No root: plain files in /tmp.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "state/journal.h"
#include "state/observation.h"
#include "state/state_file.h"
#include "state/aggregate.h"
#include "tests/support/temp_dir.h"
#include "tests/support/verdict_key.h"

namespace hostile_bytes_test {

using namespace sc;

using sc::testing::file_bytes;

struct TempDir : sc::testing::TempDir {
  TempDir() : sc::testing::TempDir("sc-hostile-bytes") {}
  std::string journal() const { return audit::journal_file_path(path); }
};

// The strings under test: byte b alone, inside text, and at both ends. Distinct for every b
// (so each is its own container in a map keyed by the id).
std::vector<std::string> shapes_of(int b) {
  const std::string c(1, static_cast<char>(b));
  return {c, "a" + c + "z", c + "tail", "head" + c, c + c + c};
}

std::vector<std::string> every_byte_value_strings() {
  std::vector<std::string> out;
  for (int b = 0; b < 256; ++b)
    for (auto& s : shapes_of(b)) out.push_back(s);
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  out.push_back(all);
  std::string reversed(all.rbegin(), all.rend());
  out.push_back(reversed);
  return out;
}

audit::Observation hostile_observation(const std::string& v, uint64_t n) {
  audit::Observation o;
  o.container_id = "id:" + v;
  o.runtime = "cgroup";
  o.cgroup_path = "/kubepods/" + v;
  o.cgroup_id = n;
  o.mode = "audit";
  o.profile_name = v;
  o.profile_path = "/etc/profiles/" + v + ".json";
  o.profile_sha256 = "sha:" + v;
  o.key = sc::testing::verdict_key("x86_64", 39, "log", -1);
  o.syscall = "getpid";
  o.count = n;
  o.first_ns = static_cast<int64_t>(n);
  o.last_ns = static_cast<int64_t>(n) + 1;
  o.would_be_action = sc::common::Action::Errno;
  audit::Sample s;
  s.comm = v;
  s.exe = "/usr/bin/" + v;
  s.pid = static_cast<int32_t>(n);
  s.tid = static_cast<int32_t>(n) + 1;
  s.instruction_pointer = 0xffffffffffff0000ull + n;
  o.sample = s;
  return o;
}

// The container record must hold exactly the bytes of `o`.
void expect_record_of(const audit::State& st, const audit::Observation& o) {
  auto c = st.containers.find(o.container_id);
  ASSERT_NE(c, st.containers.end()) << "container id lost: " << ::testing::PrintToString(o.container_id);
  const auto& r = c->second;
  EXPECT_EQ(r.container_id, o.container_id);
  EXPECT_EQ(r.cgroup_path, o.cgroup_path);
  EXPECT_EQ(r.cgroup_id, o.cgroup_id);
  EXPECT_EQ(r.profile_name, o.profile_name);
  EXPECT_EQ(r.profile_path, o.profile_path);
  EXPECT_EQ(r.profile_sha256, o.profile_sha256);
  auto v = r.verdicts.find(o.key);
  ASSERT_NE(v, r.verdicts.end());
  EXPECT_EQ(v->second.count, o.count);
  EXPECT_EQ(v->second.syscall, "getpid");
  EXPECT_EQ(v->second.would_be_action, sc::common::Action::Errno);
  ASSERT_TRUE(v->second.sample.has_value());
  EXPECT_EQ(v->second.sample->comm, o.sample->comm);
  EXPECT_EQ(v->second.sample->exe, o.sample->exe);
  EXPECT_EQ(v->second.sample->pid, o.sample->pid);
  EXPECT_EQ(v->second.sample->tid, o.sample->tid);
  EXPECT_EQ(v->second.sample->instruction_pointer, o.sample->instruction_pointer);
}

// Each line of the journal and the whole state file are strict JSON (nlohmann rejects invalid
// UTF-8 when parsing), so any JSON reader can read them.
void expect_strict_json_lines(const std::string& text) {
  std::istringstream lines(text);
  std::string line;
  size_t n = 0;
  while (std::getline(lines, line)) {
    ++n;
    EXPECT_TRUE(nlohmann::json::accept(line)) << "line " << n;
  }
  EXPECT_GT(n, 0u);
}

TEST(HostileBytes, EveryByteValueInTheJournalIsReplayedByTheNextDaemon) {
  TempDir dir;
  const auto values = every_byte_value_strings();
  std::vector<audit::Observation> written;
  {
    audit::Journal journal(dir.journal());  // the first daemon
    std::vector<audit::Observation> batch;
    uint64_t seq = 0;
    for (size_t i = 0; i < values.size(); ++i) {
      batch.push_back(hostile_observation(values[i], i + 1));
      written.push_back(batch.back());
      if (batch.size() == 64 || i + 1 == values.size()) {
        journal.append(++seq, batch);
        batch.clear();
      }
    }
  }  // killed: nothing but the journal remains
  expect_strict_json_lines(file_bytes(dir.journal()));

  audit::State replayed;  // the next daemon
  std::vector<audit::Observation> seen;
  audit::ReplayResult r = audit::replay_journal(dir.journal(), 0, [&](const audit::Observation& o) {
    seen.push_back(o);
    audit::apply(replayed, o);
  });
  EXPECT_EQ(r.torn_lines, 0u);
  EXPECT_EQ(r.observations, written.size());
  EXPECT_EQ(r.batches, (written.size() + 63) / 64);
  EXPECT_EQ(r.last_seq, r.batches);
  ASSERT_EQ(seen.size(), written.size());
  for (size_t i = 0; i < written.size(); ++i) {
    SCOPED_TRACE(::testing::PrintToString(values[i]));
    EXPECT_EQ(seen[i].container_id, written[i].container_id);
    EXPECT_EQ(seen[i].cgroup_path, written[i].cgroup_path);
    EXPECT_EQ(seen[i].profile_name, written[i].profile_name);
    EXPECT_EQ(seen[i].profile_path, written[i].profile_path);
    EXPECT_EQ(seen[i].profile_sha256, written[i].profile_sha256);
    ASSERT_TRUE(seen[i].sample.has_value());
    EXPECT_EQ(seen[i].sample->comm, written[i].sample->comm);
    EXPECT_EQ(seen[i].sample->exe, written[i].sample->exe);
    expect_record_of(replayed, written[i]);
  }
  EXPECT_EQ(replayed.containers.size(), written.size()) << "every id is its own container";

  // Replaying again after the state recorded the first half: only the rest applies.
  uint64_t later = 0;
  audit::replay_journal(dir.journal(), r.batches / 2, [&](const audit::Observation&) { ++later; });
  EXPECT_EQ(later, written.size() - (r.batches / 2) * 64);
}

TEST(HostileBytes, EveryByteValueInStateJsonIsLoadedByTheNextDaemonAndSavedAgainIdentically) {
  TempDir dir;
  const auto values = every_byte_value_strings();
  audit::State st;
  st.version = 1;
  st.last_flush_ns = 1234;
  std::vector<audit::Observation> put;
  for (size_t i = 0; i < values.size(); ++i) {
    put.push_back(hostile_observation(values[i], i + 1));
    audit::apply(st, put.back());
  }
  audit::Bookkeeping books;
  books.journal_seq = 7;
  books.flush_seq = 3;
  for (size_t i = 0; i < values.size(); i += 37)
    books.watched.push_back(audit::WatchedCgroup{"id:" + values[i], "/kubepods/" + values[i], i, static_cast<int64_t>(i)});
  books.tracer_baseline.counts[{1, 3221225534u, 39, 2147418112u, -1}] = 5;
  audit::save_state_file(dir.path, st, books);
  const std::string first = file_bytes(audit::state_file_path(dir.path));
  EXPECT_TRUE(nlohmann::json::accept(first)) << "state.json must be strict JSON";

  audit::LoadedState loaded = audit::load_state_file(dir.path);  // the next daemon
  ASSERT_TRUE(loaded.existed);
  EXPECT_EQ(loaded.error, "");
  EXPECT_EQ(loaded.set_aside, "");
  EXPECT_EQ(loaded.state.containers.size(), values.size());
  for (const auto& o : put) {
    SCOPED_TRACE(::testing::PrintToString(o.profile_name));
    expect_record_of(loaded.state, o);
  }
  EXPECT_EQ(loaded.books.journal_seq, 7u);
  EXPECT_EQ(loaded.books.flush_seq, 3u);
  EXPECT_EQ(loaded.books.watched, books.watched);
  EXPECT_EQ(loaded.books.tracer_baseline, books.tracer_baseline);

  // The daemon after that saves what it loaded: the same bytes on disk (the encoding is a
  // fixed point, so restarts never drift or double-encode).
  audit::save_state_file(dir.path, loaded.state, loaded.books);
  EXPECT_EQ(file_bytes(audit::state_file_path(dir.path)), first);
  audit::LoadedState again = audit::load_state_file(dir.path);
  for (const auto& o : put) expect_record_of(again.state, o);
}

TEST(HostileBytes, ObservationsReplayedOntoALoadedStateCountOnceWithTheirBytes) {
  // The whole start-up: state.json from the last flush plus the journal's later batches.
  TempDir dir;
  const auto values = every_byte_value_strings();
  audit::State st;
  std::vector<audit::Observation> flushed, journaled;
  for (size_t i = 0; i < values.size(); ++i) {
    auto o = hostile_observation(values[i], 1);
    audit::apply(st, o);
    flushed.push_back(o);
  }
  audit::Bookkeeping books;
  books.journal_seq = 1;
  audit::save_state_file(dir.path, st, books);
  {
    audit::Journal journal(dir.journal());
    std::vector<audit::Observation> first_batch(flushed.begin(), flushed.end());
    journal.append(1, first_batch);  // already in state.json: must not count twice
    std::vector<audit::Observation> second;
    for (const auto& o : flushed) {
      auto more = o;
      more.count = 2;
      more.last_ns = o.last_ns + 10;
      second.push_back(more);
    }
    journal.append(2, second);
  }
  audit::LoadedState loaded = audit::load_state_file(dir.path);
  auto r = audit::replay_journal(dir.journal(), loaded.books.journal_seq,
                                 [&](const audit::Observation& o) { audit::apply(loaded.state, o); });
  EXPECT_EQ(r.batches, 1u);
  EXPECT_EQ(r.last_seq, 2u);
  ASSERT_EQ(loaded.state.containers.size(), values.size());
  for (const auto& o : flushed) {
    auto c = loaded.state.containers.find(o.container_id);
    ASSERT_NE(c, loaded.state.containers.end()) << ::testing::PrintToString(o.container_id);
    auto v = c->second.verdicts.find(o.key);
    ASSERT_NE(v, c->second.verdicts.end());
    EXPECT_EQ(v->second.count, 3u) << "1 from state.json + 2 from the later batch";
    ASSERT_TRUE(v->second.sample.has_value());
    EXPECT_EQ(v->second.sample->comm, o.sample->comm);
  }
}

}  // namespace hostile_bytes_test
