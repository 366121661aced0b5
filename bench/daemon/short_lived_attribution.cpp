// bench_attribution_churn [--seconds=S] [--spawners=N] [--calls=K] [--rows=LIST]
//
// What share of the calls made by short-lived processes under process churn the daemon
// attributes to their container. N spawners (each the exec'd init of one registered container
// cgroup, like a shell) fork children as fast as they can for S seconds; every child makes K
// logged calls (getpriority under SCMP_ACT_LOG, filter with the LOG flag) and _exits at once,
// long before the daemon reads its audit records (and /proc/<pid>/cgroup). One daemon run per
// row, same workload:
//   audit             --sources=audit --proc_connector=off   (the audit stream alone)
//   audit+connector   --sources=audit --proc_connector=auto
//   tracer            --sources=auto  --proc_connector=off   (the tracer's tgid -> cgroup map)
//   tracer+connector  --sources=auto  --proc_connector=auto
// Reported: calls made (counted exactly by the spawners), attributed to the container,
// unattributed, elsewhere, the audit records the daemon reports lost, share attributed.
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "bench/daemon/bench_io.h"
#include "state/aggregate.h"
#include "host/cgroup2.h"
#include "isolator/registry/registry.h"

namespace fs = std::filesystem;

namespace {

using sc::bench::flag;
using sc::bench::slurp;

// The exec'd spawner: loads the filter, forks short-lived children for `seconds`, writes the
// number of calls they made to fd 3.
int spawner(double seconds, int calls) {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (!ctx || seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1) != 0 ||
      seccomp_rule_add(ctx, SCMP_ACT_LOG, SCMP_SYS(getpriority), 0) != 0 || seccomp_load(ctx) != 0)
    return 81;
  uint64_t made = 0;
  auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) {
    pid_t child = fork();
    if (child == 0) {
      for (int i = 0; i < calls; ++i) syscall(SYS_getpriority, PRIO_PROCESS, 0);
      _exit(0);
    }
    if (child < 0) continue;
    int status = 0;
    waitpid(child, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) made += static_cast<uint64_t>(calls);
  }
  return write(3, &made, sizeof made) == sizeof made ? 0 : 82;
}

