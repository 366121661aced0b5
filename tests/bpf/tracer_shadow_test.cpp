// The tracer's side of shadow evaluation (bpf/tracer.h: shadow_fill, shadow_cgroup,
// shadow_counts, shadow_forget) on the real kernel: calls of a shadowed cgroup counted under
// the candidate's verdict from the slot's table, exactly, on the lane fast path and on the
// hash-map path alike; counts kept when a cgroup stops being shadowed, dropped with the slot.
#include "tests/bpf/tracer_test_support.h"

namespace sc::tracer_test {
namespace {

constexpr uint32_t kAllow = 0x7fff0000u, kErrnoEperm = 0x50001u;

// The candidate of slot `slot`: kDenied gets EPERM plus the slot number (to tell slots
// apart), everything else is allowed.
void fill(sc::bpf::Tracer& tracer, uint32_t slot) {
  tracer.shadow_fill(slot, [slot](uint32_t, int32_t nr) {
    return sc::bpf::ShadowEntry{nr == kDenied ? kErrnoEperm + slot : kAllow, false};
  });
}

uint64_t shadow_count_of(const std::vector<sc::bpf::ShadowCount>& counts, uint64_t cgroup, uint32_t slot, int32_t nr,
                         uint32_t ret) {
  uint64_t n = 0;
  for (const auto& c : counts)
    if (c.cgroup_id == cgroup && c.slot == slot && c.nr == nr && c.ret == ret && c.audit_arch == kArchX86_64) n += c.count;
  return n;
}

TEST_F(TracerTest, ShadowCountsAreExactAndKeptWhenTheCgroupIsNoLongerShadowed) {
  SC_REQUIRE_ROOT();
  auto& tracer = start(SyscallHooks::Auto);
  ASSERT_TRUE(tracer.shadow_available());
  TestCgroup shadowed("shadow"), other("shadow-other");
  tracer.watch(shadowed.id(), true);
  tracer.watch(other.id(), true);
  fill(tracer, 3);
  fill(tracer, 4);
  tracer.shadow_cgroup(shadowed.id(), {3, 4});
  const int n = 4321;
  for (const auto* cg : {&shadowed, &other})
    ASSERT_TRUE(exited_ok(run_workload({"--cgroup=" + cg->path(), "--action=none", kDeniedArg, "--count=" + std::to_string(n)})));
  auto counts = tracer.shadow_counts();
  EXPECT_EQ(shadow_count_of(counts, shadowed.id(), 3, kDenied, kErrnoEperm + 3), uint64_t(n));
  EXPECT_EQ(shadow_count_of(counts, shadowed.id(), 4, kDenied, kErrnoEperm + 4), uint64_t(n));
  EXPECT_EQ(shadow_count_of(counts, other.id(), 3, kDenied, kErrnoEperm + 3), 0u) << "not shadowed: not counted";
  // Not shadowed any more: what was counted stays, nothing more is counted.
  tracer.shadow_cgroup(shadowed.id(), {4});
  ASSERT_TRUE(exited_ok(run_workload({"--cgroup=" + shadowed.path(), "--action=none", kDeniedArg, "--count=100"})));
  counts = tracer.shadow_counts();
  EXPECT_EQ(shadow_count_of(counts, shadowed.id(), 3, kDenied, kErrnoEperm + 3), uint64_t(n));
  EXPECT_EQ(shadow_count_of(counts, shadowed.id(), 4, kDenied, kErrnoEperm + 4), uint64_t(n + 100));
  // Forgotten: its counts are gone, the other slot's are not.
  tracer.shadow_forget(4);
  counts = tracer.shadow_counts();
  EXPECT_EQ(shadow_count_of(counts, shadowed.id(), 4, kDenied, kErrnoEperm + 4), 0u);
  EXPECT_EQ(shadow_count_of(counts, shadowed.id(), 3, kDenied, kErrnoEperm + 3), uint64_t(n));
  EXPECT_EQ(tracer.shadow_lost(), 0u);
}

// More (cgroup, slot) pairs than the kernel has lanes: the pairs without a lane count in
// the hash map, as exactly.
TEST_F(TracerTest, ShadowPairsBeyondTheLanesAreCountedAsExactly) {
  SC_REQUIRE_ROOT();
  auto& tracer = start(SyscallHooks::Auto);
  ASSERT_TRUE(tracer.shadow_available());
  const uint32_t slots = sc::bpf::kShadowSlotsPerCgroup;
  std::vector<uint32_t> all;
  for (uint32_t s = 0; s < slots; ++s) {
    fill(tracer, s);
    all.push_back(s);
  }
  std::vector<std::unique_ptr<TestCgroup>> cgroups;
  const size_t pairs_wanted = 64 + slots;  // SC_SHADOW_MAX_LANES + one cgroup's worth
  for (size_t i = 0; i * slots < pairs_wanted; ++i) {
    cgroups.push_back(std::make_unique<TestCgroup>("lanes-" + std::to_string(i)));
    tracer.watch(cgroups.back()->id(), true);
    tracer.shadow_cgroup(cgroups.back()->id(), all);
  }
  const int n = 777;
  for (size_t i : {size_t{0}, cgroups.size() - 1}) {  // the first has lanes, the last none
    ASSERT_TRUE(exited_ok(run_workload({"--cgroup=" + cgroups[i]->path(), "--action=none", kDeniedArg,
                                        "--count=" + std::to_string(n)})));
    auto counts = tracer.shadow_counts();
    for (uint32_t s = 0; s < slots; ++s)
      EXPECT_EQ(shadow_count_of(counts, cgroups[i]->id(), s, kDenied, kErrnoEperm + s), uint64_t(n))
          << "cgroup " << i << " slot " << s;
  }
  for (auto& cg : cgroups) tracer.shadow_cgroup(cg->id(), {});
  for (uint32_t s = 0; s < slots; ++s) tracer.shadow_forget(s);
  EXPECT_TRUE(tracer.shadow_counts().empty());
}

}  // namespace
}  // namespace sc::tracer_test
