// Every file the daemon writes holds hostile bytes losslessly: state.json (aggregate.h and
// state_file.h), the journal, the isolator's registry entry. What is written is read back equal.
#include <linux/audit.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "state/journal.h"
#include "state/state_file.h"
#include "state/aggregate.h"
#include "bytes/untrusted.h"
#include "isolator/registry/registry.h"
#include "tests/support/temp_dir.h"

using namespace sc;

namespace {

// Hostile values of every kind, each different so a mix-up between fields shows.
std::vector<std::string> hostile() {
  std::string every_byte;
  for (int b = 0; b < 256; ++b) every_byte += static_cast<char>(b);
  return {"<b>&\"\xC0\xAF\xED\xA0\x80", std::string("nul\0inside", 10), "\xF4\x90\x80\x80", "\x80lone",
          "\xFE\xFF", "\xE2\x82", "hex:41", "quote\"back\\slash\nnewline", every_byte,
          std::string(100000, 'x') + "\xFF", "caf\xC3\xA9"};
}

struct TempDir : sc::testing::TempDir {
  TempDir() : sc::testing::TempDir("sc-bytes-test") {}
};

audit::State hostile_state() {
  audit::State st;
  auto values = hostile();
  for (size_t i = 0; i < values.size(); ++i) {
    const std::string& v = values[i];
    std::string id = v + "#" + std::to_string(i);
    audit::ContainerRecord& c = st.containers[id];
    c.container_id = id;
    c.runtime = v;
    c.cgroup_path = "/" + v;
    c.profile_name = v + "name";
    c.profile_path = "/p/" + v;
    c.profile_sha256 = v + "sha";
    c.mode = v + "mode";
    audit::Sample s;
    s.comm = v.substr(0, 15);
    s.exe = "/bin/" + v;
    s.pid = 7;
    c.verdicts[audit::VerdictKey{AUDIT_ARCH_X86_64, 39, common::Action::Errno, 1}] =  // typed: no bytes in it
        audit::VerdictStats{v + "sys", 3, 1, 2, common::Action::Errno, s, std::nullopt};
    c.learned[AUDIT_ARCH_X86_64] = {1, 2};
    st.sources[v + "src"] = audit::SourceHealth{true, v + "detail", 1, 0, 0};
  }
  return st;
}

}  // namespace

TEST(StoredFiles, StateWithHostileBytesInEveryFieldRoundTrips) {
  audit::State st = hostile_state();
  std::string text;
  ASSERT_NO_THROW(text = audit::to_json_text(st));
  EXPECT_TRUE(bytes::valid_utf8(text));
  audit::State back = audit::from_json_text(text);
  EXPECT_EQ(audit::to_json_text(back), text);
  ASSERT_EQ(back.containers.size(), st.containers.size());
  for (const auto& [id, c] : st.containers) {
    ASSERT_TRUE(back.containers.count(id)) << ::testing::PrintToString(id.substr(0, 30));
    const auto& b = back.containers.at(id);
    EXPECT_EQ(b.container_id, c.container_id);
    EXPECT_EQ(b.runtime, c.runtime);
    EXPECT_EQ(b.cgroup_path, c.cgroup_path);
    EXPECT_EQ(b.profile_name, c.profile_name);
    EXPECT_EQ(b.profile_path, c.profile_path);
    EXPECT_EQ(b.profile_sha256, c.profile_sha256);
    EXPECT_EQ(b.mode, c.mode);
    EXPECT_EQ(b.learned, c.learned);
    ASSERT_EQ(b.verdicts.size(), 1u);
    EXPECT_EQ(b.verdicts.begin()->first, c.verdicts.begin()->first);
    const auto& bv = b.verdicts.begin()->second;
    const auto& cv = c.verdicts.begin()->second;
    EXPECT_EQ(bv.syscall, cv.syscall);
    EXPECT_EQ(bv.would_be_action, cv.would_be_action);
    ASSERT_TRUE(bv.sample);
    EXPECT_EQ(bv.sample->comm, cv.sample->comm);
    EXPECT_EQ(bv.sample->exe, cv.sample->exe);
  }
  for (const auto& [name, s] : st.sources) EXPECT_EQ(back.sources.at(name).detail, s.detail);
}

TEST(StoredFiles, OldStateFilesStillLoad) {
  // As the daemon wrote them before: plain strings, cgroup path and comm hex-encoded.
  const std::string old = R"({"version":1,"last_flush_ns":5,"containers":{"web":{"container_id":"web",
    "runtime":"docker","cgroup_path":"hex:2FFF","cgroup_id":9,"profile_name":"p","profile_path":"/p.json",
    "profile_sha256":"ab","mode":"enforce","first_seen_ns":1,"last_seen_ns":2,"exited_at_ns":null,
    "verdicts":[{"arch":"x86_64","nr":39,"action":"errno","errno":1,"syscall":"getpid","count":4,
    "first_seen_ns":1,"last_seen_ns":2,"would_be_action":"","sample":{"comm":"hex:61C0AF","exe":"/bin/x",
    "pid":3,"tid":3,"instruction_pointer":0}}],"learned":{}}},"sources":{}})";
  audit::State st = audit::from_json_text(old);
  const auto& c = st.containers.at("web");
  EXPECT_EQ(c.cgroup_path, "/\xFF");
  EXPECT_EQ(c.verdicts.begin()->second.sample->comm, "a\xC0\xAF");
  EXPECT_EQ(c.verdicts.begin()->second.count, 4u);
}

