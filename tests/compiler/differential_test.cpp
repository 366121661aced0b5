// Differential test: the profile's own semantics (profile/semantics.h, computed from the
// resolved rules with no BPF) against the compiled filter run in the evaluator, for every
// x86_64 syscall number 0-1023, every x86 (i386) number and every x32 number, with argument
// values around each condition in the profile. Binary tree and linear filters both.
#include <linux/audit.h>
#include <seccomp.h>

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "isolator/compiler/action_codes.h"
#include "isolator/compiler/evaluator.h"
#include "isolator/compiler/filter.h"
#include "isolator/profile/arch.h"
#include "isolator/profile/parser.h"
#include "isolator/profile/resolver.h"
#include "isolator/profile/semantics.h"

using namespace sc;
using namespace sc::profile;

namespace {

struct Stats {
  size_t cases = 0;
  size_t mismatches = 0;
  std::set<std::string> verdicts;
  std::ostringstream report;
};

// Argument vectors worth trying for a syscall: all zero, and values on both sides of every
// condition any rule puts on it.
std::vector<std::array<uint64_t, 6>> argument_cases(const ResolvedProfile& r, const std::string& name, bool narrow) {
  std::vector<std::array<uint64_t, 6>> cases{{0, 0, 0, 0, 0, 0}};
  if (name == "socketcall" || name == "ipc")  // every subcall number in a0
    for (uint64_t sub = 1; sub <= 25; ++sub) cases.push_back({sub, 0, 0, 0, 0, 0});
  for (const auto& rule : r.rules) {
    if (rule.name != name) continue;
    std::array<uint64_t, 6> all_hold{0, 0, 0, 0, 0, 0};
    for (const auto& c : rule.args) {
      const uint64_t v = c.value, two = c.value_two;
      for (uint64_t x : {v, v - 1, v + 1, two, two | ~v, two ^ (v & (~v + 1)), uint64_t{0}, ~uint64_t{0},
                         (uint64_t{1} << 32) | v, v & 0xffffffffu, (uint64_t{1} << 63) | two}) {
        if (narrow) x &= 0xffffffffu;  // compat args are zero-extended by the kernel
        std::array<uint64_t, 6> a{0, 0, 0, 0, 0, 0};
        a[c.index] = x;
        cases.push_back(a);
      }
      all_hold[c.index] = c.op == CmpOp::MaskedEqual ? two : c.op == CmpOp::NotEqual ? v + 1
                          : c.op == CmpOp::LessThan ? v - 1 : c.op == CmpOp::GreaterThan ? v + 1 : v;
    }
    cases.push_back(all_hold);
  }
  return cases;
}

void compare(const ResolvedProfile& r, const std::vector<sock_filter>& bpf, uint32_t arch,
             std::vector<int> numbers, Stats& stats) {
  const bool narrow = arch_is_32bit(arch);
  for (int nr : numbers) {
    const std::string name = syscall_name(arch, nr);
    for (const auto& args : argument_cases(r, name, narrow)) {
      compiler::SyscallData d;
      d.nr = nr;
      d.arch = audit_arch_of(arch);
      for (int i = 0; i < 6; ++i) d.args[i] = args[i];
      const uint32_t got = compiler::evaluate(bpf, d).ret;
      const Verdict want = verdict_of(r, arch, nr, args.data());
      ++stats.cases;
      stats.verdicts.insert(compiler::describe_ret(got));
      if (compiler::seccomp_ret(want.action) != got && ++stats.mismatches <= 20)
        stats.report << arch_name(arch) << " " << name << " (" << nr << ") args[0]=0x" << std::hex << args[0]
                     << " args[1]=0x" << args[1] << std::dec << ": BPF " << compiler::describe_ret(got)
                     << ", profile " << describe(want.action)
                     << (want.rule ? " by " + want.rule->json_path : std::string(" by default")) << "\n";
    }
  }
}

std::vector<int> range(int from, int to, int bit = 0) {
  std::vector<int> v;
  for (int i = from; i <= to; ++i) v.push_back(i | bit);
  return v;
}

Stats run(const Profile& profile, const ResolveContext& context, bool tree) {
  ResolvedProfile r = resolve(profile, context);
  compiler::CompileOptions options;
  options.binary_tree = tree;
  std::vector<sock_filter> bpf = compiler::Filter(r, options).bpf();
  Stats stats;
  // 0-1023: past the newest syscall, so runc's ENOSYS rule and the table-numbered rules
  // (prefix_program.h) are checked too.
  compare(r, bpf, SCMP_ARCH_X86_64, range(0, 1023), stats);
  compare(r, bpf, SCMP_ARCH_X86, range(0, 1023), stats);
  std::vector<int> x32 = range(0, 1023, kX32SyscallBit);
  for (int nr : range(512, 547, kX32SyscallBit)) x32.push_back(nr);  // x32's own compat entries
  compare(r, bpf, SCMP_ARCH_X32, x32, stats);
  compare(r, bpf, SCMP_ARCH_AARCH64, range(0, 5), stats);  // not covered: the bad-arch action
  return stats;
}

ResolveContext x86_64_context(std::set<std::string> caps, bool audit) {
  ResolveContext c;
  c.native_arch = SCMP_ARCH_X86_64;
  c.capabilities = std::move(caps);
  c.kernel = {6, 1};
  c.audit = audit;
  return c;
}

}  // namespace

