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
