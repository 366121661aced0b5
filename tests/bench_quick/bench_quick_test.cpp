// scripts/bench.sh --quick, as CI runs it: the harness must run every contender it finds and
// produce a well-formed report (machine, kernel, date; the per-syscall and launch tables with
// a figure or a stated reason in every cell; a section per part). The figures are not judged.
// Also the harness's own checks, which stop a runtime that silently dropped the profile from
// showing up as "fast".
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "bench/runtimes/bench_output.h"
#include "bench/runtimes/report.h"
#include "tests/bench_quick/markdown_table.h"
#include "tests/support/privileges.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using sc::testing::is_positive_number;
using sc::testing::Table;
using sc::testing::tables_under;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs bash SCRIPT ARGS... with stdout and stderr in files of `dir`; returns the exit status.
int run_script(const std::vector<std::string>& args, const std::string& dir) {
  std::vector<std::string> argv = {"/bin/bash", std::string(SC_SOURCE_DIR) + "/scripts/bench.sh"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  std::string out = dir + "/stdout", err = dir + "/stderr";
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, cargv[0], &actions, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -rc;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -errno;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "sc-bench-quick.XXXXXX").string();
    if (mkdtemp(pattern.data())) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) fs::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct QuickRun {
  int status = -1;
  std::string report;
  std::string stderr_text;
};

// The quick run (~15 s). ctest runs every TEST in a process of its own, so the checks of the
// report are helpers of one TEST rather than TESTs sharing a run.
const QuickRun& quick_run() {
  static std::optional<QuickRun> run;
  if (!run) {
    run.emplace();
    TempDir dir;
    std::string report = dir.path() + "/report.md";
    run->status = run_script({"--quick", "--no-build", std::string("--build-dir=") + SC_BINARY_DIR,
                              "--out=" + report,
                              std::string("--profile=") + SC_SHARED_DIR + "/profiles/docker-default.json"},
                             dir.path());
    run->report = read_file(report);
    run->stderr_text = read_file(dir.path() + "/stderr");
  }
  return *run;
}

size_t column(const Table& table, const std::string& name) {
  for (size_t i = 0; i < table.header.size(); ++i)
    if (table.header[i] == name) return i;
  return std::string::npos;
}

#define SC_REQUIRE_BENCH_ENV()                                                        \
  SC_REQUIRE_ROOT();                                                                  \
  SC_REQUIRE(access(SC_BINARY_DIR "/bin/sc-bench-runtimes", X_OK) == 0,               \
             "sc-bench-runtimes not built in " SC_BINARY_DIR)

void check_header(const QuickRun& run) {
  EXPECT_NE(run.report.find("# seccomp-companion benchmarks"), std::string::npos);
  EXPECT_NE(run.report.find("- Date: 20"), std::string::npos);
  EXPECT_NE(run.report.find("- Machine: "), std::string::npos);
  EXPECT_NE(run.report.find("kernel "), std::string::npos);
  EXPECT_EQ(run.report.find("failed (exit"), std::string::npos) << run.report;
}