class SharedProfileDifferential : public ::testing::TestWithParam<std::string> {};

TEST_P(SharedProfileDifferential, CompiledFilterAgreesWithTheProfile) {
  Profile profile = load_profile(std::string(SC_SHARED_DIR) + "/profiles/" + GetParam());
  for (bool audit : {false, true})
    for (const auto& caps : {std::set<std::string>{}, std::set<std::string>{"CAP_SYS_ADMIN", "CAP_SYS_PTRACE"}})
      for (bool tree : {true, false}) {
        Stats stats = run(profile, x86_64_context(caps, audit), tree);
        SCOPED_TRACE(std::string(audit ? "audit" : "enforce") + (caps.empty() ? ", no caps" : ", admin caps") +
                     (tree ? ", tree" : ", linear"));
        EXPECT_GT(stats.cases, 3 * 461u);
        EXPECT_EQ(stats.mismatches, 0u) << stats.report.str();
        // The filter really discriminates: allowed, denied and bad-arch verdicts all occur.
        EXPECT_TRUE(stats.verdicts.count("ALLOW"));
        EXPECT_TRUE(stats.verdicts.count("KILL_PROCESS"));
        EXPECT_TRUE(stats.verdicts.count(audit ? "LOG" : "ERRNO(1)"));
        if (!audit) {
          EXPECT_TRUE(stats.verdicts.count("ERRNO(38)"));  // runc's rule, deny-by-default profiles
        }
      }
}

INSTANTIATE_TEST_SUITE_P(Profiles, SharedProfileDifferential,
                         ::testing::Values("docker-default.json", "docker-default-2023.json", "mesos-default.json"),
                         [](const auto& info) {
                           std::string n = info.param.substr(0, info.param.find('.'));
                           for (auto& ch : n) if (ch == '-') ch = '_';
                           return n;
                         });

