// The daemon's would-be action (audit/daemon/would_be.h): what the ENFORCING profile would do
// with a call recorded in audit mode. On a hand-made profile with argument-checked rules and
// capability-dependent rules, every expectation is a literal read off the profile text; the
// cache (keyed by the profile's digest and the capability set) and a profile that fails to
// compile (an empty answer and one warning naming the file, never a guess) are checked too.
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include "audit/daemon/would_be.h"
#include "audit/oracle/compiled_profile.h"
#include "tests/support/hand_made_profile.h"
#include "tests/support/temp_dir.h"
#include "tests/support/verdict_key.h"

namespace {

using sc::testing::kHandMadeProfile;

struct Dir : sc::testing::TempDir {
  Dir() : TempDir("sc-would-be") {}
  std::string write(const std::string& name, const std::string& text) const {
    std::string p = path + "/" + name;
    std::ofstream(p) << text;
    return p;
  }
};

// x86_64 numbers, literal (arch/x86/entry/syscalls/syscall_64.tbl).
constexpr int kGetpid = 39, kSocket = 41, kKill = 62, kUname = 63, kGetppid = 110, kChroot = 161, kMount = 165;
// i386 (syscall_32.tbl): getpid 20, socket 359, socketcall 102.
constexpr int kI386Getpid = 20, kI386Socket = 359;

std::string word(sc::audit::WouldBe& w, const std::string& path, const std::string& sha, const std::vector<std::string>& caps,
                 int nr, std::vector<uint64_t> args = {}, uint32_t arch = AUDIT_ARCH_X86_64) {
  if (args.empty()) return sc::testing::would_be_text(w.verdict(path, sha, caps, arch, nr, nullptr));
  args.resize(6, 0);
  return sc::testing::would_be_text(w.verdict(path, sha, caps, arch, nr, args.data()));
}

// Captures what the daemon logs (spdlog's default logger) while alive.
struct LogCapture {
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64);
  LogCapture() { spdlog::default_logger()->sinks().push_back(sink); }
  ~LogCapture() {
    auto& sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink), sinks.end());
  }
  std::vector<std::string> lines() const { return sink->last_formatted(); }
};

}  // namespace

TEST(WouldBe, ArgumentCheckedRulesDecideByTheRecordedArguments) {
  Dir dir;
  std::string p = dir.write("p.json", kHandMadeProfile);
  sc::audit::WouldBe w;
  const std::vector<std::string> caps = {"CAP_CHOWN"};
  EXPECT_EQ(word(w, p, "d1", caps, kGetpid), "allow");
  EXPECT_EQ(word(w, p, "d1", caps, kSocket, {1, 1}), "allow");     // AF_UNIX, any type
  EXPECT_EQ(word(w, p, "d1", caps, kSocket, {1, 2}), "allow");
  EXPECT_EQ(word(w, p, "d1", caps, kSocket, {2, 1}), "allow");     // AF_INET + SOCK_STREAM
  EXPECT_EQ(word(w, p, "d1", caps, kSocket, {2, 2}), "errno");     // AF_INET + SOCK_DGRAM: default
  EXPECT_EQ(word(w, p, "d1", caps, kSocket, {10, 1}), "errno");    // AF_INET6
  EXPECT_EQ(word(w, p, "d1", caps, kSocket), "errno") << "unknown arguments are evaluated as zeros";
  EXPECT_EQ(word(w, p, "d1", caps, kSocket, {1ull | (1ull << 32), 1}), "errno") << "all 64 bits are compared";
  EXPECT_EQ(word(w, p, "d1", caps, kKill, {1234, 9}), "kill_process");
  EXPECT_EQ(word(w, p, "d1", caps, kKill, {1234, 15}), "errno");
  EXPECT_EQ(word(w, p, "d1", caps, kKill, {9, 0, 0, 0, 0, 9}), "errno") << "only args[1] is checked";
  EXPECT_EQ(word(w, p, "d1", caps, kGetppid), "log");
  EXPECT_EQ(word(w, p, "d1", caps, kUname), "trace");
  EXPECT_EQ(word(w, p, "d1", caps, 4242), "errno");  // no such syscall: the default
  // i386 under the x86 sub-arch: the same rules by name, 32-bit arguments.
  EXPECT_EQ(word(w, p, "d1", caps, kI386Getpid, {}, AUDIT_ARCH_I386), "allow");
  // i386's direct socket(359): libseccomp names socket on i386 by a pseudo number (-101, the
  // socketcall multiplexer), so, exactly as in runc, it does not count for the ENOSYS rule's
  // maximum (uname, 122): 359 is above it and gets ERRNO(ENOSYS), whatever the arguments.
  EXPECT_EQ(word(w, p, "d1", caps, kI386Socket, {2, 1}, AUDIT_ARCH_I386), "errno");
  EXPECT_EQ(word(w, p, "d1", caps, kI386Socket, {2, 2}, AUDIT_ARCH_I386), "errno");
  // An arch the profile does not cover is killed (the engine's bad-arch action).
  EXPECT_EQ(word(w, p, "d1", caps, 0, {}, AUDIT_ARCH_AARCH64), "kill_process");
}