// Every cell of the per-syscall table holds a figure, or n/a with the reason in the notes.
void check_syscall_table(const QuickRun& run) {
  auto tables = tables_under(run.report, "### Per-syscall cost (ns per call)");
  ASSERT_EQ(tables.size(), 1u) << run.report;
  const Table& t = tables[0];
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0][0].rfind("getppid", 0), 0u);
  EXPECT_EQ(t.rows[1][0].rfind("personality", 0), 0u);
  EXPECT_EQ(t.rows[2][0].rfind("keyctl", 0), 0u);
  // Always measurable as root: no filter and both of our filters.
  for (const char* always : {"no filter", "ours: tree", "ours: linear", "ours/no filter",
                             "linear/tree"}) {
    size_t c = column(t, always);
    ASSERT_NE(c, std::string::npos) << "no column " << always;
    for (const auto& row : t.rows) EXPECT_TRUE(is_positive_number(row.at(c))) << always << ": " << row.at(c);
  }
  for (const char* runtime : {"runc", "crun"}) {
    size_t c = column(t, runtime);
    ASSERT_NE(c, std::string::npos) << "no column " << runtime;
    // runc runs on every host of ours (scripts/bootstrap.sh installs it): it must be measured.
    // crun refuses hybrid cgroup hosts like ours: n/a there, with the reason in the notes.
    for (const auto& row : t.rows)
      EXPECT_TRUE(is_positive_number(row.at(c)) || (row.at(c) == "n/a" && std::string(runtime) == "crun"))
          << runtime << ": " << row.at(c);
    // An unmeasured runtime is explained in the notes.
    if (t.rows[0][c] == "n/a") {
      EXPECT_NE(run.report.find(std::string("- ") + runtime + " not measured: "), std::string::npos);
    }
  }
  size_t runc = column(t, "runc"), ratio = column(t, "ours/runc");
  ASSERT_NE(ratio, std::string::npos);
  for (const auto& row : t.rows)
    EXPECT_EQ(is_positive_number(row.at(runc)), is_positive_number(row.at(ratio)));
}

void check_launch_table(const QuickRun& run) {
  auto tables = tables_under(run.report, "### Launch latency of /bin/true (ms)");
  ASSERT_EQ(tables.size(), 1u) << run.report;
  const Table& t = tables[0];
  ASSERT_EQ(t.header.at(1), "median ms");
  bool fork_exec = false, runc = false, ours_load = false;
  for (const auto& row : t.rows) {
    ASSERT_EQ(row.size(), t.header.size()) << row.at(0);
    bool measured = is_positive_number(row.at(1));
    EXPECT_TRUE(measured || row.at(1).rfind("n/a (", 0) == 0) << row.at(0) << ": " << row.at(1);
    if (row[0] == "fork+exec") fork_exec = measured && row.at(5) == "1.00";
    if (row[0] == "runc") runc = true;
    if (row[0].find("seccomp(2) load") != std::string::npos) ours_load = measured;
  }
  EXPECT_TRUE(fork_exec);
  EXPECT_TRUE(runc);
  EXPECT_TRUE(ours_load);
}

void check_sections(const QuickRun& run) {
  // bench.sh writes "_Not measured: X has not been built._" for a part whose binary is missing:
  // in this tree every part is built, so the phrase must appear nowhere in the report.
  EXPECT_EQ(run.report.find("Not measured"), std::string::npos) << run.report;
  EXPECT_EQ(run.report.find("has not been built"), std::string::npos) << run.report;
  for (const char* section : {"## Per-syscall cost and launch latency: ours, runc, crun",
                              "## Compile time of the profile",
                              "## BPF instructions executed per syscall", "## Tracer cost",
                              "## Daemon under a denial storm"}) {
    size_t at = run.report.find(section);
    ASSERT_NE(at, std::string::npos) << section;
    size_t next = run.report.find("\n## ", at + 1);
    std::string body = run.report.substr(at, next == std::string::npos ? std::string::npos : next - at);
    // That part's figures: every part is built in this tree (bench.sh writes "Not measured"
    // only for a binary that is missing, which must fail here), and each writes a table or a
    // code block with figures in it.
    EXPECT_EQ(body.find("Not measured"), std::string::npos) << body;
    EXPECT_TRUE(body.find("\n|") != std::string::npos || body.find("```") != std::string::npos) << body;
    EXPECT_NE(body.find_first_of("0123456789", std::string(section).size()), std::string::npos) << body;
  }
}

// The storm's own account, as it prints it: every call answered as the filter says, every
// call recorded or reported lost (bench_daemon_storm also exits 1 otherwise, which bench.sh
// reports as "failed (exit 1)").
void check_storm(const QuickRun& run) {
  size_t at = run.report.find("## Daemon under a denial storm");
  ASSERT_NE(at, std::string::npos);
  std::string body = run.report.substr(at, run.report.find("\n## ", at + 1) - at);
  EXPECT_NE(body.find("calls not answered as the filter says: 0 (A) + 0 (B); failed workers: 0"), std::string::npos)
      << body;
  EXPECT_NE(body.find("unaccounted: 0\n"), std::string::npos) << body;
  EXPECT_NE(body.find("s measured,"), std::string::npos) << body;
  EXPECT_EQ(body.find("FAILED"), std::string::npos) << body;
}

