// The Docker/moby format: what parses, and every error naming its JSON path.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "isolator/profile/parser.h"

using namespace sc::profile;

namespace {
std::string error_of(const std::string& json, ParseOptions options = {}) {
  try {
    parse_profile(json, options);
  } catch (const ParseError& e) {
    return e.what();
  }
  return "<no error>";
}
std::string path_of(const std::string& json) {
  try {
    parse_profile(json);
  } catch (const ParseError& e) {
    return e.path();
  }
  return "<no error>";
}
}  // namespace

TEST(Parser, ModernDockerProfile) {
  Profile p = parse_profile(R"({
    "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
    "flags": ["SECCOMP_FILTER_FLAG_LOG"],
    "unknownKey": {"ignored": true},
    "syscalls": [
      {"name": "read", "action": "SCMP_ACT_ALLOW"},
      {"names": ["uname"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "comment": "why"},
      {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
       "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]},
      {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
       "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}],
       "includes": {"minKernel": "4.8", "arches": ["amd64"]}, "excludes": {"caps": ["SYS_ADMIN"]}},
      {"names": ["getpid"], "action": "SCMP_ACT_LOG"},
      {"names": ["kill"], "action": "SCMP_ACT_KILL_PROCESS"},
      {"names": ["tkill"], "action": "SCMP_ACT_KILL_THREAD"},
      {"names": ["ptrace"], "action": "SCMP_ACT_TRACE"},
      {"names": ["mount"], "action": "SCMP_ACT_TRAP"}
    ]})");
  EXPECT_EQ(p.default_action, (Action{ActionKind::Errno, 38}));
  EXPECT_EQ(p.architectures, (std::vector<std::string>{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86"}));
  EXPECT_EQ(p.flags.size(), 1u);
  ASSERT_EQ(p.syscalls.size(), 9u);
  EXPECT_EQ(p.syscalls[0].names, std::vector<std::string>{"read"});
  EXPECT_EQ(p.syscalls[1].action, (Action{ActionKind::Errno, 13}));
  EXPECT_EQ(p.syscalls[1].comment, "why");
  EXPECT_EQ(p.syscalls[1].json_path, "syscalls[1]");
  ASSERT_EQ(p.syscalls[3].args.size(), 1u);
  EXPECT_EQ(p.syscalls[3].args[0].op, CmpOp::MaskedEqual);
  EXPECT_EQ(p.syscalls[3].args[0].value, 2114060288u);
  EXPECT_EQ(p.syscalls[3].includes.min_kernel, std::optional<KernelVersion>(KernelVersion{4, 8}));
  EXPECT_EQ(p.syscalls[3].excludes.caps, std::vector<std::string>{"CAP_SYS_ADMIN"});
  EXPECT_EQ(p.syscalls[6].action.kind, ActionKind::KillThread);
  EXPECT_EQ(p.syscalls[7].action, (Action{ActionKind::Trace, 1}));  // TRACE(EPERM) as Mesos
}

TEST(Parser, ErrnoDefaultsToEperm) {
  Profile p = parse_profile(R"({"defaultAction": "SCMP_ACT_ERRNO"})");
  EXPECT_EQ(p.default_action, (Action{ActionKind::Errno, 1}));
  EXPECT_TRUE(p.syscalls.empty());
}

TEST(Parser, InvalidJsonReportsLineAndColumn) {
  std::string e = error_of("{\n  \"defaultAction\": \"SCMP_ACT_ALLOW\",\n  \"syscalls\": [,]\n}");
  EXPECT_NE(e.find("invalid JSON at line 3, column 16"), std::string::npos) << e;
  EXPECT_NE(error_of("").find("line 1"), std::string::npos);
}

// Found by the fuzzer: a number too large for a double is a parse error, not a crash.
TEST(Parser, NumberOutOfRangeIsAnInvalidJsonError) {
  std::string e = error_of("{\n  \"defaultAction\": \"SCMP_ACT_ALLOW\",\n  \"x\": 2080e05856\n}");
  EXPECT_NE(e.find("invalid JSON at line 3, column 8: number out of range '2080e05856'"), std::string::npos) << e;
}

TEST(Parser, ErrorsNameTheJsonPath) {
  EXPECT_EQ(error_of(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["a"],"action":"SCMP_ACT_ERRNO"},
      {"names":["read"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":1,"op":"SCMP_CMP_FOO"}]}]})"),
            "syscalls[1].args[0].op: Unknown operator: 'SCMP_CMP_FOO'");
  EXPECT_EQ(path_of(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_NOPE"}]})"),
            "syscalls[0].action");
  EXPECT_EQ(path_of(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read", 3],"action":"SCMP_ACT_ERRNO"}]})"),
            "syscalls[0].names[1]");
  EXPECT_EQ(path_of(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO",
      "args":[{"index":6,"value":1,"op":"SCMP_CMP_EQ"}]}]})"), "syscalls[0].args[0].index");
  EXPECT_EQ(path_of(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO",
      "args":[{"index":0,"value":-1,"op":"SCMP_CMP_EQ"}]}]})"), "syscalls[0].args[0].value");
  EXPECT_EQ(path_of(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO",
      "errnoRet": 5000}]})"), "syscalls[0].errnoRet");
  EXPECT_EQ(path_of(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW",
      "errnoRet": 5}]})"), "syscalls[0].errnoRet");
  EXPECT_EQ(path_of(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":[],"action":"SCMP_ACT_ERRNO"}]})"),
            "syscalls[0].names");
  EXPECT_EQ(path_of(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"action":"SCMP_ACT_ERRNO"}]})"),
            "syscalls[0].names");
  EXPECT_EQ(path_of(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"name":"a","names":["b"],"action":"SCMP_ACT_ERRNO"}]})"),
            "syscalls[0]");
  EXPECT_EQ(path_of(R"({"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_BOGUS"]})"), "flags[0]");
  EXPECT_EQ(path_of(R"({"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_VAX"]})"), "architectures[0]");
  EXPECT_EQ(path_of(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO",
      "includes":{"minKernel":"new"}}]})"), "syscalls[0].includes.minKernel");
  EXPECT_EQ(path_of(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":{}})"), "syscalls");
  EXPECT_EQ(path_of(R"([1,2])"), "");
  EXPECT_EQ(path_of(R"({"syscalls":[]})"), "defaultAction");
}

