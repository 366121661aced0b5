// `seccomp-isolator check/compile/explain`, run as the built binary (no shell involved).
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <linux/filter.h>

#include <cstdio>
#include <cstring>
#include <iterator>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

struct Result {
  int rc = -1;
  std::string out, err;
};

Result run(std::vector<std::string> args) {
  args.insert(args.begin(), SC_ISOLATOR_BIN);
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    dup2(err[1], 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  Result r;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open_fds = 2;
  while (open_fds > 0) {
    if (poll(fds, 2, 30000) <= 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      char buf[65536];
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

std::string shared(const char* name) { return std::string(SC_SHARED_DIR) + "/profiles/" + name; }

struct TempDir {
  std::string path;
  TempDir() {
    char t[] = "/tmp/sc-engine-cli-XXXXXX";
    path = mkdtemp(t);
  }
  ~TempDir() {
    for (const char* f : {"/bad.json", "/out.bpf", "/out.pfc", "/deny.json"}) unlink((path + f).c_str());
    rmdir(path.c_str());
  }
  std::string write(const char* name, const std::string& text) {
    std::string p = path + "/" + name;
    std::ofstream(p) << text;
    return p;
  }
};

}  // namespace

TEST(EngineCli, CheckValidProfilesExitZeroWithSummary) {
  for (const char* p : {"docker-default.json", "docker-default-2023.json", "mesos-default.json"}) {
    for (const char* mode : {"--caps=none", "--audit"}) {
      Result r = run({"check", shared(p), mode});
      EXPECT_EQ(r.rc, 0) << p << " " << mode << ": " << r.err;
      EXPECT_NE(r.out.find("arches:          x86_64, x86, x32"), std::string::npos) << r.out;
      EXPECT_NE(r.out.find(std::string(mode) == "--audit" ? "default action:  LOG" : "default action:  ERRNO(1)"),
                std::string::npos) << r.out;
    }
  }
  Result warn = run({"check", shared("docker-default.json")});
  EXPECT_NE(warn.err.find("warning: pivot_root is not allowed"), std::string::npos);
}

TEST(EngineCli, CheckJsonFormat) {
  Result r = run({"check", shared("mesos-default.json"), "--format=json", "--caps=CHOWN", "--kernel=5.10",
                  "--dialect=mesos"});
  ASSERT_EQ(r.rc, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["valid"], true);
  EXPECT_EQ(j["kernel"], "5.10");
  EXPECT_EQ(j["arches"], nlohmann::json({"x86_64", "x86", "x32"}));
  EXPECT_GT(j["rules_by_action"]["ALLOW"].get<int>(), 250);
}

TEST(EngineCli, CheckInvalidExitsOneAndNamesThePath) {
  TempDir dir;
  Result bad = run({"check", dir.write("bad.json", R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
      {"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":"SCMP_CMP_FOO"}]}]})")});
  EXPECT_EQ(bad.rc, 1);
  EXPECT_NE(bad.err.find("syscalls[0].args[0].op: Unknown operator: 'SCMP_CMP_FOO'"), std::string::npos) << bad.err;
  Result json = run({"check", dir.write("bad.json", "{\n\"defaultAction\": }"), "--format=json"});
  EXPECT_EQ(json.rc, 1);
  EXPECT_NE(json.err.find("line 2, column 18"), std::string::npos) << json.err;
  EXPECT_EQ(nlohmann::json::parse(json.out)["valid"], false);
  Result deny = run({"check", dir.write("deny.json", R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
      {"names":["no_such_call"],"action":"SCMP_ACT_KILL"}]})")});
  EXPECT_EQ(deny.rc, 1);
  EXPECT_NE(deny.err.find("syscalls[0].names[0]"), std::string::npos) << deny.err;
  EXPECT_EQ(run({"check", "/nonexistent.json"}).rc, 1);
}

TEST(EngineCli, UsageErrorsExitTwo) {
  EXPECT_EQ(run({"check"}).rc, 2);
  EXPECT_EQ(run({"check", shared("docker-default.json"), "--format=xml"}).rc, 2);
  EXPECT_EQ(run({"check", shared("docker-default.json"), "--caps=CAP_FLY"}).rc, 2);
  EXPECT_EQ(run({"check", shared("docker-default.json"), "--arch=vax"}).rc, 2);
  EXPECT_EQ(run({"check", shared("docker-default.json"), "--kernel=new"}).rc, 2);
  EXPECT_EQ(run({"compile", shared("docker-default.json"), "--format=elf"}).rc, 2);
  EXPECT_EQ(run({"explain", shared("docker-default.json"), "not_a_syscall"}).rc, 2);
  EXPECT_EQ(run({"explain", shared("docker-default.json"), "read", "-1"}).rc, 2);
  for (const char* sub : {"check", "compile", "explain"}) {
    Result help = run({sub, "--help"});
    EXPECT_EQ(help.rc, 0);
    EXPECT_NE(help.out.find("--caps"), std::string::npos) << sub;
  }
}

// The first argument naming a subcommand registers only that one (cli/subcommand_dispatch.h):
// every subcommand still parses, shows its own help and rejects what it does not know, and
// anything else still gets the whole program.
TEST(EngineCli, EachSubcommandWorksAloneAndTheTopLevelListsThemAll) {
  Result top = run({"--help"});
  EXPECT_EQ(top.rc, 0);
  for (const char* sub : {"check", "compile", "explain", "launch", "inspect"}) {
    EXPECT_NE(top.out.find(std::string("\n  ") + sub + " "), std::string::npos) << sub << " in\n" << top.out;
    Result help = run({sub, "--help"});
    EXPECT_EQ(help.rc, 0) << sub << ": " << help.err;
    EXPECT_NE(help.out.find(std::string(" ") + sub + " [OPTIONS]"), std::string::npos) << help.out;
    EXPECT_EQ(run({sub, "--no_such_flag"}).rc, 2) << sub;
  }
  Result version = run({"--version"});
  EXPECT_EQ(version.rc, 0);
  EXPECT_EQ(version.out.rfind("seccomp-isolator ", 0), 0u) << version.out;
  EXPECT_EQ(run({"lauch"}).rc, 2);  // a typo is not a subcommand
  EXPECT_EQ(run({}).rc, 2);         // nor is nothing
}

TEST(EngineCli, CompileWritesBpfAndPfc) {
  TempDir dir;
  Result r = run({"compile", shared("docker-default.json"), "--caps=none", "--output=" + dir.path + "/out.bpf"});
  ASSERT_EQ(r.rc, 0) << r.err;
  std::ifstream in(dir.path + "/out.bpf", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  ASSERT_GT(bytes.size(), 100 * sizeof(sock_filter));
  EXPECT_EQ(bytes.size() % sizeof(sock_filter), 0u);
  sock_filter last;
  std::memcpy(&last, bytes.data() + bytes.size() - sizeof last, sizeof last);
  EXPECT_EQ(BPF_CLASS(last.code), BPF_RET);
  Result stdout_bpf = run({"compile", shared("docker-default.json"), "--caps=none"});
  EXPECT_EQ(stdout_bpf.out, bytes);
  Result pfc = run({"compile", shared("docker-default.json"), "--audit", "--format=pfc"});
  ASSERT_EQ(pfc.rc, 0);
  EXPECT_NE(pfc.out.find("action LOG"), std::string::npos);
  EXPECT_EQ(pfc.out.find("action ERRNO"), std::string::npos);  // audit: nothing is denied
}

TEST(EngineCli, ExplainVerdictsAndDecidingRule) {
  Result uname = run({"explain", shared("docker-default.json"), "uname"});
  ASSERT_EQ(uname.rc, 0) << uname.err;
  EXPECT_EQ(uname.out.rfind("ALLOW\n", 0), 0u) << uname.out;
  EXPECT_NE(uname.out.find("syscalls[0]"), std::string::npos);
  Result pivot = run({"explain", shared("docker-default.json"), "pivot_root"});
  EXPECT_EQ(pivot.out.rfind("ERRNO(1)\n", 0), 0u) << pivot.out;
  EXPECT_NE(pivot.out.find("the default action"), std::string::npos);
  Result clone3 = run({"explain", shared("docker-default.json"), "clone3", "--caps=none"});
  EXPECT_EQ(clone3.out.rfind("ERRNO(38)\n", 0), 0u) << clone3.out;
  Result audit = run({"explain", shared("docker-default.json"), "clone3", "--caps=none", "--audit"});
  EXPECT_EQ(audit.out.rfind("LOG\n", 0), 0u) << audit.out;
  Result socket = run({"explain", shared("docker-default.json"), "socket", "40", "--format=json"});
  auto j = nlohmann::json::parse(socket.out);
  EXPECT_EQ(j["verdict"], "ERRNO(1)");
  EXPECT_EQ(j["model_agrees"], true);
  Result netlink = run({"explain", shared("docker-default.json"), "socket", "16", "--format=json"});
  EXPECT_EQ(nlohmann::json::parse(netlink.out)["rule"], "syscalls[2]");
  Result x32 = run({"explain", shared("docker-default.json"), "read", "--arch=x32", "--format=json"});
  EXPECT_EQ(nlohmann::json::parse(x32.out)["nr"], 0x40000000);
  Result i386 = run({"explain", shared("mesos-default.json"), "socketcall", "--arch=x86"});
  EXPECT_EQ(i386.out.rfind("ALLOW\n", 0), 0u) << i386.out;
}

// Two argument-checked rules with different actions that both hold: explain names the one
// the compiled filter applies (libseccomp's tree order, not the profile's) and the other.
TEST(EngineCli, ExplainNamesTheRuleLibseccompsOrderPicks) {
  char path[] = "/tmp/sc-explain-order-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  const std::string json = R"({"defaultAction":"SCMP_ACT_ERRNO","archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":[]}],
    "syscalls":[{"names":["futex"],"action":"SCMP_ACT_ALLOW","args":[{"index":4,"value":5,"op":"SCMP_CMP_GT"}]},
                {"names":["futex"],"action":"SCMP_ACT_TRACE","args":[{"index":5,"value":0,"op":"SCMP_CMP_NE"}]}]})";
  ASSERT_EQ(write(fd, json.data(), json.size()), static_cast<ssize_t>(json.size()));
  close(fd);
  Result j = run({"explain", path, "futex", "0", "0", "0", "0", "9", "1", "--arch=x86_64", "--format=json"});
  Result text = run({"explain", path, "futex", "0", "0", "0", "0", "9", "1", "--arch=x86_64"});
  unlink(path);
  ASSERT_EQ(j.rc, 0) << j.err;
  auto out = nlohmann::json::parse(j.out);
  EXPECT_EQ(out["verdict"], "TRACE(1)");
  EXPECT_EQ(out["rule"], "syscalls[1]");
  EXPECT_EQ(out["also_holding"], nlohmann::json::array({"syscalls[0]"}));
  EXPECT_EQ(out["model_agrees"], true);
  EXPECT_NE(text.out.find("also holding, with another action: syscalls[0] (ALLOW)"), std::string::npos) << text.out;
}
