// Mesos's own parser tests (mesos-semantics.md items 12-23), as behaviours, in the strict
// Mesos-era dialect.
#include <gtest/gtest.h>

#include <functional>
#include <linux/audit.h>
#include <seccomp.h>

#include <nlohmann/json.hpp>

#include "isolator/profile/parser.h"
#include "isolator/profile/resolver.h"

using namespace sc::profile;
using nlohmann::json;

namespace {
// Item 12's profile.
json valid_profile() {
  return json::parse(R"({
    "defaultAction": "SCMP_ACT_ERRNO",
    "archMap": [
      {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
      {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}
    ],
    "syscalls": [
      {"names": ["accept", "writev"], "action": "SCMP_ACT_ALLOW", "args": [], "includes": {}, "excludes": {}},
      {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
       "args": [{"index": 0, "value": 2080505856, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}],
       "comment": "", "includes": {}, "excludes": {"caps": ["CAP_SYS_ADMIN"], "arches": ["s390", "s390x"]}}
    ]})");
}

std::string mesos_error(const json& doc) {
  try {
    parse_profile(doc.dump(), ParseOptions{Dialect::Mesos});
  } catch (const ParseError& e) {
    return e.what();
  }
  return "<no error>";
}
}  // namespace

TEST(MesosFormat, Item12ValidProfileShape) {
  Profile p = parse_profile(valid_profile().dump(), ParseOptions{Dialect::Mesos});
  ASSERT_EQ(p.syscalls.size(), 2u);
  EXPECT_EQ(p.syscalls[1].args.size(), 1u);
  EXPECT_EQ(p.syscalls[1].excludes.caps, std::vector<std::string>{"CAP_SYS_ADMIN"});
  ResolveContext context;
  context.native_arch = SCMP_ARCH_X86_64;
  context.capabilities = {"CAP_CHOWN"};
  ResolvedProfile r = resolve(p, context);
  EXPECT_EQ(r.arches, (std::vector<uint32_t>{SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32}));
  // accept, writev and clone (kept: CAP_SYS_ADMIN is not in the set, and we are not on s390).
  EXPECT_EQ(r.rules.size(), 3u);
  context.capabilities = {"CAP_SYS_ADMIN"};
  EXPECT_EQ(resolve(p, context).rules.size(), 2u);  // clone rule dropped
}

TEST(MesosFormat, Items13to23EachErrorNamesKeyOrValue) {
  struct Case {
    const char* what;
    std::function<void(json&)> mutate;
    const char* expected;
  };
  const Case cases[] = {
      {"missing defaultAction", [](json& j) { j.erase("defaultAction"); },
       "defaultAction: Cannot determine 'defaultAction' for the Seccomp configuration: Not found"},
      {"missing archMap", [](json& j) { j.erase("archMap"); },
       "archMap: Cannot determine 'archMap' for the Seccomp configuration: Not found"},
      {"missing syscalls", [](json& j) { j.erase("syscalls"); },
       "syscalls: Cannot determine 'syscalls' for the Seccomp configuration: Not found"},
      {"missing names", [](json& j) { j["syscalls"][0].erase("names"); }, "syscalls[0].names: Cannot determine 'names'"},
      {"missing action", [](json& j) { j["syscalls"][1].erase("action"); }, "syscalls[1].action: Cannot determine 'action'"},
      {"missing args", [](json& j) { j["syscalls"][0].erase("args"); }, "syscalls[0].args: Cannot determine 'args'"},
      {"missing includes", [](json& j) { j["syscalls"][0].erase("includes"); }, "syscalls[0].includes: Cannot determine"},
      {"missing excludes", [](json& j) { j["syscalls"][1].erase("excludes"); }, "syscalls[1].excludes: Cannot determine"},
      {"missing valueTwo", [](json& j) { j["syscalls"][1]["args"][0].erase("valueTwo"); },
       "syscalls[1].args[0].valueTwo: Cannot determine 'valueTwo'"},
      {"missing subArchitectures", [](json& j) { j["archMap"][0].erase("subArchitectures"); },
       "archMap[0].subArchitectures: Cannot determine 'subArchitectures'"},
      {"empty names", [](json& j) { j["syscalls"][0]["names"] = json::array(); },
       "syscalls[0].names: Syscall 'names' list is empty"},
      {"unknown action", [](json& j) { j["syscalls"][0]["action"] = "SCMP_ACT_FOO"; },
       "syscalls[0].action: Unknown syscall action: 'SCMP_ACT_FOO'"},
      {"unknown default action", [](json& j) { j["defaultAction"] = "SCMP_ACT_FOO"; },
       "defaultAction: Unknown syscall action: 'SCMP_ACT_FOO'"},
      {"unknown architecture", [](json& j) { j["archMap"][1]["architecture"] = "SCMP_ARCH_FOO"; },
       "archMap[1].architecture: Unknown architecture: 'SCMP_ARCH_FOO'"},
      {"unknown sub-architecture", [](json& j) { j["archMap"][0]["subArchitectures"][1] = "SCMP_ARCH_BAR"; },
       "archMap[0].subArchitectures[1]: Unknown architecture: 'SCMP_ARCH_BAR'"},
      {"unknown operator", [](json& j) { j["syscalls"][1]["args"][0]["op"] = "SCMP_CMP_FOO"; },
       "syscalls[1].args[0].op: Unknown operator: 'SCMP_CMP_FOO'"},
      {"unknown syscall", [](json& j) { j["syscalls"][0]["names"][1] = "no_such_syscall"; },
       "syscalls[0].names[1]: Unrecognized syscall 'no_such_syscall'"},
      {"unknown arch in excludes", [](json& j) { j["syscalls"][1]["excludes"]["arches"][0] = "vax"; },
       "syscalls[1].excludes.arches[0]: Unknown architecture: 'vax'"},
      {"unknown arch in includes", [](json& j) { j["syscalls"][0]["includes"]["arches"] = {"pdp11"}; },
       "syscalls[0].includes.arches[0]: Unknown architecture: 'pdp11'"},
      {"unknown capability", [](json& j) { j["syscalls"][1]["excludes"]["caps"][0] = "CAP_FOO"; },
       "syscalls[1].excludes.caps[0]: Unknown capability: 'CAP_FOO'"},
  };
  for (const auto& c : cases) {
    json doc = valid_profile();
    c.mutate(doc);
    std::string error = mesos_error(doc);
    EXPECT_EQ(error.rfind(c.expected, 0), 0u) << c.what << ": got '" << error << "'";
  }
}

TEST(MesosFormat, EmptyObjectFailsInBothDialects) {  // Mesos item 2: default profile {}
  EXPECT_THROW(parse_profile("{}"), ParseError);
  EXPECT_THROW(parse_profile("{}", ParseOptions{Dialect::Mesos}), ParseError);
}

TEST(MesosFormat, DockerDialectAcceptsWhatMesosRequires) {
  json doc = valid_profile();
  doc.erase("archMap");
  doc["syscalls"][0].erase("args");
  doc["syscalls"][0].erase("includes");
  doc["syscalls"][1]["args"][0].erase("valueTwo");
  EXPECT_NO_THROW(parse_profile(doc.dump()));
  EXPECT_THROW(parse_profile(doc.dump(), ParseOptions{Dialect::Mesos}), ParseError);
}
