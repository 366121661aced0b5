// The cache of compiled programs: a hit is byte for byte the program a fresh compile gives;
// anything that decides the program changes the key; an entry that is corrupt, forged,
// stored under another key or writable by others is never used (the profile is compiled
// again and the container stays confined); --no_seccomp_cache touches no cache.
#include <sys/stat.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "isolator/launch/container_filter.h"
#include "isolator/launch/container_program.h"
#include "isolator/launch/profile_source.h"
#include "isolator/launch/program_cache.h"
#include "tests/launch/launch_fixture.h"

namespace sc::testing {
namespace {

namespace fs = std::filesystem;

// The only entry in a cache directory ("" when there is none, fails when there are more).
std::string only_entry(const std::string& directory) {
  std::string found;
  if (!fs::exists(directory)) return found;
  for (const auto& e : fs::directory_iterator(directory)) {
    if (e.path().extension() != ".bpf") continue;
    EXPECT_TRUE(found.empty()) << "more than one entry in " << directory;
    found = e.path().string();
  }
  return found;
}

std::vector<unsigned char> bytes_of(const compiler::Program& program) {
  std::vector<unsigned char> out(program.code.size() * sizeof(sock_filter));
  std::memcpy(out.data(), program.code.data(), out.size());
  return out;
}

class ProgramCacheTest : public LaunchTest {
 protected:
  void SetUp() override {
    LaunchTest::SetUp();
    if (::testing::Test::IsSkipped() || HasFatalFailure()) return;
    cache_dir_ = dir_ + "/cache";
  }
  // The docker-default profile for Docker's default capabilities, through the cache or not.
  launch::ContainerProgram program(const std::string& profile_file, bool use_cache, bool audit = false,
                                   std::set<std::string> caps = {"CAP_CHOWN", "CAP_SETUID", "CAP_NET_RAW"}) {
    auto source = launch::load_profile_source(config_dir_ + "/" + profile_file);
    std::optional<launch::ProgramCache> cache;
    if (use_cache) cache.emplace(cache_dir_);
    return launch::container_program(source, caps, audit, cache);
  }
  std::string cache_dir_;
};

// Root: libseccomp builds the docker-default program without no_new_privs only for root,
// and the entries must be root's to be trusted.
TEST_F(ProgramCacheTest, HitIsByteForByteTheFreshCompile) {
  SC_REQUIRE_ROOT();
  auto fresh = program("docker-default.json", false);
  EXPECT_FALSE(fresh.from_cache);
  EXPECT_FALSE(fs::exists(cache_dir_)) << "no cache was asked for";

  auto first = program("docker-default.json", true);
  EXPECT_FALSE(first.from_cache);
  EXPECT_TRUE(first.cache_notes.empty()) << first.cache_notes.front();
  std::string entry = only_entry(cache_dir_);
  ASSERT_FALSE(entry.empty());
  struct stat st {};
  ASSERT_EQ(::stat(entry.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  ASSERT_EQ(::stat(cache_dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);

  auto hit = program("docker-default.json", true);
  EXPECT_TRUE(hit.from_cache);
  EXPECT_TRUE(hit.cache_notes.empty());
  EXPECT_GT(hit.program.code.size(), 100u);
  EXPECT_EQ(bytes_of(hit.program), bytes_of(fresh.program));
  EXPECT_EQ(hit.program.flags, fresh.program.flags);
  EXPECT_EQ(hit.program.no_new_privs, fresh.program.no_new_privs);
  // The resolver's warnings come back with the entry, not only from a fresh compile.
  EXPECT_FALSE(fresh.warnings.empty());
  EXPECT_EQ(hit.warnings, fresh.warnings);
}

TEST_F(ProgramCacheTest, KeyCoversProfileBytesCapabilitiesAuditAndOptions) {
  launch::ProgramKeyInput base;
  base.profile_sha256 = std::string(64, 'a');
  base.capabilities = {"CAP_CHOWN"};
  base.options = launch::container_compile_options();
  const std::string key = launch::program_cache_key(base);
  EXPECT_EQ(key, launch::program_cache_key(base)) << "the key must be stable";
  auto differs = [&](auto change, const char* what) {
    launch::ProgramKeyInput other = base;
    change(other);
    EXPECT_NE(launch::program_cache_key(other), key) << what;
  };
  differs([](auto& k) { k.profile_sha256 = std::string(64, 'b'); }, "profile bytes");
  differs([](auto& k) { k.capabilities.insert("CAP_SYS_ADMIN"); }, "bounding set");
  differs([](auto& k) { k.capabilities.clear(); }, "empty bounding set");
  differs([](auto& k) { k.audit = true; }, "audit mode");
  differs([](auto& k) { k.options.binary_tree = false; }, "binary tree");
  differs([](auto& k) { k.options.log_flag = false; }, "log flag");
  differs([](auto& k) { k.options.no_new_privs = !k.options.no_new_privs; }, "no_new_privs");
  differs([](auto& k) { k.options.kill_process_on_bad_arch = false; }, "bad-arch action");
  for (const char* line : {"native_arch=", "kernel=", "libseccomp=", "libseccomp_api=", "executable=", "format="})
    EXPECT_NE(key.find(line), std::string::npos) << line;
}

TEST_F(ProgramCacheTest, ChangedProfileCapabilitiesOrAuditMiss) {
  SC_REQUIRE_ROOT();
  ASSERT_FALSE(program("uname-errno.json", true).from_cache);
  ASSERT_TRUE(program("uname-errno.json", true).from_cache);
  EXPECT_FALSE(program("uname-errno.json", true, /*audit=*/true).from_cache);
  EXPECT_FALSE(program("uname-errno.json", true, false, {"CAP_CHOWN"}).from_cache);
  // The same rules, one byte more: another file, another program key.
  write_profile("uname-errno.json", allow_all_but("uname", "SCMP_ACT_ERRNO") + "\n");
  auto changed = program("uname-errno.json", true);
  EXPECT_FALSE(changed.from_cache);
  EXPECT_TRUE(program("uname-errno.json", true).from_cache);
  // A different action for the same syscall is a different program, never the cached one.
  write_profile("uname-errno.json", allow_all_but("uname", "SCMP_ACT_KILL"));
  auto kill = program("uname-errno.json", true);
  EXPECT_FALSE(kill.from_cache);
  EXPECT_NE(bytes_of(kill.program), bytes_of(changed.program));
}

TEST_F(ProgramCacheTest, CorruptEntriesAreRecompiledNeverUsed) {
  SC_REQUIRE_ROOT();
  auto fresh = program("docker-default.json", true);
  std::string entry = only_entry(cache_dir_);
  ASSERT_FALSE(entry.empty());
  const std::string good = read_file(entry);

  // One instruction changed, checksum left as it was.
  std::string flipped = good;
  size_t code = flipped.find('\n') + 1 + 40;
  flipped[code] = static_cast<char>(flipped[code] ^ 0x01);
  // Truncated; empty; the checksum rewritten to match a body with another key.
  std::string truncated = good.substr(0, good.size() / 2);
  std::string forged_prefix = good.substr(0, good.size() - 65);
  forged_prefix.replace(forged_prefix.find("profile_sha256="), 20, "profile_sha256=fffff");  // same length
  std::string forged = forged_prefix + launch::sha256_hex(forged_prefix) + "\n";

  for (const auto& [bad, why] : std::vector<std::pair<std::string, std::string>>{
           {flipped, "checksum mismatch"}, {truncated, "truncated"}, {"", "wrong size"}, {forged, "another key"}}) {
    write_file(entry, bad);
    ::chmod(entry.c_str(), 0600);
    auto again = program("docker-default.json", true);
    EXPECT_FALSE(again.from_cache) << why;
    ASSERT_EQ(again.cache_notes.size(), 1u) << why;
    EXPECT_NE(again.cache_notes[0].find(why), std::string::npos) << again.cache_notes[0];
    EXPECT_EQ(bytes_of(again.program), bytes_of(fresh.program)) << why;
    // Replaced by a sound entry.
    EXPECT_EQ(read_file(entry), good) << why;
  }
}

TEST_F(ProgramCacheTest, EntriesOthersCanWriteAreIgnored) {
  SC_REQUIRE_ROOT();
  program("uname-errno.json", true);
  std::string entry = only_entry(cache_dir_);
  ASSERT_FALSE(entry.empty());
  ASSERT_EQ(::chmod(entry.c_str(), 0620), 0);
  auto group_writable = program("uname-errno.json", true);
  EXPECT_FALSE(group_writable.from_cache);
  ASSERT_FALSE(group_writable.cache_notes.empty());
  EXPECT_NE(group_writable.cache_notes[0].find("writable by group or others"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat(entry.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u) << "rewritten as root's own";

  ASSERT_EQ(::chown(entry.c_str(), 65534, 65534), 0);
  auto foreign = program("uname-errno.json", true);
  EXPECT_FALSE(foreign.from_cache);
  ASSERT_FALSE(foreign.cache_notes.empty());
  EXPECT_NE(foreign.cache_notes[0].find("owned by uid 65534"), std::string::npos) << foreign.cache_notes[0];

  // A directory others can write to: neither read nor written.
  ASSERT_TRUE(program("uname-errno.json", true).from_cache);
  ASSERT_EQ(::chmod(cache_dir_.c_str(), 0777), 0);
  auto open_dir = program("uname-errno.json", true);
  EXPECT_FALSE(open_dir.from_cache);
  ASSERT_EQ(open_dir.cache_notes.size(), 2u);
  EXPECT_NE(open_dir.cache_notes[0].find("writable by group or others"), std::string::npos);
  EXPECT_NE(open_dir.cache_notes[1].find("could not cache"), std::string::npos);
}

// Through the binary: the entry a launch finds for its profile holds an allow-everything
// program (another profile's valid entry, copied over). The container must still get
// uname denied, and stderr must say why the entry was not used.
TEST_F(ProgramCacheTest, LaunchWithAForeignEntryStaysConfined) {
  SC_REQUIRE_ROOT();
  write_profile("allow-acct-errno.json", allow_all_but("acct", "SCMP_ACT_ERRNO"));
  auto lenient = run(agent({"--seccomp_profile_name=allow-acct-errno.json", "--seccomp_cache_dir=" + dir_ + "/lenient"}),
                     {kProbe, "uname"});
  ASSERT_EQ(lenient.code, 0) << lenient.err;
  auto strict = run(agent({"--seccomp_profile_name=uname-errno.json"}), {kProbe, "uname"});
  ASSERT_EQ(strict.code, 1) << strict.err;
  EXPECT_EQ(strict.out, "errno=1\n");
  std::string lenient_entry = only_entry(dir_ + "/lenient");
  std::string strict_entry = only_entry(runtime_dir_ + "/cache");
  ASSERT_FALSE(lenient_entry.empty());
  ASSERT_FALSE(strict_entry.empty());

  // A hit: same result, no cache warnings.
  auto hit = run(agent({"--seccomp_profile_name=uname-errno.json"}), {kProbe, "uname"});
  EXPECT_EQ(hit.code, 1) << hit.err;
  EXPECT_EQ(hit.out, "errno=1\n");
  EXPECT_EQ(hit.err.find("cached program"), std::string::npos) << hit.err;

  fs::copy_file(lenient_entry, strict_entry, fs::copy_options::overwrite_existing);
  auto swapped = run(agent({"--seccomp_profile_name=uname-errno.json"}), {kProbe, "uname"});
  EXPECT_EQ(swapped.code, 1) << swapped.err;
  EXPECT_EQ(swapped.out, "errno=1\n");
  EXPECT_NE(swapped.err.find("ignoring the cached program"), std::string::npos) << swapped.err;
  EXPECT_NE(swapped.err.find("another key"), std::string::npos) << swapped.err;

  // Garbage in place of the entry: the same.
  write_file(strict_entry, "{\"not\": \"an entry\"}\n");
  auto garbage = run(agent({"--seccomp_profile_name=uname-errno.json"}), {kProbe, "uname"});
  EXPECT_EQ(garbage.code, 1) << garbage.err;
  EXPECT_EQ(garbage.out, "errno=1\n");
  EXPECT_NE(garbage.err.find("ignoring the cached program"), std::string::npos) << garbage.err;
}

TEST_F(ProgramCacheTest, WarningsAreReportedOnAHitToo) {
  SC_REQUIRE_ROOT();
  auto miss = run(agent({"--seccomp_profile_name=docker-default.json"}), {"/bin/true"});
  ASSERT_EQ(miss.code, 0) << miss.err;
  auto hit = run(agent({"--seccomp_profile_name=docker-default.json"}), {"/bin/true"});
  ASSERT_EQ(hit.code, 0) << hit.err;
  auto at = miss.err.find(" warning(s) about profile");
  ASSERT_NE(at, std::string::npos) << miss.err;
  std::string line = miss.err.substr(0, miss.err.find('\n', at));
  EXPECT_NE(hit.err.find(line), std::string::npos) << "miss: " << miss.err << "\nhit: " << hit.err;
}

TEST_F(ProgramCacheTest, NoSeccompCacheFlagTouchesNoCache) {
  SC_REQUIRE_ROOT();
  auto r = run(agent({"--seccomp_profile_name=uname-errno.json", "--no_seccomp_cache"}), {kProbe, "uname"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_EQ(r.out, "errno=1\n");
  EXPECT_FALSE(fs::exists(runtime_dir_ + "/cache"));

  // Not even read: a foreign entry where the cache would look is not reported.
  auto cached = run(agent({"--seccomp_profile_name=uname-errno.json"}), {kProbe, "uname"});
  ASSERT_EQ(cached.code, 1) << cached.err;
  std::string entry = only_entry(runtime_dir_ + "/cache");
  ASSERT_FALSE(entry.empty());
  write_file(entry, "garbage");
  auto off = run(agent({"--seccomp_profile_name=uname-errno.json", "--no_seccomp_cache"}), {kProbe, "uname"});
  EXPECT_EQ(off.code, 1) << off.err;
  EXPECT_EQ(off.err.find("cached program"), std::string::npos) << off.err;
  EXPECT_EQ(read_file(entry), "garbage");
}

TEST_F(ProgramCacheTest, CacheDirFlagChoosesTheDirectory) {
  SC_REQUIRE_ROOT();
  std::string elsewhere = dir_ + "/elsewhere/programs";
  auto r = run(agent({"--seccomp_profile_name=uname-errno.json", "--seccomp_cache_dir=" + elsewhere}), {kProbe, "uname"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_FALSE(only_entry(elsewhere).empty());
  EXPECT_FALSE(fs::exists(runtime_dir_ + "/cache"));
}

}  // namespace
}  // namespace sc::testing

namespace sc::testing {
namespace {

// A hit skips parsing the profile it compiled, never the checks Mesos makes at start-up: an
// agent default that does not parse stops the launch even when the task's own profile is
// cached, and a broken profile is reported as before with the cache on.
TEST_F(ProgramCacheTest, ParseErrorsStillStopTheLaunch) {
  SC_REQUIRE_ROOT();
  const std::string task = R"(--container_info={"linux_info":{"seccomp":{"profile_name":"uname-errno.json"}}})";
  auto cached = run(agent({"--seccomp_profile_name=docker-default.json", task}), {kProbe, "uname"});
  ASSERT_EQ(cached.code, 1) << cached.err;
  ASSERT_EQ(cached.out, "errno=1\n");
  ASSERT_FALSE(only_entry(runtime_dir_ + "/cache").empty());

  write_profile("broken.json", R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [)");
  std::string marker = dir_ + "/ran";
  auto broken_default = run(agent({"--seccomp_profile_name=broken.json", task}), {kProbe, "touch", marker});
  EXPECT_EQ(broken_default.code, 125) << broken_default.err;
  EXPECT_NE(broken_default.err.find("Failed to parse Seccomp profile '" + config_dir_ + "/broken.json'"),
            std::string::npos)
      << broken_default.err;
  EXPECT_FALSE(fs::exists(marker));

  auto broken = run(agent({"--seccomp_profile_name=broken.json"}), {kProbe, "touch", marker});
  EXPECT_EQ(broken.code, 125) << broken.err;
  EXPECT_NE(broken.err.find("Failed to parse Seccomp profile"), std::string::npos) << broken.err;
  EXPECT_FALSE(fs::exists(marker));
}

}  // namespace
}  // namespace sc::testing
