// The OCI linux.seccomp <-> Docker profile conversion, the log-only variant and profile
// recognition, on literal documents and on the config.json a real dockerd 20.10.24 wrote
// (data/docker-20.10-default-config.json: `docker run` with no --security-opt, x86_64).
// No root: plain files.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "isolator/profile/parser.h"
#include "isolator/registry/registry.h"
#include "isolator/profile/audit_variant.h"
#include "isolator/profile/oci_format.h"
#include "runtimes/profile_match.h"
#include "runtimes/runtime_defaults.h"

namespace sc::runtime_tests {
namespace {
using nlohmann::json;

json read_json(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

std::string error_of(const json& seccomp) {
  try {
    profile::docker_profile_from_oci(seccomp);
  } catch (const profile::OciError& e) {
    return e.what();
  }
  return "";
}

TEST(OciSeccomp, ConvertsEveryFieldTheRuntimesWrite) {
  json oci = json::parse(R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"], "flags": ["SECCOMP_FILTER_FLAG_LOG"],
    "syscalls": [{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
                 {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
                  "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]},
                 {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]})");
  json d = profile::docker_profile_from_oci(oci);
  EXPECT_EQ(d["defaultAction"], "SCMP_ACT_ERRNO");
  EXPECT_EQ(d["defaultErrnoRet"], 38);
  EXPECT_EQ(d["architectures"], json::array({"SCMP_ARCH_X86_64", "SCMP_ARCH_X86"}));
  EXPECT_EQ(d["flags"], json::array({"SECCOMP_FILTER_FLAG_LOG"}));
  ASSERT_EQ(d["syscalls"].size(), 3u);
  EXPECT_EQ(d["syscalls"][1]["args"][0], json::parse(R"({"index":0,"value":8,"valueTwo":0,"op":"SCMP_CMP_EQ"})"));
  EXPECT_EQ(d["syscalls"][2]["errnoRet"], 38);
  // The engine reads the result as the same profile.
  profile::Profile p = profile::parse_profile(d.dump());
  ASSERT_EQ(p.syscalls.size(), 3u);
  EXPECT_EQ(p.syscalls[2].action.data, 38u);
  EXPECT_EQ(p.default_action.data, 38u);
  EXPECT_FALSE(profile::uses_log_action(oci));
}

TEST(OciSeccomp, BadFieldsNameTheirJsonPath) {
  EXPECT_EQ(error_of(json::parse(R"({"syscalls": []})")), "linux.seccomp.defaultAction: is required");
  EXPECT_EQ(error_of(json::parse(R"({"defaultAction": "SCMP_ACT_NOPE"})")),
            "linux.seccomp.defaultAction: unknown action 'SCMP_ACT_NOPE'");
  EXPECT_EQ(error_of(json::parse(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"],
            "action": "SCMP_ACT_ALLOW"}, {"names": ["x", 3], "action": "SCMP_ACT_ALLOW"}]})")),
            "linux.seccomp.syscalls[1].names[1]: must be a string");
  EXPECT_EQ(error_of(json::parse(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"],
            "action": "SCMP_ACT_ALLOW", "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]})")),
            "linux.seccomp.syscalls[0].args[0].index: must be at most 5");
  EXPECT_EQ(error_of(json::parse(R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_Z80"]})")),
            "linux.seccomp.architectures[0]: unknown architecture 'SCMP_ARCH_Z80'");
  EXPECT_EQ(error_of(json::parse(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": [],
            "action": "SCMP_ACT_ALLOW"}]})")), "linux.seccomp.syscalls[0].names: must not be empty");
}

TEST(AuditVariant, EveryDenyBecomesLogAndNoFlagIsAdded) {
  json p = json::parse(R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
    "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"},
                 {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38,
                  "includes": {"caps": ["CAP_SYS_ADMIN"]}, "comment": "kept"},
                 {"names": ["ptrace"], "action": "SCMP_ACT_KILL_PROCESS"}]})");
  json v = profile::docker_audit_variant(p);
  EXPECT_EQ(v["defaultAction"], "SCMP_ACT_LOG");
  EXPECT_FALSE(v.contains("defaultErrnoRet"));
  EXPECT_EQ(v["syscalls"][0]["action"], "SCMP_ACT_ALLOW");
  EXPECT_EQ(v["syscalls"][1]["action"], "SCMP_ACT_LOG");
  EXPECT_FALSE(v["syscalls"][1].contains("errnoRet"));
  EXPECT_EQ(v["syscalls"][1]["includes"], p["syscalls"][1]["includes"]);  // the runtime still resolves it
  EXPECT_EQ(v["syscalls"][1]["comment"], "kept");
  EXPECT_EQ(v["syscalls"][2]["action"], "SCMP_ACT_LOG");
  EXPECT_FALSE(v.contains("flags"));  // runc 1.1 rejects any; LOG verdicts are audited without
  EXPECT_TRUE(profile::uses_log_action(v));
}

