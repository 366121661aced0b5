// sc-bench-runtimes: per-syscall cost and launch latency of the Docker default profile as
// applied by us (compiler API, binary tree and linear; `seccomp-isolator launch`), by runc
// and by crun, beside no filter and a plain fork+exec. Contenders alternate run by run
// (round robin, the order rotated every round) so that noise from a shared machine falls on
// all of them alike; the tables give medians and ratios. scripts/bench.sh runs it.
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/runtimes/bench_output.h"
#include "bench/runtimes/contenders.h"
#include "bench/runtimes/oci_seccomp.h"
#include "bench/runtimes/report.h"
#include "isolator/compiler/filter.h"
#include "isolator/profile/parser.h"
#include "isolator/profile/resolver.h"

namespace fs = std::filesystem;
using namespace sc::bench;

namespace {

struct Options {
  std::string profile;
  std::string syscall_bench;
  std::string busybox = "/bin/busybox";
  std::string runc = find_program("runc");
  std::string crun = find_program("crun");
  std::string isolator;
  std::string out;
  bool quick = false;
  bool launch_only = false;
  long iterations = 300000;
  int rounds = 9;
  int launch_rounds = 31;
};

// A private temporary directory, removed with everything in it when the run ends.
class WorkDir {
 public:
  explicit WorkDir(const fs::path& base = fs::temp_directory_path()) {
    std::string pattern = (base / "sc-bench-runtimes.XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp " + pattern + " failed");
    path_ = pattern;
  }
  ~WorkDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

double monotonic_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

sc::compiler::CompileOptions compile_options(bool tree) {
  sc::compiler::CompileOptions o;
  o.binary_tree = tree;
  o.log_flag = false;  // like runc/crun/dockerd: denials are not audit-logged
  o.no_new_privs = false;
  return o;
}

// Installs an already generated program with seccomp(2) itself: the kernel's share of a
// launch. (libseccomp's seccomp_load regenerates the program from its rule database first,
// which costs about as much as compiling.)
void load_program(const std::vector<sock_filter>& program) {
  sock_fprog prog{};
  prog.len = static_cast<unsigned short>(program.size());
  prog.filter = const_cast<sock_filter*>(program.data());
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
    throw std::runtime_error(std::string("seccomp(SECCOMP_SET_MODE_FILTER): ") +
                             std::strerror(errno));
}

// Time libseccomp's seccomp_load (what Filter::load() and so the launcher call) takes in a
// fresh child: it regenerates the BPF program from its rule database, then installs it.
double seccomp_load_ms(const sc::compiler::Filter& filter) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    close(fds[0]);
    double start = monotonic_ms(), ms = -1;
    try {
      filter.load();
      ms = monotonic_ms() - start;
    } catch (...) {
    }
    ssize_t n = write(fds[1], &ms, sizeof ms);
    _exit(n == sizeof ms ? 0 : 1);
  }
  close(fds[1]);
  double ms = -1;
  ssize_t n = read(fds[0], &ms, sizeof ms);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (n != sizeof ms || ms < 0) throw std::runtime_error("seccomp_load failed in a child");
  return ms;
}

// Runs every available contender once per round, starting at a different one each round.
void round_robin(std::vector<Contender*>& contenders, std::vector<Series>& series, int rounds,
                 std::vector<std::string> argv, bool syscall_figures, const char* section) {
  size_t n = contenders.size();
  for (int r = 0; r < rounds; ++r) {
    std::fprintf(stderr, "%s%d", r == 0 ? section : " ", r + 1);
    for (size_t k = 0; k < n; ++k) {
      size_t i = (k + static_cast<size_t>(r)) % n;
      Contender& c = *contenders[i];
      if (!c.unavailable.empty()) continue;
      std::vector<std::string> args = argv;
      if (syscall_figures)
        args.insert(args.end(), c.extra_bench_args.begin(), c.extra_bench_args.end());
      ProcessResult result = c.run(args);
      if (!result.exited_ok())
        throw std::runtime_error(c.label + ": " + argv[0] + " failed: " + result.describe());
      if (syscall_figures) {
        BenchOutput output = parse_bench_output(result.out);
        check_bench_output(output, c.label, c.filtered);
        for (const auto& [name, figure] : output.calls)
          series[i].samples[name].push_back(figure.ns);
      } else {
        series[i].samples["launch"].push_back(result.seconds * 1e3);
      }
    }
  }
  std::fprintf(stderr, "\n");
}

