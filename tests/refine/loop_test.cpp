// The refinement loop closed end to end, with the real parts: a workload runs under a
// too-strict profile in audit mode (`seccomp-isolator launch --audit`), the daemon
// (`seccomp-audit run`) records, `suggest` produces a patch, and under the patched profile
// the same workload runs in enforce mode with zero denials, while the patch touches nothing
// but what was denied. Then `--tighten` from the daemon's learning bitmaps: the tightened
// profile allows exactly what was used plus the launch essentials and still runs the
// workload. Finally the HTML report of the real recording, with a workload whose process
// name is hostile, opened in headless Chromium. Root.
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <iterator>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "audit/refine/state_input.h"
#include "audit/refine/syscall_names.h"
#include "common/seccomp_ret.h"
#include "tests/refine/browser.h"
#include "tests/refine/loop_fixture.h"
#include "tests/refine/process.h"
#include "tests/refine/recorded_state.h"
#include "tests/support/privileges.h"

namespace sc::refine {
namespace {

using namespace sc::refine::testing;
using nlohmann::json;
using nlohmann::ordered_json;
namespace fs = std::filesystem;

// What `--tighten` must keep besides what was used, written out here (docs/refine.md,
// the launch essentials): the test's own table, not the product's list.
const std::set<std::string> kLaunchEssentials = {
    "execve", "execveat", "setuid", "setgid", "setgroups", "setresuid", "setresgid", "setreuid", "setregid",
    "setfsuid", "setfsgid", "setuid32", "setgid32", "setgroups32", "setresuid32", "setresgid32", "setreuid32",
    "setregid32", "setfsuid32", "setfsgid32", "capget", "capset", "prctl", "rt_sigreturn", "sigreturn", "exit",
    "exit_group", "brk", "mmap", "mmap2", "munmap", "mprotect", "arch_prctl", "set_tid_address",
    "set_robust_list", "rseq", "openat", "read", "pread64", "close", "newfstatat", "fstat", "access", "futex",
    "getrandom", "prlimit64", "rt_sigprocmask", "rt_sigaction"};

constexpr int kMaxNr = 460;
// Not probed: exit_group (the probe must exit) and 335, uretprobe on x86_64, which newer
// kernels run past seccomp altogether (it raises SIGILL outside a uretprobe trampoline).
// uretprobe and uprobe: this kernel runs them without consulting seccomp (one raises SIGILL,
// the other really runs), so they are not probed.
constexpr int kUretprobe = 335, kUprobe = 336;
// exit_group and seccomp pass the catcher filter (see kernel_verdicts), so they are not probed.
bool probed(int nr) { return nr != SYS_exit_group && nr != SYS_seccomp && nr != kUretprobe && nr != kUprobe; }
constexpr int kAllowed = -1;  // kernel_verdicts(): the filter let the call through
constexpr int kCaught = 4000;  // the errno of the catcher filter below the profile

// The kernel's verdict on a live filter for every x86_64 syscall number 0..kMaxNr (all
// arguments 0), without running any call: a child loads the compiled profile (raw BPF from
// `seccomp-isolator compile --format=bpf`) on top of a filter that answers ERRNO(4000) to
// every call but exit_group. The kernel applies the most restrictive action of all filters,
// and of two ERRNOs the one of the newest filter (the profile's). So the call fails with 4000 where the
// profile allows it (kAllowed), and with the profile's own errno where it denies it (EPERM, or
// ENOSYS above every syscall it names: runc's rule). No call runs. See probed() for the
// numbers not probed.
std::vector<int> kernel_verdicts(const std::string& bpf_file) {
  std::string program = read_file(bpf_file);
  if (program.empty() || program.size() % sizeof(sock_filter) != 0) throw std::runtime_error("bad BPF in " + bpf_file);
  void* shared = mmap(nullptr, sizeof(int) * (kMaxNr + 1), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) throw std::runtime_error("mmap");
  int* result = static_cast<int*>(shared);
  for (int nr = 0; nr <= kMaxNr; ++nr) result[nr] = -2;
  pid_t pid = fork();
  if (pid == 0) {
    std::vector<sock_filter> profile(program.size() / sizeof(sock_filter));
    std::memcpy(profile.data(), program.data(), program.size());
    sock_fprog profile_prog{static_cast<unsigned short>(profile.size()), profile.data()};
    sock_filter catch_all[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_exit_group, 2, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_seccomp, 1, 0),  // to load the profile on top
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | kCaught),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    sock_fprog catch_prog{static_cast<unsigned short>(std::size(catch_all)), catch_all};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &catch_prog) != 0 ||
        syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &profile_prog) != 0)
      _exit(90);
    for (int nr = 0; nr <= kMaxNr; ++nr) {
      if (!probed(nr)) continue;
      long rc = syscall(nr, 0, 0, 0, 0, 0, 0);
      result[nr] = rc == -1 && errno == kCaught ? kAllowed : rc == -1 ? errno : -3;
    }
    syscall(SYS_exit_group, 0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  std::vector<int> out(result, result + kMaxNr + 1);
  munmap(shared, sizeof(int) * (kMaxNr + 1));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("the verdict probe failed for " + bpf_file + ": status " + std::to_string(status));
  return out;
}

