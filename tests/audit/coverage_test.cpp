// What a recording cannot show (state/coverage.h), from the sources and hook statuses a
// daemon writes into state.json: literal expectations per combination of live sources.
#include <gtest/gtest.h>

#include "state/coverage.h"
#include "tests/support/verdict_key.h"

namespace sc::audit {
namespace {

State with_sources(bool audit_live, bool bpf_live, const std::vector<std::pair<std::string, bool>>& hooks) {
  State s;
  s.sources["audit"].live = audit_live;
  s.sources["bpf"].live = bpf_live;
  for (const auto& [name, live] : hooks) s.sources["bpf"].hooks.push_back(HookHealth{name, live, "x", ""});
  return s;
}

std::string gaps_text(const Coverage& c) {
  std::string out;
  for (const auto& g : c.gaps) out += (out.empty() ? "" : " ") + g.verdict_class + (g.partial ? "~" : "!");
  return out;
}

const std::vector<std::pair<std::string, bool>> kOurKernel = {
    {"fentry/audit_seccomp", false},    {"kprobe/audit_seccomp", false},  {"tp_btf/signal_generate", true},
    {"tp_btf/sched_process_fork", true}, {"tp_btf/sched_process_exec", true}, {"tp_btf/sched_process_exit", true},
    {"raw_tp/sys_enter", true},          {"raw_tp/sys_exit", true}};

TEST(Coverage, BothSourcesLiveSeeEverything) {
  Coverage c = coverage_of(with_sources(true, true, kOurKernel));
  EXPECT_EQ(gaps_text(c), "");
  EXPECT_TRUE(c.complete());
  EXPECT_EQ(c.summary(), "complete: every verdict class was seen, every call attributed, nothing lost");
}

TEST(Coverage, AuditAloneMissesErrnoAndTrapOfFiltersWithoutTheLogFlagOnly) {
  Coverage c = coverage_of(with_sources(true, false, {}));
  EXPECT_EQ(gaps_text(c), "trap~ errno~");
  EXPECT_TRUE(c.complete()) << "partial gaps do not make a recording of our own containers blind";
}

TEST(Coverage, TracerAloneWithoutSignalGenerateIsBlindToLogsTrapsAndKills) {
  auto hooks = kOurKernel;
  hooks[2].second = false;  // signal_generate rejected
  Coverage c = coverage_of(with_sources(false, true, hooks));
  EXPECT_EQ(gaps_text(c), "log! kill_process! kill_thread! trap!");
  EXPECT_FALSE(c.complete());
  EXPECT_EQ(c.summary().rfind("INCOMPLETE: NOT SEEN: log (the audit stream is off", 0), 0u) << c.summary();
}

TEST(Coverage, TracerAloneWithEveryHookStillMissesLogs) {
  Coverage c = coverage_of(with_sources(false, true, kOurKernel));
  EXPECT_EQ(gaps_text(c), "log!");
}

TEST(Coverage, AnAuditHookSeesEverythingWithoutTheAuditStream) {
  auto hooks = kOurKernel;
  hooks[0].second = true;  // fentry live
  hooks[2].second = false;
  hooks[6].second = hooks[7].second = false;
  EXPECT_EQ(gaps_text(coverage_of(with_sources(false, true, hooks))), "");
}

TEST(Coverage, UnattributedCallsAndLossesAreCounted) {
  State s = with_sources(true, true, kOurKernel);
  s.containers["unattributed"].verdicts[sc::testing::verdict_key("x86_64", 1, "log", -1)].count = 3;
  s.containers["cgroup:42"].verdicts[sc::testing::verdict_key("x86_64", 2, "errno", 1)].count = 2;
  s.containers["web"].verdicts[sc::testing::verdict_key("x86_64", 2, "errno", 1)].count = 7;
  Coverage c = coverage_of(s);
  EXPECT_EQ(c.unattributed_calls, 5u);
  EXPECT_TRUE(c.complete()) << "unattributed calls are shown beside, not a blind source";
  EXPECT_NE(c.summary().find("5 call(s) not attributed"), std::string::npos) << c.summary();
  s.sources["audit"].lost = 4;
  c = coverage_of(s);
  EXPECT_FALSE(c.complete());
  EXPECT_NE(c.summary().find("4 event(s) lost"), std::string::npos) << c.summary();
}

TEST(Coverage, AStateWithoutSourcesClaimsNoGap) {
  EXPECT_TRUE(coverage_of(State{}).gaps.empty());
}

TEST(Coverage, HookStatusesSurviveTheStateFile) {
  State s = with_sources(false, true, kOurKernel);
  s.sources["bpf"].hooks[2].reason = "rejected by this kernel: Permission denied (errno 13); verifier: R6 invalid mem access 'scalar'";
  State back = from_json_text(to_json_text(s));
  EXPECT_EQ(back.sources["bpf"].hooks, s.sources["bpf"].hooks);
  EXPECT_EQ(gaps_text(coverage_of(back)), gaps_text(coverage_of(s)));
}

}  // namespace
}  // namespace sc::audit