struct Row {
  std::string name, sources, connector;
  uint64_t made = 0, attributed = 0, unattributed = 0, elsewhere = 0, lost = 0, forks = 0;
  bool bpf_live = false, connector_live = false, ran = false;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "--spawner") == 0 && argc == 4) return spawner(std::stod(argv[2]), std::stoi(argv[3]));
  if (geteuid() != 0) {
    std::fprintf(stderr, "bench_attribution_churn: needs root (seccomp, audit netlink, cgroups)\n");
    return 2;
  }
  double seconds = std::stod(flag(argc, argv, "seconds", "3"));
  int spawners = std::stoi(flag(argc, argv, "spawners", "2"));
  int calls = std::stoi(flag(argc, argv, "calls", "1"));
  std::string rows_flag = flag(argc, argv, "rows", "audit,audit+connector,tracer,tracer+connector");
  std::vector<Row> rows;
  for (const auto& [name, sources, connector] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"audit", "audit", "off"}, {"audit+connector", "audit", "auto"},
           {"tracer", "auto", "off"}, {"tracer+connector", "auto", "auto"}})
    if (("," + rows_flag + ",").find("," + name + ",") != std::string::npos) rows.push_back({name, sources, connector});

  std::string mount = sc::host::cgroup2_mount();
  std::string parent = "/sc-churn-" + std::to_string(getpid()) + ".slice";
  for (auto& row : rows) {
    char tmpl[] = "/tmp/sc-churn-XXXXXX";
    std::string dir = mkdtemp(tmpl);
    std::string pins = "/sys/fs/bpf/sc-churn-" + std::to_string(getpid());
    std::vector<std::string> ids, cgs;
    for (int s = 0; s < spawners; ++s) {
      ids.push_back("churn" + std::to_string(s));
      cgs.push_back(parent + "/" + ids.back());
      fs::create_directories(mount + cgs.back());
    }
    pid_t daemon = sc::bench::spawn_daemon(dir, {"--flush_interval=0.5", "--sources=" + row.sources,
                                                 "--proc_connector=" + row.connector, "--pin_dir=" + pins});
    for (int i = 0; i < 200 && slurp(dir + "/daemon.log").find("seccomp-audit running") == std::string::npos; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    // The spawners: join their cgroup, get a registry entry, exec (as a container's init does).
    std::vector<std::pair<pid_t, int>> running;
    for (int s = 0; s < spawners; ++s) {
      int result[2], gate[2];
      if (pipe(result) != 0 || pipe(gate) != 0) return 2;
      pid_t pid = fork();
      if (pid == 0) {
        close(result[0]);
        close(gate[1]);
        int fd = open((mount + cgs[s] + "/cgroup.procs").c_str(), O_WRONLY);
        if (fd < 0 || write(fd, "0", 1) != 1) _exit(80);
        close(fd);
        char c;
        if (read(gate[0], &c, 1) != 1) _exit(83);
        dup2(result[1], 3);
        std::string secs = std::to_string(seconds), k = std::to_string(calls);
        execl("/proc/self/exe", "bench_attribution_churn", "--spawner", secs.c_str(), k.c_str(), static_cast<char*>(nullptr));
        _exit(127);
      }
      close(result[1]);
      close(gate[0]);
      sc::registry::Entry e;
      e.container_id = ids[s];
      e.pid = pid;
      e.cgroup_path = cgs[s];
      e.cgroup_id = sc::host::cgroup_id(mount + cgs[s]);
      e.mode = "audit";
      e.profile_name = "churn";
      e.started_at_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
          std::chrono::system_clock::now().time_since_epoch()).count();
      sc::registry::write(dir + "/run", e);
      if (write(gate[1], "x", 1) != 1) return 2;
      close(gate[1]);
      running.emplace_back(pid, result[0]);
    }
    for (auto& [pid, fd] : running) {
      uint64_t n = 0;
      if (read(fd, &n, sizeof n) == sizeof n) row.made += n;
      close(fd);
      waitpid(pid, nullptr, 0);
    }
    // Drain: until every call is accounted for somewhere (or 10 s).
    sc::audit::State state;
    for (int i = 0; i < 100; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      try {
        state = sc::audit::from_json_text(slurp(dir + "/state/state.json"));
      } catch (const std::exception&) {
        continue;
      }
      uint64_t seen = 0;
      for (const auto& [id, c] : state.containers)
        for (const auto& [k, v] : c.verdicts)
          if (v.syscall == "getpriority") seen += v.count;
      if (seen + state.sources["audit"].lost >= row.made) break;
    }
    kill(daemon, SIGTERM);
    waitpid(daemon, nullptr, 0);
    try {
      state = sc::audit::from_json_text(slurp(dir + "/state/state.json"));
      row.ran = true;
    } catch (const std::exception& ex) {
      std::fprintf(stderr, "%s: cannot read the daemon's state: %s\n%s\n", row.name.c_str(), ex.what(),
                   slurp(dir + "/daemon.log").c_str());
    }
    for (const auto& [id, c] : state.containers)
      for (const auto& [k, v] : c.verdicts) {
        if (v.syscall != "getpriority") continue;
        bool ours = std::find(ids.begin(), ids.end(), id) != ids.end();
        (ours ? row.attributed : id == "unattributed" ? row.unattributed : row.elsewhere) += v.count;
      }
    row.lost = state.sources["audit"].lost;
    row.bpf_live = state.sources["bpf"].live;
    row.connector_live = state.sources["proc_connector"].live;
    row.forks = state.sources["proc_connector"].events;
    for (const auto& cg : cgs) rmdir((mount + cg).c_str());
    fs::remove_all(dir);
    if (row.sources == "auto") {
      std::string reset = std::string(SC_BINARY_DIR) + "/bin/seccomp-audit run --reset --pin_dir=" + pins + " >/dev/null 2>&1";
      if (std::system(reset.c_str()) != 0) std::fprintf(stderr, "reset of %s failed\n", pins.c_str());
      std::error_code ec;
      fs::remove_all(pins, ec);
    }
  }
  rmdir((mount + parent).c_str());
  std::printf("short-lived processes under churn: %d spawner(s) x %.1f s, %d logged call(s) per child\n\n", spawners,
              seconds, calls);
  std::printf("| daemon | bpf | connector | calls made | attributed | unattributed | elsewhere | audit lost | attributed share |\n");
  std::printf("|---|---|---|---:|---:|---:|---:|---:|---:|\n");
  for (const auto& r : rows) {
    if (!r.ran) continue;
    uint64_t read = r.made > r.lost ? r.made - r.lost : 0;
    std::printf("| %s | %s | %s | %llu | %llu | %llu | %llu | %llu | %.1f%% (of read: %.1f%%) |\n", r.name.c_str(),
                r.bpf_live ? "live" : "off", r.connector_live ? "live" : "off", static_cast<unsigned long long>(r.made),
                static_cast<unsigned long long>(r.attributed), static_cast<unsigned long long>(r.unattributed),
                static_cast<unsigned long long>(r.elsewhere), static_cast<unsigned long long>(r.lost),
                r.made ? 100.0 * r.attributed / r.made : 0.0, read ? 100.0 * r.attributed / read : 0.0);
  }
  return 0;
}
