// `seccomp-isolator inspect`: filters read back from running processes, compared with what
// their container's profile compiles to.
#include <sys/syscall.h>

#include <nlohmann/json.hpp>

#include "isolator/registry/registry.h"
#include "tests/launch/launch_fixture.h"

namespace sc::testing {
namespace {

class Inspect : public LaunchTest {
 protected:
  // Starts `command` in a container and waits for its "ready"; returns the launcher.
  std::unique_ptr<Process> start(const std::string& id, const std::vector<std::string>& flags,
                                 const std::vector<std::string>& command) {
    auto argv = agent(flags);
    argv.push_back("--container_id=" + id);
    argv.push_back("--");
    argv.insert(argv.end(), command.begin(), command.end());
    auto p = std::make_unique<Process>(argv, dir_ + "/stderr-" + id);
    last_output_ = p->read_until("ready\n", 10000);
    EXPECT_NE(last_output_.find("ready"), std::string::npos) << read_file(dir_ + "/stderr-" + id);
    return p;
  }
  Result inspect(pid_t pid, const std::string& format = "json") {
    std::string err_file = dir_ + "/inspect-stderr";
    Process p({kIsolator, "inspect", std::to_string(pid), "--format=" + format, "--runtime_dir=" + runtime_dir_}, err_file);
    Result r;
    r.code = p.wait(&r.out);
    r.err = read_file(err_file);
    return r;
  }
  pid_t container_pid(const std::string& id) {
    auto entry = registry::read(runtime_dir_, id);
    return entry ? entry->pid : -1;
  }
  std::string last_output_;
};

TEST_F(Inspect, ContainerUnderItsProfileMatches) {
  SC_REQUIRE_ROOT();
  std::string id = unique_id("match");
  auto launcher = start(id, {"--seccomp_profile_name=docker-default.json"}, {kProbe, "wait"});
  pid_t pid = container_pid(id);
  ASSERT_GT(pid, 0);
  auto r = inspect(pid);
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["filters"].size(), 1u);
  EXPECT_GT(j["filters"][0]["instructions"].get<int>(), 100);
  EXPECT_EQ(j["container"]["container_id"], id);
  EXPECT_EQ(j["container"]["matched_by"], "pid");
  EXPECT_EQ(j["comparison"]["result"], "match");
  EXPECT_TRUE(j["comparison"]["identical_programs"].get<bool>());
  EXPECT_TRUE(j["comparison"]["differences"].empty());
  // The verdict table says what Docker's profile does: keyctl denied with EPERM on x86_64.
  bool keyctl_denied = false;
  for (const auto& g : j["verdicts"]["x86_64"])
    for (const auto& name : g["syscalls"])
      if (name == "keyctl") keyctl_denied = g["verdict"] == "ERRNO(1)";
  EXPECT_TRUE(keyctl_denied) << j["verdicts"]["x86_64"].dump();
  // The process keeps running after the inspection (detached cleanly).
  EXPECT_EQ(::kill(pid, 0), 0);
  std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  EXPECT_EQ(stat.find(") t"), std::string::npos) << "left in a tracing stop: " << stat;
  auto text = inspect(pid, "text");
  EXPECT_EQ(text.code, 0);
  EXPECT_NE(text.out.find("match: "), std::string::npos) << text.out;
}

TEST_F(Inspect, AProcessThatLoadedAnotherFilterHasDrifted) {
  SC_REQUIRE_ROOT();
  std::string id = unique_id("drift");
  auto launcher = start(id, {"--seccomp_profile_name=uname-errno.json"}, {kProbe, "load-filter-and-wait"});
  pid_t pid = container_pid(id);
  ASSERT_GT(pid, 0);
  auto r = inspect(pid);
  ASSERT_EQ(r.code, 3) << r.err << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["filters"].size(), 2u);
  EXPECT_EQ(j["comparison"]["result"], "drift");
  ASSERT_FALSE(j["comparison"]["differences"].empty());
  bool getppid = false;
  for (const auto& d : j["comparison"]["differences"]) {
    if (d["syscall"] == "getppid" && d["arch"] == "x86_64") {
      getppid = true;
      EXPECT_EQ(d["installed"], "ERRNO(1)");
      EXPECT_EQ(d["expected"], "ALLOW");
      EXPECT_EQ(d["nr"], SYS_getppid);
    }
    if (d["arch"] == "x86_64") {
      EXPECT_NE(d["syscall"], "uname") << "uname is denied by both";
    }
  }
  EXPECT_TRUE(getppid) << r.out;
  // The second filter (libseccomp, native arch only) kills every x86 (i386) syscall: drift too.
  bool x86 = false;
  for (const auto& d : j["comparison"]["differences"]) x86 |= d["arch"] == "x86" && d["installed"] == "KILL_THREAD";
  EXPECT_TRUE(x86);
  auto text = inspect(pid, "text");
  EXPECT_EQ(text.code, 3);
  EXPECT_NE(text.out.find("drift: "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("getppid"), std::string::npos) << text.out;
}

TEST_F(Inspect, AnotherProcessOfTheContainerIsFoundByItsCgroup) {
  SC_REQUIRE_ROOT();
  std::string id = unique_id("cgroup");
  auto launcher = start(id, {"--seccomp_profile_name=docker-default.json"},
                        // The shell says the pid, then "ready" (the probe's own "ready" could come
                        // first and end start()'s read before the pid line: a race seen in CI).
                        {"/bin/sh", "-c", kProbe + " wait >/dev/null & echo pid=$!; echo ready; wait"});
  auto at = last_output_.find("pid=");
  ASSERT_NE(at, std::string::npos) << last_output_;
  pid_t pid = std::atoi(last_output_.c_str() + at + 4);
  ASSERT_GT(pid, 0);
  ASSERT_NE(pid, container_pid(id));
  auto r = inspect(pid);
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["container"]["container_id"], id);
  EXPECT_EQ(j["container"]["matched_by"], "cgroup");
  EXPECT_EQ(j["comparison"]["result"], "match");
}

TEST_F(Inspect, AnUnregisteredProcessWithoutFilters) {
  SC_REQUIRE_ROOT();
  Process plain({kProbe, "wait"}, dir_ + "/plain-stderr");
  ASSERT_NE(plain.read_until("ready\n", 10000).find("ready"), std::string::npos);
  auto r = inspect(plain.pid());
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["filters"].empty());
  EXPECT_TRUE(j["container"].is_null());
  EXPECT_TRUE(j["comparison"].is_null());
  ASSERT_EQ(j["verdicts"]["x86_64"].size(), 1u);
  EXPECT_EQ(j["verdicts"]["x86_64"][0]["verdict"], "ALLOW");
  // A pid that does not exist is an error, not an empty answer.
  r = inspect(0x3ffffff);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("PTRACE_SEIZE"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace sc::testing
