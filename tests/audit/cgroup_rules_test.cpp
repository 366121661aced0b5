// Attribution rules: the default table against each runtime's cgroup layout, the registry
// first, bad rule files named by JSON path.
#include "audit/attribution/attributor.h"

#include <gtest/gtest.h>

using namespace sc::attribution;

namespace {
const std::string kId(64, 'a');
std::vector<CgroupRule> defaults() { return parse_cgroup_rules(default_cgroup_rules_json(), "default"); }
}  // namespace

TEST(CgroupRules, DefaultTableKnowsEachRuntimeLayout) {
  auto rules = defaults();
  struct Case { std::string path, id, runtime; } cases[] = {
      {"/mesos/0b8c3c6e-1111-2222-3333-444455556666", "0b8c3c6e-1111-2222-3333-444455556666", "mesos"},
      {"/mesos/parent/mesos/child", "child", "mesos"},
      {"/docker/" + kId, kId, "docker"},
      {"/system.slice/docker-" + kId + ".scope", kId, "docker"},
      {"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/cri-containerd-" + kId + ".scope", kId, "containerd"},
      {"/kubepods.slice/kubepods-pod1.slice/crio-" + kId + ".scope", kId, "crio"},
      {"/kubepods/burstable/pod1234-ab/" + kId, kId, "kubernetes"},
      {"/system.slice/nginx.service", "nginx.service", "systemd"},
      {"/mycontainer", "mycontainer", "runc"},
      {"/system.slice/runc-web1.scope", "web1", "runc"},
  };
  for (const auto& c : cases) {
    auto m = match_cgroup(rules, c.path);
    ASSERT_TRUE(m) << c.path;
    EXPECT_EQ(m->container_id, c.id) << c.path;
    EXPECT_EQ(m->runtime, c.runtime) << c.path;
  }
  EXPECT_FALSE(match_cgroup(rules, "/init.scope"));
  EXPECT_FALSE(match_cgroup(rules, "/user.slice"));
  EXPECT_FALSE(match_cgroup(rules, "/seccomp-companion"));
  EXPECT_FALSE(match_cgroup(rules, "/"));
  EXPECT_FALSE(match_cgroup(rules, "/user.slice/user-0.slice/session-3.scope"));
  EXPECT_FALSE(match_cgroup(rules, "/system.slice/crio-conmon-" + kId + ".scope"));
}

TEST(Attributor, RegistryFirstThenRulesElseThePathItself) {
  Attributor a(defaults());
  sc::registry::Entry e;
  e.container_id = "ours";
  e.cgroup_path = "/mesos/ours-cg";
  e.pid = 4242;
  e.mode = "audit";
  a.set_registry({e});
  auto ours = a.attribute("/mesos/ours-cg");
  EXPECT_EQ(ours.container_id, "ours");
  EXPECT_EQ(ours.runtime, "seccomp-companion");
  ASSERT_NE(ours.entry, nullptr);
  EXPECT_EQ(a.attribute("/mesos/ours-cg/nested").container_id, "ours");
  EXPECT_EQ(a.attribute("/mesos/other").runtime, "mesos");
  auto unknown = a.attribute("/user.slice/user-0.slice/session-3.scope");
  EXPECT_EQ(unknown.container_id, "/user.slice/user-0.slice/session-3.scope");
  EXPECT_EQ(unknown.runtime, "cgroup");
  ASSERT_NE(a.entry_by_pid(4242), nullptr);
  EXPECT_EQ(a.entry_by_pid(1), nullptr);
}

TEST(CgroupRules, ACustomFileReplacesTheDefaults) {
  auto rules = parse_cgroup_rules(R"({"rules": [{"name": "nomad", "runtime": "nomad",
      "pattern": "^/nomad/([^/]+)$", "watch": false}]})", "custom.json");
  auto m = match_cgroup(rules, "/nomad/alloc1");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->container_id, "alloc1");
  EXPECT_FALSE(m->watch);
  EXPECT_FALSE(match_cgroup(rules, "/docker/" + kId));
}

