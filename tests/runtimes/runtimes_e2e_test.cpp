// Docker and Podman containers first-class (issue 15, parts 1-3), end to end with the real
// engines: a container under a too-strict profile's log-only variant (`compile --audit
// --format=docker`) runs to completion; the daemon attributes its would-be denials to the
// engine's container id and name, with the enforcing verdict; `suggest --container=ID`
// patches the file the container runs; the same container enforced under the patched file
// passes, and under the original file fails. And: a registration that cannot be written
// (the companion's runtime dir unusable, no daemon) never stops a container from starting.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "isolator/registry/registry.h"
#include "tests/audit/daemon_harness.h"
#include "tests/runtimes/runtime_servers.h"
#include "tests/support/privileges.h"
#include "common/arch.h"
#include "common/seccomp_ret.h"

namespace sc::runtime_tests {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using refine::testing::bin;
using refine::testing::read_file;
using refine::testing::write_file;

// The workload: two calls the tight profile denies, then a line only a full run prints.
const std::vector<std::string> kWorkload = {"sh", "-c", "uname -s >/dev/null && mkdir /tmp/sc-probe && echo ok"};

// Docker 20.10's default allow list (its first rule) without uname and mkdir: everything
// runc and busybox need except what the workload adds.
std::string tight_profile() {
  json d = json::parse(read_file(std::string(SC_SOURCE_DIR) + "/profiles/docker-20.10-default.json"));
  json names = json::array();
  for (const auto& n : d["syscalls"][0]["names"])
    if (n != "uname" && n != "mkdir" && n != "mkdirat") names.push_back(n);
  json p = {{"defaultAction", "SCMP_ACT_ERRNO"},
            {"defaultErrnoRet", 1},
            {"architectures", {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}},
            {"syscalls", json::array({{{"names", names}, {"action", "SCMP_ACT_ALLOW"}}})}};
  return p.dump(1) + "\n";
}

struct Workspace {
  testing::DaemonHarness h;
  std::string profiles, tight, audit_variant, broken_runtime_dir;
  Workspace() {
    profiles = h.dir() + "/profiles";
    fs::create_directories(profiles);
    tight = profiles + "/tight.json";
    write_file(tight, tight_profile());
    audit_variant = h.dir() + "/tight-audit.json";
    auto c = refine::testing::run({bin("seccomp-isolator"), "compile", "--audit", "--format=docker", tight,
                                   "--output=" + audit_variant});
    EXPECT_EQ(c.exit_code, 0) << c.err;
    // A runtime dir that cannot be created: its parent is a regular file.
    write_file(h.dir() + "/not-a-dir", "");
    broken_runtime_dir = h.dir() + "/not-a-dir/run";
  }
  std::vector<std::string> registration_flags(const std::string& prefix, const std::string& runtime_dir) const {
    return {prefix + "runtime_dir=" + runtime_dir, prefix + "bundled_profiles=" + std::string(SC_SOURCE_DIR) + "/profiles",
            prefix + "profiles=" + profiles};
  }
  ProcessResult suggest(const std::string& id) const {
    return refine::testing::run({bin("seccomp-audit"), "suggest", "--container=" + id, "--state_dir=" + h.state_dir(),
                                 "--runtime_dir=" + h.runtime_dir()});
  }
};

// The daemon's record of `id`: attributed to the engine's id and name, audit mode, the
// enforcing file, and uname counted as LOG with ERRNO as the enforcing verdict.
void expect_attributed(Workspace& s, const std::string& id, const std::string& runtime, const std::string& name) {
  bool ok = s.h.wait_state(
      [&](const audit::State& st) {
        auto it = st.containers.find(id);
        if (it == st.containers.end()) return false;
        for (const auto& [key, v] : it->second.verdicts)
          if (v.syscall == "uname" && sc::common::action_text(key.action) == "log" && v.would_be_action == sc::common::Action::Errno) return true;
        return false;
      },
      "uname of " + runtime + " container " + id + " counted as log with would_be errno", 20);
  ASSERT_TRUE(ok) << testing::DaemonHarness::describe(s.h.read_state());
  const audit::State state = s.h.read_state();
  const audit::ContainerRecord& c = state.containers.at(id);
  EXPECT_EQ(c.runtime, runtime);
  EXPECT_EQ(c.container_name, name);
  EXPECT_EQ(c.mode, "audit");
  EXPECT_EQ(c.cgroup_path.rfind(test_cgroup_parent() + "/", 0), 0u) << c.cgroup_path;
  EXPECT_EQ(c.profile_path, fs::canonical(s.tight).string());
  bool mkdir_seen = false;
  for (const auto& [key, v] : c.verdicts) mkdir_seen = mkdir_seen || v.syscall == "mkdir" || v.syscall == "mkdirat";
  EXPECT_TRUE(mkdir_seen) << testing::DaemonHarness::describe(state);
}

// How the Markdown report writes a recorded string: Markdown punctuation backslash-escaped.
std::string markdown(const std::string& raw) {
  std::string out;
  for (char c : raw) {
    if (std::string("\\`*_{}[]()#+-.!|~").find(c) != std::string::npos) out += '\\';
    out += c;
  }
  return out;
}

// `report --container=ID`: the container under its engine's name, judged against the tight file.
void expect_report(Workspace& s, const std::string& id, const std::string& name) {
  ProcessResult r = refine::testing::run({bin("seccomp-audit"), "report", "--container=" + id,
                                          "--state_dir=" + s.h.state_dir(), "--runtime_dir=" + s.h.runtime_dir()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("- name: " + markdown(name)), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("File: " + markdown(fs::canonical(s.tight).string())), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("uname"), std::string::npos) << r.out;
}

// suggest's patch applies to the tight file (with nlohmann's own RFC 6902 applier) and adds
// what the workload needs; the patched file is written next to it.
std::string patched_profile(Workspace& s, const std::string& id) {
  ProcessResult r = s.suggest(id);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  json patch = json::parse(r.out, nullptr, false);
  EXPECT_TRUE(patch.is_array()) << r.out;
  if (!patch.is_array()) return "";
  json fixed = json::parse(read_file(s.tight)).patch(patch);
  std::string text = fixed.dump();
  EXPECT_NE(text.find("\"uname\""), std::string::npos) << r.out;
  std::string path = s.h.dir() + "/fixed-" + id.substr(0, 12) + ".json";
  write_file(path, fixed.dump(1) + "\n");
  return path;
}

std::string first_line(const std::string& path) {
  std::string text = read_file(path);
  return text.substr(0, text.find('\n'));
}

TEST(DockerContainers, AuditSuggestEnforce) {
  SC_REQUIRE_ROOT();
  SC_REQUIRE(access("/usr/sbin/dockerd", X_OK) == 0, "Debian's docker.io (dockerd 20.10) is not installed");
  Workspace s;
  s.h.start_daemon();
  make_busybox_rootfs(s.h.dir());
  json runtimes = json::object();
  runtimes["seccomp-runc"] = {{"path", bin("seccomp-runc")}, {"runtimeArgs", s.registration_flags("--companion-", s.h.runtime_dir())}};
  runtimes["seccomp-runc-broken"] = {{"path", bin("seccomp-runc")},
                                     {"runtimeArgs", s.registration_flags("--companion-", s.broken_runtime_dir)}};
  Dockerd d(s.h.dir() + "/docker", json{{"runtimes", runtimes}}.dump());
  auto tar = refine::testing::run({"/bin/tar", "-C", s.h.dir() + "/rootfs", "-cf", s.h.dir() + "/rootfs.tar", "."});
  ASSERT_EQ(tar.exit_code, 0) << tar.err;
  auto imported = d.docker({"import", s.h.dir() + "/rootfs.tar", kImage});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;

  auto run = [&](const std::string& runtime, const std::string& profile, const std::string& name) {
    std::vector<std::string> args = {"run", "--rm", "--network=none", "--ulimit", "nofile=1024:1024",
                                     "--runtime=" + runtime, "--security-opt", "seccomp=" + profile,
                                     "--label", "app=shop", "--label", "tier=<b>\"web\"</b>",
                                     "--name", name, "--cidfile", s.h.dir() + "/" + name + ".cid", kImage};
    args.insert(args.end(), kWorkload.begin(), kWorkload.end());
    return d.docker(args);
  };
  std::string name = "sc-web-" + std::to_string(getpid());
  auto audited = run("seccomp-runc", s.audit_variant, name);
  ASSERT_EQ(audited.exit_code, 0) << audited.err << d.log();
  EXPECT_EQ(audited.out, "ok\n");
  std::string id = first_line(s.h.dir() + "/" + name + ".cid");
  ASSERT_EQ(id.size(), 64u);
  expect_attributed(s, id, "docker", name);
  expect_report(s, id, name);
  auto entry = registry::read(s.h.runtime_dir(), id);
  ASSERT_TRUE(entry);
  EXPECT_TRUE(entry->exited_at_ns) << "`docker run --rm` deleted it: the wrapper's delete marks it exited";
  // Its `docker run --label`s, for `run --workload_label=app` (stored as given, hostile bytes too).
  EXPECT_EQ(entry->labels["app"], "shop");
  EXPECT_EQ(entry->labels["tier"], "<b>\"web\"</b>");

  std::string fixed = patched_profile(s, id);
  ASSERT_FALSE(fixed.empty());
  auto strict = run("seccomp-runc", s.tight, name + "-strict");
  EXPECT_NE(strict.exit_code, 0) << "the tight profile itself must deny the workload: " << strict.out;
  auto enforced = run("seccomp-runc", fixed, name + "-fixed");
  EXPECT_EQ(enforced.exit_code, 0) << enforced.err;
  EXPECT_EQ(enforced.out, "ok\n");
  std::string fixed_id = first_line(s.h.dir() + "/" + name + "-fixed.cid");
  auto fixed_entry = registry::read(s.h.runtime_dir(), fixed_id);
  ASSERT_TRUE(fixed_entry);
  EXPECT_EQ(fixed_entry->mode, "enforce");
  EXPECT_EQ(fixed_entry->container_name, name + "-fixed");

  // Docker's built-in default, no --security-opt: recognised as Docker 20.10's, by its file.
  auto plain = d.docker({"run", "--rm", "--network=none", "--ulimit", "nofile=1024:1024", "--runtime=seccomp-runc",
                         "--cidfile", s.h.dir() + "/plain.cid", kImage, "true"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  auto plain_entry = registry::read(s.h.runtime_dir(), first_line(s.h.dir() + "/plain.cid"));
  ASSERT_TRUE(plain_entry);
  EXPECT_EQ(plain_entry->profile_name, "docker-20.10-default");
  EXPECT_EQ(plain_entry->profile_path, std::string(SC_SOURCE_DIR) + "/profiles/docker-20.10-default.json");
  EXPECT_EQ(plain_entry->mode, "enforce");

  // The companion down and its runtime dir unusable: the container starts all the same.
  s.h.stop_daemon();
  auto broken = run("seccomp-runc-broken", s.audit_variant, name + "-broken");
  EXPECT_EQ(broken.exit_code, 0) << broken.err << d.log();
  EXPECT_EQ(broken.out, "ok\n");
  EXPECT_FALSE(fs::exists(s.broken_runtime_dir));
}

TEST(PodmanContainers, AuditSuggestEnforce) {
  SC_REQUIRE_ROOT();
  SC_REQUIRE(access("/usr/bin/podman", X_OK) == 0, "Debian's podman (4.3) is not installed");
  Workspace s;
  s.h.start_daemon();
  make_busybox_rootfs(s.h.dir());
  auto hooks_dir = [&](const std::string& dir, const std::string& runtime_dir) {
    fs::create_directories(dir);
    json args = json::array({"seccomp-oci-hook"});
    for (const auto& f : s.registration_flags("--", runtime_dir)) args.push_back(f);
    json hook = {{"version", "1.0.0"},
                 {"hook", {{"path", bin("seccomp-oci-hook")}, {"args", args}}},
                 {"when", {{"always", true}}},
                 {"stages", {"createRuntime", "poststop"}}};
    write_file(dir + "/seccomp-companion.json", hook.dump(1) + "\n");
    return dir;
  };
  std::string hooks = hooks_dir(s.h.dir() + "/hooks", s.h.runtime_dir());
  std::string broken_hooks = hooks_dir(s.h.dir() + "/hooks-broken", s.broken_runtime_dir);
  Podman p(s.h.dir() + "/podman");
  auto tar = refine::testing::run({"/bin/tar", "-C", s.h.dir() + "/rootfs", "-cf", s.h.dir() + "/rootfs.tar", "."});
  ASSERT_EQ(tar.exit_code, 0) << tar.err;
  auto imported = p.podman({"import", s.h.dir() + "/rootfs.tar", kImage});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;

  auto run = [&](const std::string& hooks_at, const std::string& profile, const std::string& name) {
    std::vector<std::string> args = {"run", "--rm", "--network=none", "--ulimit", "nofile=1024:1024", "--ulimit",
                                     "nproc=1024:1024",
                                     // podman refuses a ".slice" parent with cgroupfs; one level below it is fine
                                     "--cgroup-parent=" + test_cgroup_parent() + "/podman", "--security-opt", "seccomp=" + profile, "--name", name,
                                     "--annotation", "app=shop",
                                     "--cidfile", s.h.dir() + "/" + name + ".cid", kImage};
    args.insert(args.end(), kWorkload.begin(), kWorkload.end());
    return p.podman(args, hooks_at);
  };
  std::string name = "sc-pod-" + std::to_string(getpid());
  auto audited = run(hooks, s.audit_variant, name);
  ASSERT_EQ(audited.exit_code, 0) << audited.err;
  EXPECT_EQ(audited.out, "ok\n");
  std::string id = first_line(s.h.dir() + "/" + name + ".cid");
  ASSERT_EQ(id.size(), 64u);
  expect_attributed(s, id, "podman", name);
  expect_report(s, id, name);
  auto entry = registry::read(s.h.runtime_dir(), id);
  ASSERT_TRUE(entry);
  EXPECT_TRUE(entry->exited_at_ns) << "the poststop hook marks it exited";
  EXPECT_EQ(entry->labels["app"], "shop") << "its --annotation, for run --workload_label=app";

  std::string fixed = patched_profile(s, id);
  ASSERT_FALSE(fixed.empty());
  auto strict = run(hooks, s.tight, name + "-strict");
  EXPECT_NE(strict.exit_code, 0) << "the tight profile itself must deny the workload: " << strict.out;
  auto enforced = run(hooks, fixed, name + "-fixed");
  EXPECT_EQ(enforced.exit_code, 0) << enforced.err;
  EXPECT_EQ(enforced.out, "ok\n");
  auto fixed_entry = registry::read(s.h.runtime_dir(), first_line(s.h.dir() + "/" + name + "-fixed.cid"));
  ASSERT_TRUE(fixed_entry);
  EXPECT_EQ(fixed_entry->mode, "enforce");
  EXPECT_EQ(fixed_entry->runtime, "podman");

  // Podman's built-in default, no --security-opt: recognised as its file.
  auto plain = p.podman({"run", "--rm", "--network=none", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
                         "--cgroup-parent=" + test_cgroup_parent() + "/podman", "--cidfile", s.h.dir() + "/plain.cid",
                         kImage, "true"},
                        hooks);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  auto plain_entry = registry::read(s.h.runtime_dir(), first_line(s.h.dir() + "/plain.cid"));
  ASSERT_TRUE(plain_entry);
  EXPECT_EQ(plain_entry->profile_name, "podman-default");
  EXPECT_EQ(plain_entry->profile_path, "/usr/share/containers/seccomp.json");

  s.h.stop_daemon();
  auto broken = run(broken_hooks, s.audit_variant, name + "-broken");
  EXPECT_EQ(broken.exit_code, 0) << broken.err;
  EXPECT_EQ(broken.out, "ok\n");
  EXPECT_FALSE(fs::exists(s.broken_runtime_dir));
}

}  // namespace
}  // namespace sc::runtime_tests