TEST(WouldBe, CapabilityDependentRulesFollowTheContainersCapabilities) {
  Dir dir;
  std::string p = dir.write("p.json", kHandMadeProfile);
  sc::audit::WouldBe w;
  const std::vector<std::string> admin = {"CAP_SYS_ADMIN", "CAP_CHOWN"}, plain = {"CAP_CHOWN"}, none = {};
  EXPECT_EQ(word(w, p, "d1", admin, kMount), "allow");
  EXPECT_EQ(word(w, p, "d1", admin, kChroot), "errno");
  EXPECT_EQ(word(w, p, "d1", plain, kMount), "errno");
  EXPECT_EQ(word(w, p, "d1", plain, kChroot), "allow");
  EXPECT_EQ(word(w, p, "d1", none, kMount), "errno");
  EXPECT_EQ(word(w, p, "d1", none, kChroot), "allow");
  // The order the registry lists capabilities in does not matter; the answers do not leak
  // between capability sets whichever is asked first.
  EXPECT_EQ(word(w, p, "d1", {"CAP_CHOWN", "CAP_SYS_ADMIN"}, kMount), "allow");
  EXPECT_EQ(word(w, p, "d1", plain, kMount), "errno");
  EXPECT_EQ(word(w, p, "d1", admin, kMount), "allow");
}

TEST(WouldBe, TheCacheIsKeyedByTheProfilesDigestAndCapabilities) {
  Dir dir;
  std::string p = dir.write("p.json", kHandMadeProfile);
  sc::audit::WouldBe w;
  const std::vector<std::string> caps = {"CAP_CHOWN"};
  EXPECT_EQ(word(w, p, "digest-1", caps, kGetpid), "allow");
  // The file changes on disk (getpid now denied) but the container still runs the profile it
  // was launched with, digest-1: the compiled program of that digest is kept.
  dir.write("p.json", R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["uname"], "action": "SCMP_ACT_ALLOW"}]})");
  EXPECT_EQ(word(w, p, "digest-1", caps, kGetpid), "allow");
  EXPECT_EQ(word(w, p, "digest-1", caps, kUname), "trace");
  // A container launched with the new file has a new digest: compiled from the file as it is.
  EXPECT_EQ(word(w, p, "digest-2", caps, kGetpid), "errno");
  EXPECT_EQ(word(w, p, "digest-2", caps, kUname), "allow");
  // Each (digest, capability set) keeps its own program: asking digest-1 again after
  // digest-2 was compiled still answers from digest-1's.
  EXPECT_EQ(word(w, p, "digest-1", caps, kGetpid), "allow");
  EXPECT_EQ(word(w, p, "digest-2", caps, kGetpid), "errno");
  // Without a digest the path is the key.
  EXPECT_EQ(word(w, p, "", caps, kUname), "allow");
  // No profile path (an unconfined container): no answer.
  EXPECT_EQ(word(w, "", "digest-1", caps, kGetpid), "");
}

