// The write-ahead journal and the state file as the daemon uses them at start-up and at each
// flush (audit/daemon/daemon.cpp: load_state, commit_batch, flush), without root: torn lines,
// the sequence filter, a crash between saving state.json and truncating the journal, bad hex,
// state files corrupted twice in one second, a corrupt state file next to a non-empty journal.
// Every expectation is a literal (a count, a name, file bytes), never the product's own output.
#include <unistd.h>

#include <cstdint>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "state/journal.h"
#include "state/observation.h"
#include "state/state_file.h"
#include "state/aggregate.h"
#include "tests/support/temp_dir.h"
#include "tests/support/verdict_key.h"

using namespace sc;

namespace {

struct JournalDir : sc::testing::TempDir {
  JournalDir() : TempDir("sc-journal-test") {}
  std::string journal() const { return path + "/journal.jsonl"; }
  std::string state() const { return path + "/state.json"; }
};

using sc::testing::file_bytes;

audit::Observation getpid_log(const std::string& container, uint64_t count) {
  audit::Observation o;
  o.container_id = container;
  o.runtime = "cgroup";
  o.cgroup_path = "/" + container;
  o.mode = "audit";
  o.key = sc::testing::verdict_key("x86_64", 39, "log", -1);
  o.syscall = "getpid";
  o.count = count;
  o.first_ns = 100;
  o.last_ns = 200;
  return o;
}

uint64_t getpid_count(const audit::State& st, const std::string& container) {
  auto c = st.containers.find(container);
  if (c == st.containers.end()) return 0;
  auto v = c->second.verdicts.find(sc::testing::verdict_key("x86_64", 39, "log", -1));
  return v == c->second.verdicts.end() ? 0 : v->second.count;
}

// What the daemon does at start: load state.json, replay every batch after its journal_seq.
struct Started {
  audit::LoadedState loaded;
  audit::ReplayResult replay;
};
Started start_like_the_daemon(const JournalDir& dir) {
  Started s;
  s.loaded = audit::load_state_file(dir.path);
  s.replay = audit::replay_journal(dir.journal(), s.loaded.books.journal_seq,
                                   [&](const audit::Observation& o) { audit::apply(s.loaded.state, o); });
  if (s.replay.last_seq > s.loaded.books.journal_seq) s.loaded.books.journal_seq = s.replay.last_seq;
  return s;
}

// One observation of a format-2 line as the daemon writes it, literal (getpid/log, count n).
std::string literal_obs(uint64_t n, const std::string& container = "j1", const std::string& nr = "39") {
  return R"({"c":")" + container + R"(","rt":"cgroup","cg":"/x","cgid":0,"mode":"audit","pn":"","pp":"","ps":"",)"
         R"("arch":"x86_64","nr":)" + nr + R"(,"act":"log","err":-1,"sys":"getpid","n":)" + std::to_string(n) +
         R"(,"f":1,"l":2})";
}
std::string literal_line(uint64_t seq, uint64_t n, const std::string& container = "j1") {
  return R"({"v":2,"seq":)" + std::to_string(seq) + R"(,"obs":[)" + literal_obs(n, container) + "]}";
}

}  // namespace

TEST(JournalReplay, ATornFinalLineIsSkippedAndCountedTheBatchesBeforeItApply) {
  JournalDir dir;
  std::string torn = literal_line(3, 400);
  torn.resize(torn.size() / 2);  // the crash hit mid-write: no newline, half a JSON object
  { std::ofstream(dir.journal()) << literal_line(1, 1) << "\n" << literal_line(2, 20) << "\n" << torn; }
  audit::State st;
  auto r = audit::replay_journal(dir.journal(), 0, [&](const audit::Observation& o) { audit::apply(st, o); });
  EXPECT_EQ(r.batches, 2u);
  EXPECT_EQ(r.observations, 2u);
  EXPECT_EQ(r.torn_lines, 1u);
  EXPECT_EQ(r.last_seq, 2u) << "the torn batch was never acknowledged: its seq does not count";
  EXPECT_EQ(getpid_count(st, "j1"), 21u);
}

TEST(JournalReplay, TornLinesAnywhereAreSkippedOneByOne) {
  JournalDir dir;
  {
    std::ofstream out(dir.journal());
    out << literal_line(1, 1) << "\n"
        << R"({"v":2,"seq":2,"obs":[{"c":"j1","rt")" << "\n"          // cut inside a key
        << literal_line(3, 4) << "\n"
        << R"({"v":2,"seq":4)" << "\n"                                 // cut after the seq
        << "\n"                                                        // an empty line is nothing
        << std::string("\0\0\0\0", 4) << "\n"                          // zeroed block after a crash
        << literal_line(5, 16) << "\n";
  }
  audit::State st;
  auto r = audit::replay_journal(dir.journal(), 0, [&](const audit::Observation& o) { audit::apply(st, o); });
  EXPECT_EQ(r.batches, 3u);
  EXPECT_EQ(r.torn_lines, 3u);
  EXPECT_EQ(r.last_seq, 5u);
  EXPECT_EQ(getpid_count(st, "j1"), 21u);
}