TEST(Differential, EveryActionAndOperatorUnderAnAllowDefault) {
  Profile profile = parse_profile(R"({"defaultAction":"SCMP_ACT_ALLOW",
    "archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X86","SCMP_ARCH_X32"]}],
    "syscalls":[
      {"names":["uname"],"action":"SCMP_ACT_ERRNO","errnoRet":13},
      {"names":["socket"],"action":"SCMP_ACT_ERRNO","errnoRet":97,"args":[{"index":0,"value":16,"op":"SCMP_CMP_EQ"}]},
      {"names":["shmget"],"action":"SCMP_ACT_ERRNO","errnoRet":12},
      {"names":["mount"],"action":"SCMP_ACT_TRAP"},
      {"names":["kexec_load"],"action":"SCMP_ACT_KILL_PROCESS"},
      {"names":["reboot"],"action":"SCMP_ACT_KILL"},
      {"names":["ptrace"],"action":"SCMP_ACT_TRACE","errnoRet":7},
      {"names":["getpgid"],"action":"SCMP_ACT_LOG"},
      {"names":["personality"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":8,"op":"SCMP_CMP_NE"}]},
      {"names":["setns"],"action":"SCMP_ACT_ERRNO","args":[{"index":1,"value":4096,"op":"SCMP_CMP_LE"}]},
      {"names":["unshare"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":268435456,"op":"SCMP_CMP_GE"}]},
      {"names":["ioctl"],"action":"SCMP_ACT_ERRNO","args":[{"index":1,"value":21522,"op":"SCMP_CMP_EQ"}]},
      {"names":["kill"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":4294967296,"op":"SCMP_CMP_GT"}]},
      {"names":["clone"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":2080505856,"valueTwo":0,"op":"SCMP_CMP_MASKED_EQ"},
                                                          {"index":2,"value":5,"op":"SCMP_CMP_LT"}]}
    ]})");
  for (bool audit : {false, true})
    for (bool tree : {true, false}) {
      Stats stats = run(profile, x86_64_context({}, audit), tree);
      SCOPED_TRACE(std::string(audit ? "audit" : "enforce") + (tree ? ", tree" : ", linear"));
      EXPECT_EQ(stats.mismatches, 0u) << stats.report.str();
      if (!audit) {
        for (const char* v : {"ERRNO(97)", "ERRNO(12)", "ERRNO(13)", "TRAP", "KILL_PROCESS", "KILL_THREAD", "TRACE(7)", "LOG", "ERRNO(1)", "ALLOW"})
          EXPECT_TRUE(stats.verdicts.count(v)) << v;
      }
    }
}

// Rules for syscalls this libseccomp does not know (compiled by number in the prefix, not by
// libseccomp), with every operator, 64-bit values and several rules per syscall, under a
// deny-by-default profile with the ENOSYS rule; and the same without the rule (Mesos).
TEST(Differential, TableNumberedRulesWithEveryOperatorAndTheEnosysRule) {
  Profile profile = parse_profile(R"({"defaultAction":"SCMP_ACT_ERRNO",
    "archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X86","SCMP_ARCH_X32"]}],
    "syscalls":[
      {"names":["read","write","exit_group"],"action":"SCMP_ACT_ALLOW"},
      {"names":["mseal"],"action":"SCMP_ACT_ALLOW","args":[{"index":2,"value":0,"op":"SCMP_CMP_EQ"}]},
      {"names":["mseal"],"action":"SCMP_ACT_ERRNO","errnoRet":22,"args":[{"index":2,"value":1,"op":"SCMP_CMP_GE"}]},
      {"names":["statmount"],"action":"SCMP_ACT_ALLOW","args":[{"index":1,"value":4294967296,"op":"SCMP_CMP_GT"}]},
      {"names":["listmount"],"action":"SCMP_ACT_TRAP","args":[{"index":3,"value":4096,"op":"SCMP_CMP_LT"},
                                                             {"index":0,"value":5,"op":"SCMP_CMP_NE"}]},
      {"names":["setxattrat"],"action":"SCMP_ACT_LOG","args":[{"index":4,"value":255,"valueTwo":17,"op":"SCMP_CMP_MASKED_EQ"}]},
      {"names":["getxattrat"],"action":"SCMP_ACT_KILL_PROCESS","args":[{"index":5,"value":8589934592,"op":"SCMP_CMP_LE"}]},
      {"names":["listxattrat"],"action":"SCMP_ACT_ERRNO","errnoRet":7,"args":[{"index":0,"value":12884901888,"op":"SCMP_CMP_LT"}]},
      {"names":["removexattrat"],"action":"SCMP_ACT_ALLOW"},
      {"names":["uretprobe"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":"SCMP_CMP_GE"}]}
    ]})");
  for (NewSyscalls choice : {NewSyscalls::Enosys, NewSyscalls::ProfileDefault})
    for (bool tree : {true, false}) {
      ResolveContext context = x86_64_context({}, false);
      context.new_syscalls = choice;
      ResolvedProfile r = resolve(profile, context);
      ASSERT_EQ(r.enosys_above.empty(), choice == NewSyscalls::ProfileDefault);
      compiler::CompileOptions options;
      options.binary_tree = tree;
      compiler::Filter filter(r, options);
      EXPECT_GT(filter.prefix_instructions(), 50u);
      std::vector<sock_filter> bpf = filter.bpf();
      Stats stats;
      compare(r, bpf, SCMP_ARCH_X86_64, range(0, 1023), stats);
      compare(r, bpf, SCMP_ARCH_X86, range(0, 1023), stats);
      compare(r, bpf, SCMP_ARCH_X32, range(0, 1023, kX32SyscallBit), stats);
      SCOPED_TRACE(std::string(choice == NewSyscalls::Enosys ? "enosys" : "default") + (tree ? ", tree" : ", linear"));
      EXPECT_EQ(stats.mismatches, 0u) << stats.report.str();
      for (const char* v : {"ALLOW", "ERRNO(22)", "TRAP", "LOG", "KILL_PROCESS", "ERRNO(7)", "ERRNO(1)"})
        EXPECT_TRUE(stats.verdicts.count(v)) << v;
      EXPECT_EQ(stats.verdicts.count("ERRNO(38)"), choice == NewSyscalls::Enosys ? 1u : 0u);
    }
}

// So many argument-checked rules for table-numbered syscalls that an 8-bit jump offset
// cannot reach past them: the prefix is generated with long jumps instead, and still agrees.
TEST(Differential, TableNumberedRulesTooManyForShortJumps) {
  std::string rules;
  const char* names[] = {"statmount", "listmount", "mseal", "setxattrat", "getxattrat", "listxattrat", "removexattrat"};
  for (const char* name : names)
    for (int r = 0; r < 4; ++r) {
      if (!rules.empty()) rules += ",";
      rules += std::string(R"({"names":[")") + name + R"("],"action":"SCMP_ACT_ERRNO","errnoRet":)" + std::to_string(10 + r) +
               R"(,"args":[{"index":0,"value":)" + std::to_string(r) + R"(,"op":"SCMP_CMP_EQ"},)"
               R"({"index":1,"value":4294967297,"op":"SCMP_CMP_GE"},{"index":2,"value":7,"op":"SCMP_CMP_NE"}]})";
    }
  Profile profile = parse_profile(R"({"defaultAction":"SCMP_ACT_ALLOW",
    "archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X86","SCMP_ARCH_X32"]}],
    "syscalls":[)" + rules + "]}");
  ResolvedProfile r = resolve(profile, x86_64_context({}, false));
  compiler::Filter filter(r, {});
  EXPECT_GT(filter.prefix_instructions(), 600u);
  std::vector<sock_filter> bpf = filter.bpf();
  Stats stats;
  compare(r, bpf, SCMP_ARCH_X86_64, range(440, 480), stats);
  compare(r, bpf, SCMP_ARCH_X86, range(440, 480), stats);
  compare(r, bpf, SCMP_ARCH_X32, range(440, 480, kX32SyscallBit), stats);
  EXPECT_EQ(stats.mismatches, 0u) << stats.report.str();
  for (const char* v : {"ALLOW", "ERRNO(10)", "ERRNO(11)", "ERRNO(12)", "ERRNO(13)"}) EXPECT_TRUE(stats.verdicts.count(v)) << v;
}