TEST(WouldBe, AProfileThatFailsToCompileGivesNoAnswerAndOneWarningNamingIt) {
  Dir dir;
  LogCapture log;
  sc::audit::WouldBe w;
  const std::vector<std::string> caps = {"CAP_CHOWN"};
  // Parses, but cannot be resolved: a deny rule naming a syscall no kernel table knows under
  // an ALLOW default would be silently dropped, which the engine refuses.
  std::string unresolvable = dir.write("unresolvable.json",
      R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["no_such_call"], "action": "SCMP_ACT_ERRNO"}]})");
  std::string not_json = dir.write("not-json.json", "{\"defaultAction\": ");
  std::string missing = dir.path + "/missing.json";
  for (const auto& path : {unresolvable, not_json, missing}) {
    SCOPED_TRACE(path);
    EXPECT_EQ(word(w, path, "", caps, kGetpid), "") << "a profile that cannot be compiled decides nothing";
    EXPECT_EQ(word(w, path, "", caps, kSocket, {2, 2}), "");
    EXPECT_EQ(word(w, path, "", caps, kMount), "");
  }
  size_t warnings = 0;
  std::string all;
  for (const auto& line : log.lines()) {
    all += line;
    if (line.find("cannot be compiled") != std::string::npos) ++warnings;
  }
  EXPECT_EQ(warnings, 3u) << "one warning per profile, not per call:\n" << all;
  for (const auto& path : {unresolvable, not_json, missing}) EXPECT_NE(all.find(path), std::string::npos) << all;
  EXPECT_NE(all.find("no_such_call"), std::string::npos) << "the reason is in the warning:\n" << all;
  // Fixed on disk and launched again (a new digest): answered.
  dir.write("unresolvable.json", kHandMadeProfile);
  EXPECT_EQ(word(w, unresolvable, "fixed", caps, kGetpid), "allow");
}

// Every action a profile can name comes back as its verdict word (the one SECCOMP_RET_* ->
// name table, common/seccomp_ret.h), whatever its data (errno values, trace messages).
TEST(WouldBe, EveryActionOfTheProfileComesBackAsItsWord) {
  Dir dir;
  std::string p = dir.write("actions.json", R"({"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "/run/sc-agent.sock",
    "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86"]}],
    "syscalls": [
      {"names": ["getpid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
      {"names": ["socket"], "action": "SCMP_ACT_KILL_THREAD"},
      {"names": ["kill"], "action": "SCMP_ACT_KILL_PROCESS"},
      {"names": ["uname"], "action": "SCMP_ACT_TRAP"},
      {"names": ["getppid"], "action": "SCMP_ACT_TRACE", "errnoRet": 7},
      {"names": ["chroot"], "action": "SCMP_ACT_LOG"},
      {"names": ["mount"], "action": "SCMP_ACT_NOTIFY"}
    ]})");
  sc::audit::WouldBe w;
  const std::vector<std::string> caps = {};
  EXPECT_EQ(word(w, p, "a1", caps, kGetpid), "errno");
  EXPECT_EQ(word(w, p, "a1", caps, kSocket, {2, 1}), "kill_thread");
  EXPECT_EQ(word(w, p, "a1", caps, kKill, {1, 9}), "kill_process");
  EXPECT_EQ(word(w, p, "a1", caps, kUname), "trap");
  EXPECT_EQ(word(w, p, "a1", caps, kGetppid), "trace");
  EXPECT_EQ(word(w, p, "a1", caps, kChroot), "log");
  EXPECT_EQ(word(w, p, "a1", caps, kMount), "user_notif");
  EXPECT_EQ(word(w, p, "a1", caps, 4242), "allow");  // not named: the default
  EXPECT_EQ(word(w, p, "a1", caps, kI386Getpid, {}, AUDIT_ARCH_I386), "errno") << "the same rule on the sub-arch";
}

// The one reading of a filter's return value (audit/oracle): its action and errno, and an
// action the kernel does not know taken as the kernel takes it (the process is killed).
TEST(WouldBe, AReturnValueIsReadAsTheKernelReadsIt) {
  using sc::audit::Verdict;
  using sc::audit::verdict_of;
  using sc::common::Action;
  EXPECT_EQ(verdict_of(SECCOMP_RET_ERRNO | 13), (Verdict{Action::Errno, 13}));
  EXPECT_EQ(verdict_of(SECCOMP_RET_ERRNO), (Verdict{Action::Errno, 0}));
  EXPECT_EQ(verdict_of(SECCOMP_RET_TRACE | 7), (Verdict{Action::Trace, -1})) << "only ERRNO carries an errno";
  EXPECT_EQ(verdict_of(SECCOMP_RET_LOG), (Verdict{Action::Log, -1}));
  EXPECT_EQ(verdict_of(SECCOMP_RET_ALLOW), (Verdict{Action::Allow, -1}));
  EXPECT_EQ(verdict_of(SECCOMP_RET_KILL_THREAD), (Verdict{Action::KillThread, -1}));
  EXPECT_EQ(verdict_of(0x7ffd0000u), (Verdict{Action::KillProcess, -1})) << "an action no kernel defines kills";
  EXPECT_EQ(verdict_of(0x00010000u), (Verdict{Action::KillProcess, -1})) << "Action::Unknown is no kernel action";
}