TEST(JournalReplay, ABatchWithOneBadObservationIsSkippedWhole) {
  JournalDir dir;
  // Batch 2: a good observation, then one with a string where a number belongs.
  std::string two = R"({"v":2,"seq":2,"obs":[)" + literal_obs(8) + "," + literal_obs(2, "j1", R"("39")") + "]}";
  { std::ofstream(dir.journal()) << literal_line(1, 1) << "\n" << two << "\n"; }
  std::vector<uint64_t> counts;
  auto r = audit::replay_journal(dir.journal(), 0, [&](const audit::Observation& o) { counts.push_back(o.count); });
  EXPECT_EQ(counts, std::vector<uint64_t>{1}) << "half a batch is never applied";
  EXPECT_EQ(r.torn_lines, 1u);
}

TEST(JournalReplay, AnArchOrActionThatIsNoneMakesItsLineUnreadableOnly) {
  // The key is typed: a line whose arch or action text names none is not half-applied with a
  // made-up key; the lines around it are read.
  JournalDir dir;
  auto with = [](uint64_t seq, const std::string& from, const std::string& to) {
    std::string line = literal_line(seq, 5);
    line.replace(line.find(from), from.size(), to);
    return line;
  };
  {
    std::ofstream(dir.journal()) << literal_line(1, 1) << "\n"
                                 << with(2, R"("arch":"x86_64")", R"("arch":"amd64")") << "\n"
                                 << with(3, R"("act":"log")", R"("act":"LOG")") << "\n"
                                 << with(4, R"("arch":"x86_64")", R"("arch":"0xc000003e")") << "\n";
  }
  std::vector<audit::Observation> seen;
  auto r = audit::replay_journal(dir.journal(), 0, [&](const audit::Observation& o) { seen.push_back(o); });
  EXPECT_EQ(r.torn_lines, 2u);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].key, sc::testing::verdict_key("x86_64", 39, "log"));
  EXPECT_EQ(seen[1].key, seen[0].key) << "0xc000003e is AUDIT_ARCH_X86_64 by its number";
  EXPECT_EQ(r.last_seq, 4u);
}

TEST(JournalReplay, BatchesUpToTheStatesSeqAreSkippedLaterOnesAppliedExactlyOnce) {
  JournalDir dir;
  {
    audit::Journal journal(dir.journal());
    for (uint64_t seq = 1; seq <= 5; ++seq) journal.append(seq, {getpid_log("web", uint64_t{1} << (seq - 1))});
  }
  // Counts 1, 2, 4, 8, 16: any sum names exactly which batches were applied.
  for (uint64_t after = 0; after <= 6; ++after) {
    audit::State st;
    std::vector<uint64_t> seen;
    auto r = audit::replay_journal(dir.journal(), after, [&](const audit::Observation& o) {
      seen.push_back(o.count);
      audit::apply(st, o);
    });
    const uint64_t want[] = {31, 30, 28, 24, 16, 0, 0};
    EXPECT_EQ(getpid_count(st, "web"), want[after]) << "after_seq " << after;
    EXPECT_EQ(r.batches, after >= 5 ? 0u : 5 - after) << "after_seq " << after;
    EXPECT_EQ(seen.size(), r.batches);
    EXPECT_EQ(r.last_seq, 5u) << "last_seq covers skipped batches too";
    EXPECT_EQ(r.torn_lines, 0u);
  }
}

TEST(JournalReplay, AMissingJournalIsEmpty) {
  JournalDir dir;
  int calls = 0;
  auto r = audit::replay_journal(dir.journal(), 0, [&](const audit::Observation&) { ++calls; });
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(r.batches + r.observations + r.last_seq + r.torn_lines, 0u);
}

