#include "state/aggregate.h"
#include "tests/support/verdict_key.h"

#include <tuple>

#include <gtest/gtest.h>

namespace {

sc::audit::State sample_state() {
  sc::audit::State st;
  st.last_flush_ns = 42;
  auto& c = st.containers["web-1"];
  c.container_id = "web-1";
  c.runtime = "seccomp-companion";
  c.cgroup_path = "/seccomp-companion/web-1";
  c.cgroup_id = 99;
  c.mode = "audit";
  c.profile_name = "default.json";
  sc::audit::VerdictKey k = sc::testing::verdict_key("x86_64", 63, "log", -1);
  sc::audit::VerdictStats s;
  s.syscall = "uname";
  s.count = 7;
  s.first_seen_ns = 10;
  s.last_seen_ns = 20;
  s.would_be_action = "errno";
  sc::audit::Sample sample;
  sample.comm = std::string("bad\xff\xfe name \"<script>", 20);
  sample.pid = 5;
  sample.has_args = true;
  sample.args = {1, 2, 3, 4, 5, 0xffffffffffffffffULL};
  s.sample = sample;
  c.verdicts[k] = s;
  c.verdicts[sc::testing::verdict_key("x86_64", 169, "errno", 1)] = sc::audit::VerdictStats{"reboot", 3, 1, 2, "", std::nullopt, std::nullopt};
  c.learned["x86_64"] = {0, 1, 60, 231};
  st.sources["audit"] = {true, "netlink multicast", 10, 2};
  return st;
}

TEST(State, RoundTripsIncludingNonUtf8Comm) {
  auto st = sample_state();
  auto back = sc::audit::from_json_text(sc::audit::to_json_text(st));
  ASSERT_EQ(back.containers.size(), 1u);
  const auto& c = back.containers.at("web-1");
  EXPECT_EQ(c.mode, "audit");
  EXPECT_EQ(c.cgroup_id, 99u);
  ASSERT_EQ(c.verdicts.size(), 2u);
  const auto& v = c.verdicts.at(sc::testing::verdict_key("x86_64", 63, "log", -1));
  EXPECT_EQ(v.count, 7u);
  EXPECT_EQ(v.would_be_action, "errno");
  ASSERT_TRUE(v.sample.has_value());
  EXPECT_EQ(v.sample->comm, st.containers["web-1"].verdicts.begin()->second.sample->comm);
  EXPECT_EQ(v.sample->args[5], 0xffffffffffffffffULL);
  EXPECT_EQ(c.verdicts.at(sc::testing::verdict_key("x86_64", 169, "errno", 1)).syscall, "reboot");
  EXPECT_EQ(c.learned.at("x86_64"), (std::set<int32_t>{0, 1, 60, 231}));
  EXPECT_EQ(back.sources.at("audit").lost, 2u);
  EXPECT_EQ(back.last_flush_ns, 42);
}

TEST(State, CorruptStateNamesWhereItIsWrong) {
  auto text = sc::audit::to_json_text(sample_state());
  auto pos = text.find("\"count\"");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, 7, "\"cuont\"");
  try {
    sc::audit::from_json_text(text);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("containers.web-1.verdicts["), std::string::npos) << e.what();
  }
  EXPECT_THROW(sc::audit::from_json_text("{\"version\": 1, \"containers\": "), std::runtime_error);
  EXPECT_THROW(sc::audit::from_json_text("{\"version\": 9, \"containers\": {}}"), std::runtime_error);
}

TEST(State, AnArchOrActionThatIsNoneIsAnErrorNamingItsPlace) {
  // The key is typed: text that names no arch or action is not kept as a string; the error
  // says which field of which verdict.
  for (const auto& [from, to, field] :
       {std::tuple<std::string, std::string, std::string>{R"("arch": "x86_64")", R"("arch": "amd64")", ".arch: 'amd64'"},
        {R"("action": "log")", R"("action": "hex:ff")", ".action: '"}}) {
    SCOPED_TRACE(to);
    auto text = sc::audit::to_json_text(sample_state());
    auto pos = text.find(from);
    ASSERT_NE(pos, std::string::npos) << text;
    text.replace(pos, from.size(), to);
    try {
      sc::audit::from_json_text(text);
      FAIL() << "expected an error";
    } catch (const std::runtime_error& e) {
      std::string what = e.what();
      EXPECT_NE(what.find("containers.web-1.verdicts["), std::string::npos) << what;
      EXPECT_NE(what.find(field), std::string::npos) << what;
    }
  }
}

TEST(State, ArchAndActionValuesNoTableNamesRoundTrip) {
  auto st = sample_state();
  sc::audit::VerdictKey odd{0x1234u, 7, static_cast<sc::common::Action>(0x12340000u), -1};
  st.containers["web-1"].verdicts[odd] = sc::audit::VerdictStats{"#7", 1, 1, 1, "", std::nullopt, std::nullopt};
  auto text = sc::audit::to_json_text(st);
  EXPECT_NE(text.find(R"("arch": "0x1234")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("action": "0x12340000")"), std::string::npos) << text;
  auto back = sc::audit::from_json_text(text);
  ASSERT_TRUE(back.containers.at("web-1").verdicts.count(odd));
  EXPECT_EQ(back.containers.at("web-1").verdicts.at(odd).syscall, "#7");
}

TEST(State, EventRowsFilterByContainer) {
  auto st = sample_state();
  st.containers["other"].container_id = "other";
  st.containers["other"].verdicts[sc::testing::verdict_key("x86_64", 1, "kill_process", -1)].count = 1;
  EXPECT_EQ(sc::audit::event_rows(st).size(), 3u);
  EXPECT_EQ(sc::audit::event_rows(st, "other").size(), 1u);
  EXPECT_EQ(sc::audit::event_rows(st, "none").size(), 0u);
}

}  // namespace