// Three places where the profile fuzzer found verdict_of and the compiled filter disagreeing
// (issue 19). Each expectation is written out from libseccomp's source (gen_bpf.c's x32
// filtering, syscalls.c's abi_rule_add, db.c's level order), and the filter is checked too.
namespace {
struct Case {
  uint32_t arch;
  int nr;
  std::array<uint64_t, 6> args;
  const char* want;  // describe_ret of the kernel-visible verdict
};

void expect_cases(const char* json, std::vector<uint32_t> native_and_subs, const std::vector<Case>& cases) {
  Profile profile = parse_profile(json);
  ResolveContext context = x86_64_context({}, false);
  context.native_arch = native_and_subs.front();
  ResolvedProfile r = resolve(profile, context);
  for (bool tree : {true, false}) {
    compiler::CompileOptions options;
    options.binary_tree = tree;
    std::vector<sock_filter> bpf = compiler::Filter(r, options).bpf();
    for (const Case& c : cases) {
      SCOPED_TRACE(arch_name(c.arch) + " nr 0x" + [&] { std::ostringstream s; s << std::hex << c.nr; return s.str(); }() +
                   (tree ? ", tree" : ", linear"));
      compiler::SyscallData d;
      d.nr = c.nr;
      d.arch = audit_arch_of(c.arch);
      for (int i = 0; i < 6; ++i) d.args[i] = c.args[i];
      EXPECT_EQ(compiler::describe_ret(compiler::evaluate(bpf, d).ret), c.want);
      const Verdict v = verdict_of(r, c.arch, c.nr, c.args.data());
      if (v.order_decides) {
        bool among = false;
        for (const ResolvedRule* h : v.holding) among = among || compiler::describe_ret(compiler::seccomp_ret(h->action)) == c.want;
        EXPECT_TRUE(among);
      } else {
        EXPECT_EQ(compiler::describe_ret(compiler::seccomp_ret(v.action)), c.want);
      }
    }
  }
}
}  // namespace