// What dockerd 20.10.24 wrote for its built-in default: known by digest for the default
// capabilities, and traced to profiles/docker-20.10-default.json by resolution for every
// capability set captured (default, +SYS_ADMIN, +11 caps), never to the newer default.json.
std::set<std::string> bounding(const json& config) {
  std::set<std::string> caps;
  for (const auto& c : config["process"]["capabilities"]["bounding"]) caps.insert(c.get<std::string>());
  return caps;
}

TEST(RuntimeDefaults, Docker2010DefaultIsKnownByDigestAndByItsFile) {
  const std::string data = std::string(SC_SOURCE_DIR) + "/tests/runtimes/data/";
  json config = read_json(data + "docker-20.10-default-config.json");
  std::string digest = runtimes::oci_seccomp_digest(config["linux"]["seccomp"]);
  const runtimes::RuntimeDefault* known = nullptr;
  for (const auto& d : runtimes::runtime_defaults())
    if (d.oci_sha256 == digest) known = &d;
  ASSERT_TRUE(known) << digest;
  EXPECT_EQ(known->name, "docker-20.10-default");
  EXPECT_EQ(known->file, "docker-20.10-default.json");

  auto file = runtimes::known_profile_file(std::string(SC_SOURCE_DIR) + "/profiles/" + known->file, known->name);
  auto newer = runtimes::known_profile_file(std::string(SC_SOURCE_DIR) + "/profiles/default.json");
  auto not_a_profile = runtimes::known_profile_file(data + "docker-20.10-default-config.json");
  ASSERT_TRUE(file && newer && not_a_profile);
  for (const char* name : {"docker-20.10-default-config.json", "docker-20.10-sys-admin-config.json",
                           "docker-20.10-many-caps-config.json"}) {
    SCOPED_TRACE(name);
    json c = read_json(data + name);
    profile::Profile running = profile::parse_profile(profile::docker_profile_from_oci(c["linux"]["seccomp"]).dump());
    std::vector<std::string> errors;
    auto m = runtimes::match_profile(running, bounding(c), false, {*not_a_profile, *newer, *file}, &errors);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->profile.name, "docker-20.10-default");
    EXPECT_FALSE(m->audit);
    EXPECT_EQ(errors.size(), 1u);  // the config.json is no profile: skipped with its reason
    // Resolved for other capabilities, the same file filters differently: no match.
    std::set<std::string> more = bounding(c);
    more.insert("CAP_SYS_PTRACE");
    more.insert("CAP_SYS_ADMIN");
    if (more != bounding(c)) {
      EXPECT_FALSE(runtimes::match_profile(running, more, false, {*file}));
    }
  }
}

TEST(ProfileMatch, TheLogOnlyVariantMatchesItsEnforcingProfile) {
  std::string dir = ::testing::TempDir() + "sc-match-" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  json tight = json::parse(R"({"defaultAction": "SCMP_ACT_ERRNO",
    "syscalls": [{"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"},
                 {"names": ["ptrace"], "action": "SCMP_ACT_KILL_PROCESS"}]})");
  json other = tight;
  other["syscalls"][0]["names"].push_back("uname");
  std::ofstream(dir + "/other.json") << other.dump();
  std::ofstream(dir + "/tight.json") << tight.dump();
  auto candidates = runtimes::profiles_in(dir);
  ASSERT_EQ(candidates.size(), 2u);
  EXPECT_EQ(candidates[0].name, "other");  // sorted by name
  // What the runtime hands runc for the variant: LOG everywhere but the allow rule.
  json oci = json::parse(R"({"defaultAction": "SCMP_ACT_LOG", "flags": ["SECCOMP_FILTER_FLAG_LOG"],
    "syscalls": [{"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"},
                 {"names": ["ptrace"], "action": "SCMP_ACT_LOG"}]})");
  ASSERT_TRUE(profile::uses_log_action(oci));
  profile::Profile running = profile::parse_profile(profile::docker_profile_from_oci(oci).dump());
  auto m = runtimes::match_profile(running, {}, true, candidates);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->profile.name, "tight");
  EXPECT_TRUE(m->audit);
  // The same rules enforced are no log-only variant of anything here.
  EXPECT_FALSE(runtimes::match_profile(running, {}, false, candidates));
  std::filesystem::remove_all(dir);
}

TEST(RegistryEntry, RuntimeAndNameRoundTripAndOldEntriesAreTheIsolators) {
  registry::Entry e;
  e.container_id = std::string(64, 'a');
  e.runtime = "docker";
  e.container_name = "web-1\x1b[31m";  // any bytes: stored by the one rule, read back the same
  e.mode = "audit";
  registry::Entry back = registry::from_json_text(registry::to_json_text(e));
  EXPECT_EQ(back.runtime, "docker");
  EXPECT_EQ(back.container_name, e.container_name);
  json old = json::parse(registry::to_json_text(e));
  old.erase("runtime");
  old.erase("container_name");
  registry::Entry isolator = registry::from_json_text(old.dump());
  EXPECT_EQ(isolator.runtime, "seccomp-companion");
  EXPECT_EQ(isolator.container_name, "");
  old["runtime"] = "";
  EXPECT_THROW(registry::from_json_text(old.dump()), std::runtime_error);
}

}  // namespace
}  // namespace sc::runtime_tests
