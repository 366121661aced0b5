#include "state/aggregate.h"
#include "tests/support/verdict_key.h"

#include <linux/audit.h>

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
  s.would_be_action = sc::common::Action::Errno;
  sc::audit::Sample sample;
  sample.comm = std::string("bad\xff\xfe name \"<script>", 20);
  sample.pid = 5;
  sample.has_args = true;
  sample.args = {1, 2, 3, 4, 5, 0xffffffffffffffffULL};
  s.sample = sample;
  c.verdicts[k] = s;
  c.verdicts[sc::testing::verdict_key("x86_64", 169, "errno", 1)] = sc::audit::VerdictStats{"reboot", 3, 1, 2, std::nullopt, std::nullopt, std::nullopt};
  c.learned[sc::testing::arch("x86_64")] = {0, 1, 60, 231};
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
  EXPECT_EQ(v.would_be_action, sc::common::Action::Errno);
  ASSERT_TRUE(v.sample.has_value());
  EXPECT_EQ(v.sample->comm, st.containers["web-1"].verdicts.begin()->second.sample->comm);
  EXPECT_EQ(v.sample->args[5], 0xffffffffffffffffULL);
  EXPECT_EQ(c.verdicts.at(sc::testing::verdict_key("x86_64", 169, "errno", 1)).syscall, "reboot");
  EXPECT_EQ(c.learned.at(sc::testing::arch("x86_64")), (std::set<int32_t>{0, 1, 60, 231}));
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
  // The keys and the would-be action are typed: text that names no arch or action is not kept
  // as a string; the error says which field of which verdict or container.
  const std::string verdict = "containers.web-1.verdicts[", learned = "containers.web-1.learned";
  for (const auto& [from, to, place, field] :
       {std::tuple<std::string, std::string, std::string, std::string>{R"("arch": "x86_64")", R"("arch": "amd64")",
                                                                        verdict, ".arch: 'amd64'"},
        {R"("action": "log")", R"("action": "hex:ff")", verdict, ".action: '"},
        {R"("would_be_action": "errno")", R"("would_be_action": "denied")", verdict, ".would_be_action: 'denied'"},
        {R"("x86_64": [)", R"("amd64": [)", learned, ": 'amd64' is neither an arch name"}}) {
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
      EXPECT_NE(what.find(place), std::string::npos) << what;
      EXPECT_NE(what.find(field), std::string::npos) << what;
    }
  }
}

TEST(State, ArchAndActionValuesNoTableNamesRoundTrip) {
  auto st = sample_state();
  sc::audit::VerdictKey odd{0x1234u, 7, static_cast<sc::common::Action>(0x12340000u), -1};
  st.containers["web-1"].verdicts[odd] = sc::audit::VerdictStats{"#7", 1, 1, 1, static_cast<sc::common::Action>(0x7ffd0000u), std::nullopt, std::nullopt};
  st.containers["web-1"].learned[0x1234u] = {7};
  auto text = sc::audit::to_json_text(st);
  EXPECT_NE(text.find(R"("arch": "0x1234")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("action": "0x12340000")"), std::string::npos) << text;
  auto back = sc::audit::from_json_text(text);
  ASSERT_TRUE(back.containers.at("web-1").verdicts.count(odd));
  EXPECT_EQ(back.containers.at("web-1").verdicts.at(odd).syscall, "#7");
  EXPECT_EQ(back.containers.at("web-1").verdicts.at(odd).would_be_action, static_cast<sc::common::Action>(0x7ffd0000u));
  EXPECT_EQ(back.containers.at("web-1").learned.at(0x1234u), std::set<int32_t>{7});
}

// Shadow rows are typed as the verdict keys are: arch and actions written as words (0x<hex>
// for values no table names, "unknown" for a candidate that depends on arguments not seen),
// read back as the same values; a word that names nothing is an error naming the row.
TEST(State, ShadowRowsRoundTripTypedAndABadWordNamesItsRow) {
  using sc::common::Action;
  auto st = sample_state();
  auto& r = st.shadows["tight"];
  r.name = "tight";
  r.status = "active";
  r.rows = {sc::audit::ShadowRow{"web-1", AUDIT_ARCH_X86_64, 63, "uname", Action::Allow, -1, Action::Errno, 13, 3},
            sc::audit::ShadowRow{"web-1", AUDIT_ARCH_I386, 122, "uname", Action::Log, -1, Action::Unknown, -1, 2},
            sc::audit::ShadowRow{"web-1", 0x1234u, 7, "#7", static_cast<Action>(0x12340000u), -1,
                                 Action::KillProcess, -1, 1}};
  auto text = sc::audit::to_json_text(st);
  EXPECT_NE(text.find(R"("candidate": "unknown")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("current": "0x12340000")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("arch": "x86")"), std::string::npos) << text;
  EXPECT_EQ(sc::audit::from_json_text(text).shadows.at("tight"), r);

  auto pos = text.find(R"("candidate": "unknown")");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, 22, R"("candidate": "maybe")");
  try {
    sc::audit::from_json_text(text);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("shadows.tight.rows[1].candidate: 'maybe'"), std::string::npos) << e.what();
  }
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