TEST(Differential, X86_64NumbersWithTheX32BitAreX32Calls) {
  const int x32_getpid = static_cast<int>(kX32SyscallBit | 39);
  // x86_64 only: an x32 number is the bad-arch action, -1 (a tracer's skip) the rules.
  expect_cases(R"({"defaultAction":"SCMP_ACT_ALLOW","archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":[]}],
                   "syscalls":[{"names":["getpid"],"action":"SCMP_ACT_ERRNO","errnoRet":13}]})",
               {SCMP_ARCH_X86_64},
               {{SCMP_ARCH_X86_64, 39, {}, "ERRNO(13)"},
                {SCMP_ARCH_X86_64, x32_getpid, {}, "KILL_PROCESS"},
                {SCMP_ARCH_X86_64, static_cast<int>(0x80000000u), {}, "KILL_PROCESS"},
                {SCMP_ARCH_X86_64, -1, {}, "ALLOW"},
                {SCMP_ARCH_X32, x32_getpid, {}, "KILL_PROCESS"}});
  // x86_64 and x32: one block, the number decides, whichever ABI it is asked under.
  expect_cases(R"({"defaultAction":"SCMP_ACT_ALLOW","archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X32"]}],
                   "syscalls":[{"names":["getpid"],"action":"SCMP_ACT_ERRNO","errnoRet":13},
                               {"names":["getppid"],"action":"SCMP_ACT_ERRNO","errnoRet":14}]})",
               {SCMP_ARCH_X86_64},
               {{SCMP_ARCH_X86_64, x32_getpid, {}, "ERRNO(13)"},
                {SCMP_ARCH_X32, 110, {}, "ERRNO(14)"},
                {SCMP_ARCH_X32, x32_getpid, {}, "ERRNO(13)"},
                {SCMP_ARCH_X86_64, -1, {}, "ALLOW"}});
  // Deny by default, with runc's ENOSYS rule: the x86_64 stub never sees x32 numbers.
  expect_cases(R"({"defaultAction":"SCMP_ACT_ERRNO","archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":[]}],
                   "syscalls":[{"names":["read","getpid"],"action":"SCMP_ACT_ALLOW"}]})",
               {SCMP_ARCH_X86_64},
               {{SCMP_ARCH_X86_64, 39, {}, "ALLOW"},
                {SCMP_ARCH_X86_64, 40, {}, "ERRNO(38)"},
                {SCMP_ARCH_X86_64, 1, {}, "ERRNO(1)"},
                {SCMP_ARCH_X86_64, x32_getpid, {}, "KILL_PROCESS"},
                {SCMP_ARCH_X86_64, -1, {}, "ERRNO(1)"},
                // bit 31 without the x32 bit: runc's stub (jset on the x32 bit) answers first
                {SCMP_ARCH_X86_64, static_cast<int>(0x89adbd49u), {}, "ERRNO(38)"}});
}