TEST(Parser, NotifyWithoutListenerIsRejectedClearly) {
  std::string e = error_of(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["openat"],"action":"SCMP_ACT_NOTIFY"}]})");
  EXPECT_NE(e.find("syscalls[0].action"), std::string::npos) << e;
  EXPECT_NE(e.find("listenerPath"), std::string::npos) << e;
  EXPECT_NO_THROW(parse_profile(R"({"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"/run/agent.sock",
      "syscalls":[{"names":["openat"],"action":"SCMP_ACT_NOTIFY"}]})"));
  EXPECT_NE(error_of(R"({"defaultAction":"SCMP_ACT_NOTIFY","listenerPath":"/x"})").find("defaultAction"), std::string::npos);
}

TEST(Parser, LoadProfileUsesMesosErrorShapes) {
  try {
    load_profile("/nonexistent/profile.json");
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_EQ(std::string(e.what()),
              "Failed to read Seccomp profile file '/nonexistent/profile.json': No such file or directory");
  }
  char dir[] = "/tmp/sc-profile-XXXXXX";
  ASSERT_TRUE(mkdtemp(dir));
  std::string file = std::string(dir) + "/p.json";
  std::ofstream(file) << R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["x"],"action":"BAD"}]})";
  try {
    load_profile(file);
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_EQ(e.path(), "syscalls[0].action");
    EXPECT_EQ(std::string(e.what()), "Failed to parse Seccomp profile '" + file +
                                         "': syscalls[0].action: Unknown syscall action: 'BAD'");
  }
  std::remove(file.c_str());
  rmdir(dir);
}

TEST(Parser, SharedProfilesParseInBothDialects) {
  for (const char* name : {"docker-default.json", "docker-default-2023.json", "mesos-default.json"}) {
    std::string path = std::string(SC_SHARED_DIR) + "/profiles/" + name;
    Profile p = load_profile(path);
    EXPECT_GT(p.syscalls.size(), 20u) << name;
    EXPECT_EQ(p.default_action.kind, ActionKind::Errno) << name;
  }
  // The Mesos-era profile also satisfies every Mesos required key.
  EXPECT_NO_THROW(load_profile(std::string(SC_SHARED_DIR) + "/profiles/mesos-default.json",
                               ParseOptions{Dialect::Mesos}));
}