TEST(BenchQuick, RunsEveryContenderAndWritesAWellFormedReport) {
  SC_REQUIRE_BENCH_ENV();
  const QuickRun& run = quick_run();
  ASSERT_EQ(run.status, 0) << run.stderr_text << "\n" << run.report;
  {
    SCOPED_TRACE("header");
    check_header(run);
  }
  {
    SCOPED_TRACE("per-syscall table");
    check_syscall_table(run);
  }
  {
    SCOPED_TRACE("launch table");
    check_launch_table(run);
  }
  {
    SCOPED_TRACE("sections of the other parts");
    check_sections(run);
  }
  {
    SCOPED_TRACE("daemon storm");
    check_storm(run);
  }
}

TEST(BenchScript, RejectsUnknownArguments) {
  TempDir dir;
  EXPECT_EQ(run_script({"--bogus"}, dir.path()), 2);
  EXPECT_NE(read_file(dir.path() + "/stderr").find("unknown argument: --bogus"), std::string::npos);
}

// The harness's checks on what syscall_bench reports.
const char* kFiltered =
    "seccomp mode=2 filters=1\nclock name=cpu\n"
    "call name=getppid ns=50.5 ret=1 errno=0\n"
    "call name=personality ns=60 ret=0 errno=0\n"
    "call name=denied ns=70 ret=-1 errno=1\n";

TEST(BenchOutput, AcceptsAFilteredRun) {
  auto out = sc::bench::parse_bench_output(kFiltered);
  EXPECT_EQ(out.seccomp_mode, 2);
  EXPECT_EQ(out.clock, "cpu");
  EXPECT_DOUBLE_EQ(out.calls.at("getppid").ns, 50.5);
  EXPECT_NO_THROW(sc::bench::check_bench_output(out, "ours", true));
}

TEST(BenchOutput, RefusesAContenderThatDroppedItsFilter) {
  auto out = sc::bench::parse_bench_output(kFiltered);
  out.seccomp_mode = 0;
  try {
    sc::bench::check_bench_output(out, "runc", true);
    FAIL() << "a missing filter was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("runc: expected a seccomp filter"), std::string::npos);
  }
}

TEST(BenchOutput, RefusesADeniedCallThatWasNotDenied) {
  auto out = sc::bench::parse_bench_output(kFiltered);
  out.calls["denied"].error = EOPNOTSUPP;  // the kernel answered: the profile did not deny it
  EXPECT_THROW(sc::bench::check_bench_output(out, "crun", true), std::runtime_error);
  out.seccomp_mode = 0;
  EXPECT_NO_THROW(sc::bench::check_bench_output(out, "no filter", false));
}

TEST(BenchOutput, NamesTheLineThatDoesNotParse) {
  try {
    sc::bench::parse_bench_output("seccomp mode=2 filters=1\ncall name=getppid ns=abc ret=1 errno=0\n");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("ns=abc"), std::string::npos) << e.what();
  }
  EXPECT_THROW(sc::bench::parse_bench_output("seccomp mode=2 filters=1\n"), std::runtime_error);
}

TEST(BenchReport, EscapesCells) {
  EXPECT_EQ(sc::bench::markdown_cell("a|b\n`c` <d>"), "a\\|b 'c' &lt;d&gt;");
  EXPECT_EQ(sc::bench::median({3, 1, 2}), 2);
  EXPECT_EQ(sc::bench::median({4, 1, 2, 3}), 2.5);
  EXPECT_EQ(sc::bench::format_number(sc::bench::median({}), 1), "n/a");
}

}  // namespace