TEST_F(Loop, AuditRecordSuggestEnforceWithZeroDenials) {
  SC_REQUIRE_ROOT();
  SC_REQUIRE(fs::exists(bin("seccomp-isolator")), "needs the seccomp-isolator binary");
  Daemon daemon(tmp.path(), pin_dir);
  ASSERT_TRUE(daemon.running()) << daemon.log();
  const std::string tag = std::to_string(getpid());

  // 0. The profile really is too strict: enforced, the workload fails and errno is recorded.
  auto strict = launch_watched(daemon, "strict.json", "refine-strict-" + tag, false);
  EXPECT_EQ(strict.exit_code, 1) << strict.out << strict.err;
  EXPECT_TRUE(daemon.wait_for([&](const audit::State& st) { return verdict_count(st, "refine-strict-" + tag, "uname") > 0; }))
      << daemon.log();

  // 1. Audit mode: nothing breaks, every would-be denial is recorded.
  const std::string audit_id = "refine-audit-" + tag;
  auto audited = launch_watched(daemon, "strict.json", audit_id, true);
  ASSERT_EQ(audited.exit_code, 0) << audited.out << audited.err;
  ASSERT_TRUE(daemon.wait_for([&](const audit::State& st) {
    for (const char* n : {"uname", "sysinfo", "getrusage", "personality"})
      if (verdict_count(st, audit_id, n) == 0) return false;
    return true;
  })) << daemon.log();

  // 2. suggest: a patch, and the whole patched profile.
  auto patch = audit_cli({"suggest", "--container=" + audit_id});
  ASSERT_EQ(patch.exit_code, 0) << patch.err;
  auto profile = audit_cli({"suggest", "--container=" + audit_id, "--format=profile"});
  ASSERT_EQ(profile.exit_code, 0) << profile.err;
  std::string original = read_file(config + "/strict.json");
  // Applied by an independent implementation, it gives exactly the --format=profile output.
  ordered_json patched = ordered_json::parse(original).patch(ordered_json::parse(patch.out));
  EXPECT_EQ(patched.dump(1, '\t') + "\n", profile.out);
  // The patch touches nothing else: syscalls[0].names gains the three plain names, one rule
  // is inserted right after Docker's personality rules (syscalls[5..9]): personality for the
  // one value the daemon recorded (0x4, the tracer saw its arguments), that is all.
  json before = json::parse(original), after = json::parse(profile.out);
  EXPECT_EQ(after["defaultAction"], before["defaultAction"]);
  ASSERT_EQ(after["syscalls"].size(), before["syscalls"].size() + 1);
  const size_t inserted = 10;
  json rule = after["syscalls"][inserted];
  EXPECT_EQ(rule["names"], json::array({"personality"}));
  EXPECT_EQ(rule["action"], "SCMP_ACT_ALLOW");
  EXPECT_EQ(rule["args"], json::parse(R"([{"index": 0, "value": 4, "valueTwo": 0, "op": "SCMP_CMP_EQ"}])"));
  json after_without = after;
  after_without["syscalls"].erase(inserted);
  for (size_t i = 1; i < before["syscalls"].size(); ++i) EXPECT_EQ(after_without["syscalls"][i], before["syscalls"][i]) << i;
  auto names_before = before["syscalls"][0]["names"].get<std::set<std::string>>();
  auto names_after = after["syscalls"][0]["names"].get<std::set<std::string>>();
  std::set<std::string> added;
  for (const auto& n : names_after)
    if (!names_before.count(n)) added.insert(n);
  EXPECT_EQ(added, std::set<std::string>(kRemoved.begin(), kRemoved.end()));
  EXPECT_EQ(names_after.size(), names_before.size() + kRemoved.size());
  json without_rules0 = after, before_rules0 = before;
  without_rules0["syscalls"] = nullptr;
  before_rules0["syscalls"] = nullptr;
  EXPECT_EQ(without_rules0, before_rules0);
  write_file(config + "/patched.json", profile.out);

  // 3. Enforce mode under the patched profile: the workload succeeds, nothing is denied.
  const std::string enforce_id = "refine-enforce-" + tag;
  // --marker: its last call, a keyctl the patched profile denies, is the one verdict expected;
  // once it is recorded, any denial of the calls before it would be too.
  auto enforced = launch_watched(daemon, "patched.json", enforce_id, false, {"--marker"});
  EXPECT_EQ(enforced.exit_code, 0) << enforced.out << enforced.err;
  ASSERT_TRUE(daemon.wait_for([&](const audit::State& st) { return verdict_count(st, enforce_id, "keyctl") > 0; }))
      << daemon.log();
  audit::State final_state = load_state(state_dir);
  EXPECT_EQ(verdict_count(final_state, enforce_id, "keyctl"), 1u);
  EXPECT_EQ(verdict_count(final_state, enforce_id), 1u) << "only the marker is denied";
  // ...and re-running suggest against the patched file finds nothing left to loosen.
  auto again = audit_cli({"suggest", "--container=" + audit_id, "--profile_file=" + config + "/patched.json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(json::parse(again.out), json::array());
}

TEST_F(Loop, TightenFromLearningStillRunsTheWorkload) {
  SC_REQUIRE_ROOT();
  SC_REQUIRE(fs::exists(bin("seccomp-isolator")), "needs the seccomp-isolator binary");
  Daemon daemon(tmp.path(), pin_dir);
  ASSERT_TRUE(daemon.running()) << daemon.log();
  const std::string tag = std::to_string(getpid());
  // Learn under the shared Docker profile (it allows everything the workload does except
  // personality(0x4), recorded as a would-be denial in audit mode).
  fs::copy_file(shared_profile("docker-default.json"), config + "/docker.json");
  const std::string id = "refine-learn-" + tag;
  // The barrier: the second image starts after the daemon watches the cgroup, so learning
  // sees its whole start-up.
  auto learned_run = launch_watched(daemon, "docker.json", id, true);
  ASSERT_EQ(learned_run.exit_code, 0) << learned_run.out << learned_run.err;
  ASSERT_TRUE(daemon.wait_for([&](const audit::State& st) {
    auto it = st.containers.find(id);
    return it != st.containers.end() && it->second.exited_at_ns && it->second.learned.count(sc::testing::arch("x86_64")) &&
           it->second.learned.at(sc::testing::arch("x86_64")).count(*syscall_number("x86_64", "getrusage"));
  })) << daemon.log();
  audit::State st = load_state(state_dir);
  const auto& used = st.containers.at(id).learned.at(sc::testing::arch("x86_64"));

  auto tighten = audit_cli({"suggest", "--container=" + id, "--tighten", "--format=profile"});
  ASSERT_EQ(tighten.exit_code, 0) << tighten.err;
  auto tighten_patch = audit_cli({"suggest", "--container=" + id, "--tighten"});
  ASSERT_EQ(tighten_patch.exit_code, 0) << tighten_patch.err;
  std::string original = read_file(config + "/docker.json");
  std::string final_newline = !original.empty() && original.back() == '\n' ? "\n" : "";
  EXPECT_EQ(ordered_json::parse(original).patch(ordered_json::parse(tighten_patch.out)).dump(1, '\t') + final_newline,
            tighten.out);
  for (const auto& op : json::parse(tighten_patch.out)) EXPECT_NE(op["op"], "add");

  // Exactly the unused ones are gone: over every x86_64 number, the kernel's verdict on the
  // live filters: allowed after == allowed before and (used or launch-essential).
  write_file(config + "/tightened.json", tighten.out);
  const auto before = kernel_verdicts(compiled("docker.json")), after = kernel_verdicts(compiled("tightened.json"));
  size_t removed = 0;
  int32_t highest_allowed_after = 0;
  for (int32_t nr = 0; nr <= kMaxNr; ++nr)
    if (probed(nr) && after[nr] == kAllowed) highest_allowed_after = nr;
  for (int32_t nr = 0; nr <= kMaxNr; ++nr) {
    if (!probed(nr)) continue;
    bool was = before[nr] == kAllowed, now = after[nr] == kAllowed;
    std::string name = syscall_name("x86_64", nr).value_or("#" + std::to_string(nr));
    EXPECT_EQ(now, was && (used.count(nr) > 0 || kLaunchEssentials.count(name) > 0))
        << name << ": before " << before[nr] << ", after " << after[nr];
    if (!now) {  // the profile's errno, or ENOSYS only above everything it still allows
      EXPECT_TRUE(after[nr] == EPERM || (after[nr] == ENOSYS && nr > highest_allowed_after))
          << name << " (" << nr << "): denied with errno " << after[nr] << "; highest allowed " << highest_allowed_after;
    }
    removed += was && !now;
  }
  EXPECT_GT(removed, 200u);
  EXPECT_EQ(before[SYS_uname], kAllowed);  // the probe tells allowed from denied at all
  EXPECT_EQ(before[SYS_keyctl], EPERM);

  // Loosen for personality(0x4) too (recorded in audit mode), then enforce the tightened +
  // loosened profile: the workload runs and nothing is denied.
  write_file(config + "/tight.json", tighten.out);
  auto loosened = audit_cli({"suggest", "--container=" + id, "--profile_file=" + config + "/tight.json", "--format=profile"});
  ASSERT_EQ(loosened.exit_code, 0) << loosened.err;
  write_file(config + "/tight-loose.json", loosened.out);
  const std::string enforce_id = "refine-tight-" + tag;
  // --marker: a denied keyctl last; once it is recorded, earlier denials would be too.
  auto enforced = launch_watched(daemon, "tight-loose.json", enforce_id, false, {"--marker"});
  EXPECT_EQ(enforced.exit_code, 0) << enforced.out << enforced.err;
  ASSERT_TRUE(daemon.wait_for([&](const audit::State& s) { return verdict_count(s, enforce_id, "keyctl") > 0; }))
      << daemon.log();
  audit::State after_state = load_state(state_dir);
  EXPECT_EQ(verdict_count(after_state, enforce_id), 1u);
  EXPECT_EQ(verdict_count(after_state, enforce_id, "keyctl"), 1u);
  for (const auto& [k, v] : after_state.containers.at(enforce_id).verdicts)
    if (v.syscall != "keyctl" && v.count > 0) {  // (a source that did not count it leaves a 0 row)
      ADD_FAILURE() << "denied under the tightened profile: " << v.syscall << " " << sc::common::action_text(k.action) << " x" << v.count;
    }
}

TEST_F(Loop, HtmlReportOfARealRecordingWithAHostileProcessName) {
  SC_REQUIRE_ROOT();
  SC_REQUIRE(fs::exists(bin("seccomp-isolator")), "needs the seccomp-isolator binary");
  SC_REQUIRE(::access(kChromium, X_OK) == 0, "needs Debian's chromium at /usr/bin/chromium");
  Daemon daemon(tmp.path(), pin_dir);
  ASSERT_TRUE(daemon.running()) << daemon.log();
  // The workload under a hostile file name: comm is its first 15 bytes, exe the full path.
  const std::string hostile = "<img src=x onerror=alert(1)>";
  std::string hostile_dir = tmp.path() + "/bin";
  fs::create_directories(hostile_dir);
  std::string hostile_exe = hostile_dir + "/" + hostile;
  fs::copy_file(workload, hostile_exe);
  fs::permissions(hostile_exe, fs::perms::owner_all);
  const std::string id = "refine-hostile-" + std::to_string(getpid());
  auto r = launch_watched(daemon, "strict.json", id, true, {}, hostile_exe);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_TRUE(daemon.wait_for([&](const audit::State& st) { return verdict_count(st, id, "uname") > 0; })) << daemon.log();
  audit::State st = load_state(state_dir);
  bool hostile_comm = false;
  for (const auto& [k, v] : st.containers.at(id).verdicts)
    if (v.sample && v.sample->comm == hostile.substr(0, 15)) hostile_comm = true;
  EXPECT_TRUE(hostile_comm) << "the daemon recorded no sample with the hostile comm";
  daemon.stop();

  std::string artifacts = std::string(SC_BINARY_DIR) + "/test-artifacts/refine";
  fs::create_directories(artifacts);
  std::string html = artifacts + "/report-loop.html", png = artifacts + "/report-loop.png";
  auto rep = audit_cli({"report", "--format=html", "--output=" + html, "--container=" + id});
  ASSERT_EQ(rep.exit_code, 0) << rep.err;
  fs::remove(png);
  BrowserResult b = open_in_chromium(html, png);
  ASSERT_EQ(b.dump_exit, 0) << b.error;
  EXPECT_EQ(check_dom_shows_text(b.dom, "&lt;img src=x oner"), "");
  ASSERT_EQ(b.screenshot_exit, 0) << b.error;
  EXPECT_GT(fs::file_size(png), 10000u);
}

}  // namespace
}  // namespace sc::refine