std::vector<Series> series_for(const std::vector<Contender*>& contenders) {
  std::vector<Series> series;
  for (const Contender* c : contenders) series.push_back({c->label, c->unavailable, {}});
  return series;
}

int run(const Options& opt) {
  namespace profile = sc::profile;
  namespace compiler = sc::compiler;

  // The profile, resolved once for a container with Docker's default capabilities; runc and
  // crun get exactly these rules as linux.seccomp.
  profile::ResolveContext context;
  context.capabilities = docker_default_capabilities();
  profile::ResolvedProfile resolved = profile::resolve(profile::load_profile(opt.profile), context);
  auto tree = std::make_shared<compiler::Filter>(resolved, compile_options(true));
  auto linear = std::make_shared<compiler::Filter>(resolved, compile_options(false));
  size_t tree_len = tree->bpf().size(), linear_len = linear->bpf().size();

  // parse + resolve + compile + generate, in-process: part of what a launch pays.
  std::vector<double> compile_ms;
  for (int i = 0; i < (opt.quick ? 3 : 21); ++i) {
    double start = monotonic_ms();
    compiler::Filter f(profile::resolve(profile::load_profile(opt.profile), context),
                       compile_options(true));
    (void)f.bpf();
    compile_ms.push_back(monotonic_ms() - start);
  }

  std::vector<double> load_ms;
  for (int i = 0; i < (opt.quick ? 3 : 21); ++i) load_ms.push_back(seccomp_load_ms(*tree));

  WorkDir work;
  Rootfs rootfs = make_rootfs(work.path(), opt.syscall_bench, opt.busybox);
  std::string state = work.path() + "/runtime-state";
  fs::create_directories(state);
  nlohmann::json seccomp = oci_seccomp(resolved);

  Contender none = host_contender("no filter", rootfs, false);
  Contender ours_tree = host_contender("ours: tree", rootfs, true, [tree] { tree->load(); });
  Contender ours_linear =
      host_contender("ours: linear", rootfs, true, [linear] { linear->load(); });
  // `seccomp-isolator launch` as an agent would run it: linux/seccomp with this profile as the
  // default, the container bounded to Docker's default capabilities like the runc container.
  nlohmann::json caps = nlohmann::json::array();
  for (const auto& cap : docker_default_capabilities()) caps.push_back(cap);
  nlohmann::json container_info = {
      {"linux_info",
       {{"bounding_capabilities", {{"capabilities", caps}}},
        {"effective_capabilities", {{"capabilities", caps}}}}}};
  std::vector<std::string> launch_flags = {
      "--isolation=linux/seccomp",
      "--seccomp_config_dir=" + fs::absolute(opt.profile).parent_path().string(),
      "--seccomp_profile_name=" + fs::path(opt.profile).filename().string(),
      "--container_info=" + container_info.dump(),
      "--runtime_dir=" + work.path() + "/registry"};
  Contender ours_launch = isolator_contender("ours: seccomp-isolator launch", opt.isolator,
                                             launch_flags, rootfs, false);
  // It loads with SECCOMP_FILTER_FLAG_LOG, so every denial is an audit record: few of them.
  const long audited = std::min<long>(opt.iterations, 2000);
  ours_launch.extra_bench_args = {std::to_string(audited)};
  Contender ours_launch_rootfs = isolator_contender("ours: seccomp-isolator launch --rootfs",
                                                    opt.isolator, launch_flags, rootfs, true);
  // The launch rows that explain where its time goes: the same launch compiling the profile
  // every time (the cache is what a first launch of a profile on a host pays), and with no
  // filter at all (start-up, cgroup, registry, supervision).
  std::vector<std::string> no_cache_flags = launch_flags;
  no_cache_flags.push_back("--no_seccomp_cache");
  Contender ours_launch_no_cache = isolator_contender("ours: launch --no_seccomp_cache (compiles every time)",
                                                      opt.isolator, no_cache_flags, rootfs, false);
  std::vector<std::string> unconfined_flags = {"--isolation=posix/cpu,posix/mem",  // Mesos's default
                                               "--runtime_dir=" + work.path() + "/registry"};
  Contender ours_launch_unconfined =
      isolator_contender("ours: launch without linux/seccomp (no filter)", opt.isolator, unconfined_flags, rootfs, false);
  ours_launch_unconfined.filtered = false;
  // The registry (and the program cache) on tmpfs, as /run is on most hosts: launch fsyncs
  // its exit record, which costs milliseconds on a disk (here /run and /tmp are on one).
  std::optional<WorkDir> shm;
  if (fs::is_directory("/dev/shm")) shm.emplace("/dev/shm");
  std::vector<std::string> tmpfs_flags = launch_flags;
  tmpfs_flags.back() = "--runtime_dir=" + (shm ? shm->path() : std::string("/dev/shm")) + "/registry";
  Contender ours_launch_tmpfs = isolator_contender("ours: seccomp-isolator launch, registry on tmpfs (/dev/shm)",
                                                   opt.isolator, tmpfs_flags, rootfs, false);
  if (!shm) ours_launch_tmpfs.unavailable = "no /dev/shm";
  Contender runc = oci_contender("runc", opt.runc, state, work.path() + "/bundle-runc", rootfs,
                                 seccomp);
  Contender runc_plain = oci_contender("runc, no seccomp", opt.runc, state,
                                       work.path() + "/bundle-runc-plain", rootfs, std::nullopt);
  Contender crun = oci_contender("crun", opt.crun, state + "/crun",
                                 work.path() + "/bundle-crun", rootfs, seccomp);
  // The probe is also the launch that fills the program cache: the timed launches hit it,
  // as every launch after a profile's first on a host does.
  for (Contender* c : {&none, &ours_tree, &ours_linear, &ours_launch, &ours_launch_rootfs,
                       &ours_launch_no_cache, &ours_launch_unconfined, &ours_launch_tmpfs, &runc,
                       &runc_plain, &crun})
    probe(*c, {rootfs.true_program});

  // 1. per-syscall cost
  std::vector<Contender*> syscall_contenders = {&none,  &ours_tree,  &ours_linear, &ours_launch,
                                                &runc, &runc_plain, &crun};
  std::vector<Series> syscall_series = series_for(syscall_contenders);
  if (!opt.launch_only)
    round_robin(syscall_contenders, syscall_series, opt.rounds,
                {rootfs.bench, std::to_string(opt.iterations), "5", "cpu"}, true, "per-syscall rounds: ");

  // 2. launch latency of /bin/true (busybox, static, the same file for every contender)
  Contender fork_exec = host_contender("fork+exec", rootfs, false);
  auto program = std::make_shared<std::vector<sock_filter>>(tree->bpf());
  Contender fork_load = host_contender("fork + seccomp(2) load of our tree + exec", rootfs, true,
                                       [program] { load_program(*program); });
  std::vector<Contender*> launch_contenders = {&fork_exec,
                                               &fork_load,
                                               &ours_launch_unconfined,
                                               &ours_launch,
                                               &ours_launch_rootfs,
                                               &ours_launch_no_cache,
                                               &ours_launch_tmpfs,
                                               &runc,
                                               &runc_plain,
                                               &crun};
  std::vector<Series> launch_series = series_for(launch_contenders);
  round_robin(launch_contenders, launch_series, opt.launch_rounds, {rootfs.true_program}, false,
              "launch rounds: ");

  // The report.
  std::string md;
  if (opt.launch_only) {
    md += "Per-syscall rounds skipped (--launch-only).\n";
  } else {
    md += "### Per-syscall cost (ns per call)\n\n";
    md += "Median over " + std::to_string(opt.rounds) + " runs per contender, each run timing " +
          std::to_string(opt.iterations) +
          " calls of each kind (median of 5 interleaved batches, timed in the thread's CPU time so "
          "that other load does not count); contenders alternate run by run. \"ours\" in the "
          "ratios is the binary tree.\n\n";
    md += syscall_table(syscall_series, ours_tree.label, runc.label, none.label,
                        ours_linear.label);
  }
  md += "\n### Launch latency of /bin/true (ms)\n\n";
  md += "Median over " + std::to_string(opt.launch_rounds) +
        " launches per contender, fork to reaped, alternating.\n\n";
  md += launch_table(launch_series, runc.label, fork_exec.label);
  md += "\n### Notes\n\n";
  md += "- Profile: `" + markdown_cell(fs::path(opt.profile).filename().string()) +
        "`, resolved for Docker's default capabilities: " + std::to_string(resolved.rules.size()) +
        " rules; our BPF: " + std::to_string(tree_len) + " instructions as a binary tree, " +
        std::to_string(linear_len) + " linear. runc and crun get the same resolved rules as "
        "`linux.seccomp`.\n";
  md += "- Where a launch's time goes, medians in ms. The rows build on each other: fork+exec; "
        "+ installing our ready BPF program with seccomp(2) (the kernel checks, converts and "
        "JITs it and fills its action cache); `launch` with no filter: its own start (a "
        "dynamically linked C++ binary), the container's cgroup (created, the child born in it "
        "with clone3(CLONE_INTO_CGROUP), killed and removed), the registry entry (published "
        "before the child runs, fsynced while it runs, rewritten with the exit status) and "
        "supervision; `launch` with the profile: + reading and hashing the profile, the program "
        "cache lookup (a hit: the first, untimed launch of each contender filled it) and the "
        "install; `--no_seccomp_cache`: + parse, resolve and compile on every launch (what the "
        "first launch of a profile on a host pays); `registry on tmpfs`: the launch row with its "
        "registry and cache on tmpfs, as /run is on most hosts (the difference is mostly the "
        "fsyncs of the exit record; the start entry is fsynced only once a container has run "
        "100 ms). In-process, parse + resolve + compile + "
        "generate BPF takes " + format_number(median(compile_ms), 2) +
        "; libseccomp's seccomp_load (which `launch` no longer calls: it regenerates the "
        "program from its rule database before installing it) " + format_number(median(load_ms), 2) +
        ". runc adds namespaces, mounts and pivot_root, and runs `runc init` (Go) by re-executing "
        "itself.\n";
  if (ours_launch.unavailable.empty())
    md += "- `seccomp-isolator launch` loads its filter with SECCOMP_FILTER_FLAG_LOG so that every "
          "denial reaches the audit stream: each denied call under it also writes an audit record "
          "(timed over " + std::to_string(audited) + " calls per run, not to flood the machine's "
          "audit stream). runc, crun and the other columns do not log ERRNO denials.\n";
  for (const Contender* c : {&ours_launch, &runc, &crun})
    if (!c->unavailable.empty())
      md += "- " + markdown_cell(c->label) + " not measured: " + markdown_cell(c->unavailable) +
            "\n";

  if (opt.out.empty()) {
    std::cout << md;
  } else {
    std::ofstream out(opt.out, std::ios::trunc);
    out << md;
    out.close();
    if (!out) throw std::runtime_error("cannot write " + opt.out);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  CLI::App app{"sc-bench-runtimes: per-syscall cost and launch latency, ours vs runc/crun"};
  app.add_option("--profile", opt.profile, "Docker-format profile to apply")->required();
  app.add_option("--syscall-bench", opt.syscall_bench, "the static syscall_bench binary")
      ->required();
  app.add_option("--busybox", opt.busybox, "a static busybox (its true applet)")->capture_default_str();
  app.add_option("--runc", opt.runc, "runc binary (\"\" to skip)")->capture_default_str();
  app.add_option("--crun", opt.crun, "crun binary (\"\" to skip)")->capture_default_str();
  app.add_option("--isolator", opt.isolator, "seccomp-isolator binary (\"\" to skip)");
  app.add_option("--out", opt.out, "write the Markdown here instead of stdout");
  app.add_flag("--quick", opt.quick, "few iterations: checks the harness, not the figures");
  app.add_flag("--launch-only", opt.launch_only, "only the launch latency rows (no per-syscall rounds)");
  app.add_option("--iterations", opt.iterations, "calls per kind per run")->capture_default_str();
  app.add_option("--rounds", opt.rounds, "runs per contender (per-syscall)")->capture_default_str();
  app.add_option("--launch-rounds", opt.launch_rounds, "launches per contender")->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (opt.quick) {
    if (app.count("--iterations") == 0) opt.iterations = 20000;
    if (app.count("--rounds") == 0) opt.rounds = 3;
    if (app.count("--launch-rounds") == 0) opt.launch_rounds = 5;
  }
  if (opt.iterations <= 0 || opt.rounds <= 0 || opt.launch_rounds <= 0) {
    std::fprintf(stderr, "sc-bench-runtimes: --iterations, --rounds, --launch-rounds must be > 0\n");
    return 2;
  }
  try {
    return run(opt);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "\nsc-bench-runtimes: %s\n", e.what());
    return 1;
  }
}
