// A number with a fraction or an exponent where an integer belongs (state.json, the journal, a
// registry entry) makes the text invalid: nlohmann's conversion of an out-of-range double to
// an integer type is undefined behaviour (found by tests/fuzz/inputs_fuzzer; the inputs are
// seeds there: inputs_seeds/*-float-*.txt).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "state/journal.h"
#include "state/state_file.h"
#include "state/aggregate.h"
#include "isolator/registry/registry.h"
#include "tests/support/temp_dir.h"

using namespace sc;

namespace {

struct FloatDir : sc::testing::TempDir {
  FloatDir() : TempDir("sc-float-test") {}
};

const std::string kFloatState =
    R"({"version":1,"containers":{"a":{"container_id":"a","verdicts":[{"arch":"x","nr":1e300,"action":"log","count":1}]}}})";

}  // namespace

TEST(FloatNumbers, AStateFileWithAnOutOfRangeDoubleIsCorruptAndSetAside) {
  EXPECT_THROW(audit::from_json_text(kFloatState), std::runtime_error);
  EXPECT_THROW(audit::from_json_text(R"({"version":1.5,"containers":{}})"), std::runtime_error);
  FloatDir dir;
  { std::ofstream(dir.path + "/state.json") << kFloatState; }
  auto loaded = audit::load_state_file(dir.path);
  EXPECT_NE(loaded.error.find("not an integer"), std::string::npos) << loaded.error;
  EXPECT_FALSE(loaded.set_aside.empty());
  EXPECT_TRUE(loaded.state.containers.empty());
}

TEST(FloatNumbers, AJournalLineWithADoubleIsUnreadableTheOthersReplay) {
  FloatDir dir;
  std::string path = dir.path + "/journal.jsonl";
  {
    std::ofstream out(path);
    out << R"({"v":2,"seq":-1e300,"obs":[]})" << "\n"
        << R"({"v":2,"seq":1,"obs":[{"c":"j1","rt":"cgroup","cg":"/x","cgid":0,"mode":"audit","pn":"","pp":"",)"
        << R"("ps":"","arch":"x86_64","nr":39,"act":"log","err":-1,"sys":"getpid","n":1e30,"f":1,"l":2}]})" << "\n"
        << R"({"v":2,"seq":2,"obs":[{"c":"j1","rt":"cgroup","cg":"/x","cgid":0,"mode":"audit","pn":"","pp":"",)"
        << R"("ps":"","arch":"x86_64","nr":39,"act":"log","err":-1,"sys":"getpid","n":3,"f":1,"l":2}]})" << "\n";
  }
  uint64_t total = 0;
  auto r = audit::replay_journal(path, 0, [&](const audit::Observation& o) { total += o.count; });
  EXPECT_EQ(r.torn_lines, 2u);
  EXPECT_EQ(r.batches, 1u);
  EXPECT_EQ(total, 3u);
}

TEST(FloatNumbers, ARegistryEntryWithADoubleIsRejectedWithTheUsualError) {
  const std::string entry = R"({"container_id":"c1","pid":1e300,"cgroup_path":"/","cgroup_id":0,"profile_name":"",)"
                            R"("profile_path":"","profile_sha256":"","mode":"audit","started_at_ns":0})";
  try {
    registry::from_json_text(entry);
    ADD_FAILURE() << "accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("registry entry: ", 0), 0u) << e.what();
  }
  std::string fine = entry;
  fine.replace(fine.find("1e300"), 5, "7");
  EXPECT_EQ(registry::from_json_text(fine).pid, 7);
}