TEST(Differential, MultiplexedRulesKeepTheirConditionsOnA1ToA5) {
  // socket(AF_*, SOCK_STREAM): on i386's socketcall, a0 is the subcall (1 = socket) and the
  // a1 == 1 condition is checked on socketcall's own a1 (a pointer, in real calls).
  expect_cases(R"({"defaultAction":"SCMP_ACT_ERRNO","archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X86"]}],
                   "syscalls":[{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":1,"value":1,"op":"SCMP_CMP_EQ"}]},
                               {"names":["shmget"],"action":"SCMP_ACT_ERRNO","errnoRet":12,"args":[{"index":0,"value":9,"op":"SCMP_CMP_EQ"},
                                                                                                     {"index":2,"value":5,"op":"SCMP_CMP_GT"}]}]})",
               {SCMP_ARCH_X86_64},
               {{SCMP_ARCH_X86, 102, {1, 0, 0, 0, 0, 0}, "ERRNO(1)"},
                {SCMP_ARCH_X86, 102, {1, 1, 0, 0, 0, 0}, "ALLOW"},
                {SCMP_ARCH_X86, 102, {2, 1, 0, 0, 0, 0}, "ERRNO(1)"},
                {SCMP_ARCH_X86, 359, {2, 1, 0, 0, 0, 0}, "ALLOW"},  // direct socket(2)
                {SCMP_ARCH_X86, 117, {23, 0, 6, 0, 0, 0}, "ERRNO(12)"},  // ipc(SHMGET): its a0 == 9 is replaced
                {SCMP_ARCH_X86, 117, {23, 0, 5, 0, 0, 0}, "ERRNO(1)"},
                {SCMP_ARCH_X86, 395, {9, 0, 6, 0, 0, 0}, "ERRNO(12)"},  // direct shmget
                {SCMP_ARCH_X86, 395, {8, 0, 6, 0, 0, 0}, "ERRNO(1)"}});
}

TEST(Differential, ArgumentCheckedRulesWithDifferentActionsAllHolding) {
  // The profile lists the a4 rule first; libseccomp's tree checks the higher argument first,
  // so the a5 rule's TRACE is what runs. verdict_of says the order decides, and lists both.
  const char* json = R"({"defaultAction":"SCMP_ACT_ERRNO","archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":[]}],
    "syscalls":[{"names":["futex"],"action":"SCMP_ACT_ALLOW","args":[{"index":4,"value":5,"op":"SCMP_CMP_GT"}]},
                {"names":["futex"],"action":"SCMP_ACT_TRACE","args":[{"index":5,"value":0,"op":"SCMP_CMP_NE"}]}]})";
  expect_cases(json, {SCMP_ARCH_X86_64},
               {{SCMP_ARCH_X86_64, 202, {0, 0, 0, 0, 9, 1}, "TRACE(1)"},
                {SCMP_ARCH_X86_64, 202, {0, 0, 0, 0, 9, 0}, "ALLOW"},
                {SCMP_ARCH_X86_64, 202, {0, 0, 0, 0, 1, 1}, "TRACE(1)"},
                {SCMP_ARCH_X86_64, 202, {0, 0, 0, 0, 1, 0}, "ERRNO(1)"}});
  ResolvedProfile r = resolve(parse_profile(json), x86_64_context({}, false));
  const uint64_t both[6] = {0, 0, 0, 0, 9, 1}, one[6] = {0, 0, 0, 0, 9, 0};
  const Verdict v = verdict_of(r, SCMP_ARCH_X86_64, 202, both);
  EXPECT_TRUE(v.order_decides);
  ASSERT_EQ(v.holding.size(), 2u);
  EXPECT_EQ(v.holding[0]->json_path, "syscalls[0]");
  EXPECT_EQ(v.holding[1]->json_path, "syscalls[1]");
  const Verdict single = verdict_of(r, SCMP_ARCH_X86_64, 202, one);
  EXPECT_FALSE(single.order_decides);
  EXPECT_EQ(single.holding.size(), 1u);
}