TEST(CgroupRules, BadFilesNameTheJsonPath) {
  auto message = [](const std::string& text) {
    try {
      parse_cgroup_rules(text, "r.json");
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("{").find("r.json: invalid JSON"), std::string::npos);
  EXPECT_NE(message(R"({"rules": 1})").find("r.json: rules"), std::string::npos);
  EXPECT_NE(message(R"({"rules": [{"name": "a", "runtime": "b"}]})").find("rules[0].pattern: missing"), std::string::npos);
  EXPECT_NE(message(R"({"rules": [{"name": "a", "runtime": "b", "pattern": "(["}]})").find("rules[0].pattern: invalid"),
            std::string::npos);
  EXPECT_NE(message(R"({"rules": [{"name": "a", "runtime": "b", "pattern": "x", "id_group": 2}]})").find("rules[0].id_group"),
            std::string::npos);
  EXPECT_NE(message(R"J({"rules": [{"name": "a", "runtime": "b", "pattern": "(x)", "watch": "yes"}]})J").find("rules[0].watch"),
            std::string::npos);
}

// The cgroup paths podman, crun and runc really create (cgroup v2), literal:
//  - podman, systemd cgroup manager (the default), as root: the container's scope under
//    machine.slice, or under its pod's slice; rootless: under the user's service. With crun
//    (podman's default runtime) the processes live one level down, in the "container"
//    sub-cgroup crun makes under every systemd scope it creates (crun(1),
//    run.oci.systemd.subgroup, default "container" on cgroup v2). conmon has its own scope,
//    which is not the container.
//  - podman, cgroupfs manager: /libpod_parent/libpod-<id> (conmon in /libpod_parent/conmon;
//    /libpod_parent itself, like Docker's /docker and kubelet's /kubepods, is the engine's
//    parent group, never a container: the runc-default rule leaves those names out).
//  - crun / runc with cgroupfs and `cgroupsPath: "/<id>"` (or none): /<id>.
//  - crun / runc with the systemd driver (cgroupsPath "system.slice:crun:<id>"):
//    /system.slice/crun-<id>.scope (crun: + /container), /system.slice/runc-<id>.scope.
TEST(CgroupRules, PodmanCrunAndRuncPathsAsThoseRuntimesMakeThem) {
  auto rules = defaults();
  const std::string pod(64, 'b');
  struct Case { std::string path, id, runtime, rule; } cases[] = {
      {"/machine.slice/libpod-" + kId + ".scope", kId, "podman", "podman"},
      {"/machine.slice/libpod-" + kId + ".scope/container", kId, "podman", "podman"},
      {"/machine.slice/machine-libpod_pod_" + pod + ".slice/libpod-" + kId + ".scope", kId, "podman", "podman"},
      {"/machine.slice/machine-libpod_pod_" + pod + ".slice/libpod-" + kId + ".scope/container", kId, "podman", "podman"},
      {"/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + kId + ".scope", kId, "podman", "podman"},
      {"/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + kId + ".scope/container", kId, "podman",
       "podman"},
      {"/libpod_parent/libpod-" + kId, kId, "podman", "podman"},
      {"/" + kId, kId, "runc", "runc-default"},
      {"/web-1", "web-1", "runc", "runc-default"},
      {"/bench_crun.7", "bench_crun.7", "runc", "runc-default"},
      {"/system.slice/crun-web1.scope", "web1", "crun", "crun-systemd"},
      {"/system.slice/crun-web1.scope/container", "web1", "crun", "crun-systemd"},
      {"/system.slice/runc-web1.scope", "web1", "runc", "runc-systemd"},
      {"/system.slice/docker-" + kId + ".scope/container", kId, "docker", "docker-systemd"},  // docker + crun
      {"/kubepods.slice/kubepods-pod1.slice/crio-" + kId + ".scope/container", kId, "crio", "crio"},  // CRI-O + crun
  };
  for (const auto& c : cases) {
    auto m = match_cgroup(rules, c.path);
    ASSERT_TRUE(m) << c.path;
    EXPECT_EQ(m->container_id, c.id) << c.path;
    EXPECT_EQ(m->runtime, c.runtime) << c.path;
    EXPECT_EQ(m->rule, c.rule) << c.path;
    EXPECT_TRUE(m->watch) << c.path;
  }
  // Not containers: conmon's scope, podman's own slices, a crun scope's other sub-cgroups,
  // a pod slice, a short id or a non-hex one where 64 hex digits belong, the runc-default
  // rule's exclusions (systemd units, our own group, nested paths, a leading dot/dash).
  for (const std::string& path : std::vector<std::string>{
           "/machine.slice/libpod-conmon-" + kId + ".scope", "/machine.slice", "/machine.slice/machine-libpod_pod_" + pod + ".slice",
        "/machine.slice/libpod-" + kId.substr(0, 12) + ".scope", "/machine.slice/libpod-" + std::string(64, 'g') + ".scope",
        "/machine.slice/libpod-" + kId + ".scope/other", "/machine.slice/libpod-" + kId + ".scopex",
        "/system.slice/crun-web1.scope/container/x", "/libpod_parent/conmon", "/machine.slice/x.scope",
        std::string("/init.scope"), std::string("/seccomp-companion"), std::string("/docker"),
        std::string("/libpod_parent"), std::string("/kubepods"), std::string("/machine"), std::string("/system.slice"), std::string("/a/b"),
        std::string("/.hidden"), std::string("/-x"), "/" + std::string(129, 'a')})
    EXPECT_FALSE(match_cgroup(rules, path)) << path << " matched " << match_cgroup(rules, path)->rule;
}

TEST(CgroupRules, WatchFalseAttributesWithoutWatching) {
  Attributor a(defaults());
  // Default table: systemd services are attributed (by unit name) but not watched.
  auto service = a.attribute("/system.slice/nginx.service");
  EXPECT_EQ(service.container_id, "nginx.service");
  EXPECT_EQ(service.runtime, "systemd");
  EXPECT_FALSE(service.watch);
  auto podman = a.attribute("/machine.slice/libpod-" + kId + ".scope/container");
  EXPECT_EQ(podman.container_id, kId);
  EXPECT_TRUE(podman.watch);
  EXPECT_EQ(podman.cgroup_path, "/machine.slice/libpod-" + kId + ".scope/container");
  EXPECT_FALSE(a.attribute("/user.slice").watch) << "an unattributed path is not watched";
  // A registry entry is watched even where a watch:false rule would match its path.
  sc::registry::Entry e;
  e.container_id = "ours";
  e.cgroup_path = "/system.slice/ours.service";
  e.pid = 7;
  e.mode = "audit";
  a.set_registry({e});
  auto ours = a.attribute("/system.slice/ours.service");
  EXPECT_EQ(ours.container_id, "ours");
  EXPECT_TRUE(ours.watch);

  // A custom table: watch defaults to true when absent, false is kept per rule, and the first
  // matching rule decides (a later watch:true rule does not override an earlier watch:false).
  Attributor custom(parse_cgroup_rules(R"({"rules": [
      {"name": "quiet", "runtime": "batch", "pattern": "^/batch/(q[0-9]+)$", "watch": false},
      {"name": "loud", "runtime": "batch", "pattern": "^/batch/([a-z0-9]+)$"}]})", "custom.json"));
  auto quiet = custom.attribute("/batch/q1");
  EXPECT_EQ(quiet.container_id, "q1");
  EXPECT_FALSE(quiet.watch);
  auto loud = custom.attribute("/batch/job7");
  EXPECT_EQ(loud.container_id, "job7");
  EXPECT_TRUE(loud.watch);
  EXPECT_FALSE(custom.attribute("/machine.slice/libpod-" + kId + ".scope").watch) << "the file replaces the defaults";
}