TEST(JournalReplay, ACrashBetweenStateSaveAndJournalTruncateDoesNotDoubleApply) {
  JournalDir dir;
  // Life 1: two batches journaled and applied (commit_batch), then a flush saves state.json with
  // journal_seq 2 ... and the process dies before Journal::truncate().
  {
    audit::State st;
    audit::Bookkeeping books;
    audit::Journal journal(dir.journal());
    for (uint64_t seq = 1; seq <= 2; ++seq) {
      auto o = getpid_log("web", seq == 1 ? 3 : 5);
      journal.append(seq, {o});
      books.journal_seq = seq;
      audit::apply(st, o);
    }
    audit::save_state_file(dir.path, st, books);
    // (no truncate: the crash)
  }
  ASSERT_FALSE(file_bytes(dir.journal()).empty());
  // Life 2: starts, replays nothing (both batches are in state.json), journals one more batch
  // and dies again before any flush.
  {
    Started s = start_like_the_daemon(dir);
    EXPECT_TRUE(s.loaded.error.empty()) << s.loaded.error;
    EXPECT_EQ(s.loaded.books.journal_seq, 2u);
    EXPECT_EQ(s.replay.batches, 0u);
    EXPECT_EQ(getpid_count(s.loaded.state, "web"), 8u);
    audit::save_state_file(dir.path, s.loaded.state, s.loaded.books);  // start-up save ...
    audit::Journal journal(dir.journal());                              // ... and crash before truncate
    journal.append(3, {getpid_log("web", 100)});
  }
  // Life 3: batch 3 is applied once, batches 1 and 2 not again.
  Started s = start_like_the_daemon(dir);
  EXPECT_EQ(s.replay.batches, 1u);
  EXPECT_EQ(s.loaded.books.journal_seq, 3u);
  EXPECT_EQ(getpid_count(s.loaded.state, "web"), 108u);
  // And once saved, a fourth start with the same journal still counts 108.
  audit::save_state_file(dir.path, s.loaded.state, s.loaded.books);
  EXPECT_EQ(getpid_count(start_like_the_daemon(dir).loaded.state, "web"), 108u);
}

TEST(JournalReplay, BadHexInAFormat1LineMakesThatLineUnreadableOnly) {
  JournalDir dir;
  auto old_line = [](uint64_t seq, const std::string& c, const std::string& cg, const std::string& comm) {
    return R"({"seq":)" + std::to_string(seq) + R"(,"obs":[{"c":")" + c + R"(","rt":"docker","cg":")" + cg +
           R"(","cgid":9,"mode":"audit","pn":"p","pp":"","ps":"","arch":"x86_64","nr":39,"act":"log",)"
           R"("err":-1,"sys":"getpid","n":)" + std::to_string(seq) + R"(,"f":1,"l":2,"s":{"comm":")" + comm +
           R"(","exe":"","pid":1,"tid":1,"ip":0}}]})";
  };
  {
    std::ofstream out(dir.journal());
    out << old_line(1, "776562", "2F", "61") << "\n"   // web, "/", "a": readable
        << old_line(2, "77656", "2F", "61") << "\n"    // odd number of digits
        << old_line(3, "776562", "2G", "61") << "\n"   // not a hex digit in the cgroup path
        << old_line(4, "776562", "2F", "6") << "\n"    // odd in the sample's comm
        << old_line(5, "776562", "2F", "hex:61") << "\n"  // a prefix where bare hex belongs
        << old_line(6, "776562", "2f", "c0af") << "\n";   // lower case is hex too
  }
  std::vector<audit::Observation> back;
  auto r = audit::replay_journal(dir.journal(), 0, [&](const audit::Observation& o) { back.push_back(o); });
  EXPECT_EQ(r.torn_lines, 4u);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].count, 1u);
  EXPECT_EQ(back[0].container_id, "web");
  EXPECT_EQ(back[0].cgroup_path, "/");
  EXPECT_EQ(back[0].sample->comm, "a");
  EXPECT_EQ(back[1].count, 6u);
  EXPECT_EQ(back[1].cgroup_path, "/");
  EXPECT_EQ(back[1].sample->comm, "\xC0\xAF");
}

TEST(JournalReplay, AFormat2StringThatIsNotEncoderOutputIsKeptVerbatim) {
  // "hex:" + something that is not an even run of hex digits was not written by encode_stored:
  // it is the text itself (bytes/untrusted.h), neither an error nor a guess.
  JournalDir dir;
  { std::ofstream(dir.journal()) << literal_line(1, 1, "hex:4") << "\n" << literal_line(2, 1, "hex:ZZ") << "\n"
                                 << literal_line(3, 1, "hex:776562") << "\n"; }
  std::vector<std::string> ids;
  auto r = audit::replay_journal(dir.journal(), 0, [&](const audit::Observation& o) { ids.push_back(o.container_id); });
  EXPECT_EQ(r.torn_lines, 0u);
  EXPECT_EQ(ids, (std::vector<std::string>{"hex:4", "hex:ZZ", "web"}));
}

TEST(JournalReplay, UnknownFormatVersionsAreUnreadable) {
  JournalDir dir;
  std::string v3 = literal_line(1, 1);
  v3.replace(v3.find(R"("v":2)"), 5, R"("v":3)");
  std::string v0 = literal_line(2, 1);
  v0.replace(v0.find(R"("v":2)"), 5, R"("v":0)");
  { std::ofstream(dir.journal()) << v3 << "\n" << v0 << "\n" << literal_line(3, 7) << "\n"; }
  audit::State st;
  auto r = audit::replay_journal(dir.journal(), 0, [&](const audit::Observation& o) { audit::apply(st, o); });
  EXPECT_EQ(r.torn_lines, 2u);
  EXPECT_EQ(getpid_count(st, "j1"), 7u);
}