TEST(StoredFiles, StateFileSaveLoadRoundTripsHostileBytes) {
  TempDir dir;
  audit::State st = hostile_state();
  audit::Bookkeeping books;
  books.journal_seq = 12;
  ASSERT_NO_THROW(audit::save_state_file(dir.path, st, books));
  auto loaded = audit::load_state_file(dir.path);
  EXPECT_TRUE(loaded.error.empty()) << loaded.error;
  EXPECT_EQ(loaded.books.journal_seq, 12u);
  EXPECT_EQ(audit::to_json_text(loaded.state), audit::to_json_text(st));
}

TEST(StoredFiles, JournalWithHostileBytesInEveryFieldReplaysEqual) {
  TempDir dir;
  std::string path = dir.path + "/journal.jsonl";
  std::vector<audit::Observation> batch;
  for (const auto& v : hostile()) {
    audit::Observation o;
    o.container_id = v;
    o.runtime = v + "rt";
    o.cgroup_path = "/" + v;
    o.mode = v + "mode";
    o.profile_name = v + "pn";
    o.profile_path = v + "pp";
    o.profile_sha256 = v + "ps";
    o.key = audit::VerdictKey{AUDIT_ARCH_X86_64, 1, common::Action::Errno, 5};  // typed: no bytes in it
    o.syscall = v + "sys";
    o.count = 2;
    // typed too: a named action and one no table names alternate; both must read back as they were
    o.would_be_action = batch.size() % 2 ? common::Action::Errno : static_cast<common::Action>(0x7ffd0000u);
    o.sample = audit::Sample{v.substr(0, 15), v + "exe", 4, 5, false, {}, 6};
    batch.push_back(o);
  }
  {
    audit::Journal journal(path);
    ASSERT_NO_THROW(journal.append(1, batch));
  }
  std::vector<audit::Observation> back;
  auto result = audit::replay_journal(path, 0, [&](const audit::Observation& o) { back.push_back(o); });
  EXPECT_EQ(result.torn_lines, 0u);
  ASSERT_EQ(back.size(), batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    EXPECT_EQ(back[i].container_id, batch[i].container_id);
    EXPECT_EQ(back[i].runtime, batch[i].runtime);
    EXPECT_EQ(back[i].cgroup_path, batch[i].cgroup_path);
    EXPECT_EQ(back[i].mode, batch[i].mode);
    EXPECT_EQ(back[i].profile_name, batch[i].profile_name);
    EXPECT_EQ(back[i].profile_path, batch[i].profile_path);
    EXPECT_EQ(back[i].profile_sha256, batch[i].profile_sha256);
    EXPECT_EQ(back[i].key, batch[i].key);
    EXPECT_EQ(back[i].syscall, batch[i].syscall);
    EXPECT_EQ(back[i].would_be_action, batch[i].would_be_action);
    ASSERT_TRUE(back[i].sample);
    EXPECT_EQ(back[i].sample->comm, batch[i].sample->comm);
    EXPECT_EQ(back[i].sample->exe, batch[i].sample->exe);
  }
}

TEST(StoredFiles, JournalLinesOfTheOldFormatStillReplay) {
  TempDir dir;
  std::string path = dir.path + "/journal.jsonl";
  std::ofstream(path) << R"({"seq":3,"obs":[{"c":"776562","rt":"docker","cg":"2fff","cgid":9,"mode":"audit",)"
                      << R"("pn":"p","pp":"","ps":"","arch":"x86_64","nr":39,"act":"log","err":-1,"sys":"getpid",)"
                      << R"("n":2,"f":1,"l":2,"s":{"comm":"C0AF","exe":"","pid":1,"tid":1,"ip":0}}]})" << "\n"
                      << R"({"seq":4,"obs":[{"c":"zz"}]})" << "\n";
  std::vector<audit::Observation> back;
  auto result = audit::replay_journal(path, 0, [&](const audit::Observation& o) { back.push_back(o); });
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].container_id, "web");
  EXPECT_EQ(back[0].cgroup_path, "/\xFF");
  EXPECT_EQ(back[0].sample->comm, "\xC0\xAF");
  EXPECT_EQ(result.torn_lines, 1u) << "a line that is not hex is unreadable, not garbage";
}

TEST(StoredFiles, SetAsideNamesAreUniqueEvenWithinOneSecond) {
  TempDir dir;
  std::set<std::string> names;
  for (int i = 0; i < 20; ++i) {
    std::string path = dir.path + "/state.json";
    std::ofstream(path) << "corrupt " << i;
    std::string aside = audit::set_aside_file(path);
    EXPECT_TRUE(names.insert(aside).second) << aside;
    EXPECT_EQ(aside.rfind(path + ".corrupt-", 0), 0u) << aside;
    EXPECT_FALSE(std::filesystem::exists(path));
  }
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path)) (void)e, ++files;
  EXPECT_EQ(files, 20u) << "no set-aside file overwrote another";
}

TEST(StoredFiles, RegistryEntryWithHostileBytesRoundTrips) {
  for (const auto& v : hostile()) {
    registry::Entry e;
    e.container_id = "c1";
    e.pid = 1;
    e.cgroup_path = "/" + v;
    e.profile_name = v;
    e.profile_path = "/p/" + v;
    e.mode = "audit";
    e.capabilities = {v};
    e.command = {"sh", v};
    std::string text;
    ASSERT_NO_THROW(text = registry::to_json_text(e));
    registry::Entry back = registry::from_json_text(text);
    EXPECT_EQ(back.cgroup_path, e.cgroup_path);
    EXPECT_EQ(back.profile_name, e.profile_name);
    EXPECT_EQ(back.profile_path, e.profile_path);
    EXPECT_EQ(back.capabilities, e.capabilities);
    EXPECT_EQ(back.command, e.command);
  }
}