TEST(StateCorruption, TwoCorruptionsWithinOneSecondKeepBothCopies) {
  JournalDir dir;
  const std::string first = "{\"version\": 1, \"containers\": {\"x\": {\"verdicts\": 7";
  const std::string second = "not json at all \xFF\n";
  timespec before{};
  clock_gettime(CLOCK_REALTIME, &before);
  { std::ofstream(dir.state(), std::ios::binary) << first; }
  auto one = audit::load_state_file(dir.path);
  { std::ofstream(dir.state(), std::ios::binary) << second; }
  auto two = audit::load_state_file(dir.path);
  timespec after{};
  clock_gettime(CLOCK_REALTIME, &after);
  EXPECT_FALSE(one.error.empty());
  EXPECT_FALSE(two.error.empty());
  EXPECT_TRUE(one.existed && two.existed);
  EXPECT_TRUE(one.state.containers.empty() && two.state.containers.empty());
  EXPECT_EQ(one.books.journal_seq, 0u);
  ASSERT_FALSE(one.set_aside.empty());
  ASSERT_FALSE(two.set_aside.empty());
  EXPECT_NE(one.set_aside, two.set_aside);
  if (after.tv_sec == before.tv_sec) {
    // Same second: the names still differ (the stamp carries nanoseconds, and -N on a clash).
    const std::string sec = dir.state() + ".corrupt-" + std::to_string(before.tv_sec) + ".";
    EXPECT_EQ(one.set_aside.rfind(sec, 0), 0u) << one.set_aside;
    EXPECT_EQ(two.set_aside.rfind(sec, 0), 0u) << two.set_aside;
  }
  EXPECT_EQ(file_bytes(one.set_aside), first) << "the first corrupt copy is kept byte for byte";
  EXPECT_EQ(file_bytes(two.set_aside), second) << "the second did not overwrite the first";
  EXPECT_FALSE(std::filesystem::exists(dir.state()));
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path)) (void)e, ++files;
  EXPECT_EQ(files, 2u);
}

TEST(StateCorruption, AValidJsonFileWithABadDaemonSectionIsSetAsideToo) {
  JournalDir dir;
  const std::string text = R"({"version":1,"containers":{},"sources":{},"daemon":{"journal_seq":"seven"}})";
  { std::ofstream(dir.state()) << text; }
  auto loaded = audit::load_state_file(dir.path);
  EXPECT_FALSE(loaded.error.empty());
  EXPECT_EQ(loaded.books.journal_seq, 0u);
  EXPECT_EQ(file_bytes(loaded.set_aside), text);
}

TEST(StateCorruption, ACorruptStateAndANonEmptyJournalLoseNoObservation) {
  JournalDir dir;
  // A previous life flushed up to seq 4, then state.json was damaged; the journal holds the
  // batches since (5, 6) and one already in the lost state (4, still there: no truncate yet).
  { std::ofstream(dir.state()) << "{\"version\": 1, \"containers\": {\"web\": {\"verdicts\": [{"; }
  {
    audit::Journal journal(dir.journal());
    journal.append(4, {getpid_log("web", 1)});
    journal.append(5, {getpid_log("web", 10), getpid_log("db", 3)});
    journal.append(6, {getpid_log("web", 100)});
  }
  Started s = start_like_the_daemon(dir);
  EXPECT_FALSE(s.loaded.error.empty());
  EXPECT_FALSE(s.loaded.set_aside.empty());
  EXPECT_EQ(s.replay.batches, 3u) << "the state's journal_seq is gone with it: every batch is applied";
  EXPECT_EQ(s.replay.observations, 4u);
  EXPECT_EQ(getpid_count(s.loaded.state, "web"), 111u);
  EXPECT_EQ(getpid_count(s.loaded.state, "db"), 3u);
  EXPECT_EQ(s.loaded.books.journal_seq, 6u);
  // Saved and started again: the same counts, nothing applied twice.
  audit::save_state_file(dir.path, s.loaded.state, s.loaded.books);
  Started again = start_like_the_daemon(dir);
  EXPECT_TRUE(again.loaded.error.empty()) << again.loaded.error;
  EXPECT_EQ(again.replay.batches, 0u);
  EXPECT_EQ(getpid_count(again.loaded.state, "web"), 111u);
  EXPECT_EQ(getpid_count(again.loaded.state, "db"), 3u);
  // The next batch the daemon journals is 7, after the replayed ones.
  EXPECT_EQ(again.loaded.books.journal_seq + 1, 7u);
}
