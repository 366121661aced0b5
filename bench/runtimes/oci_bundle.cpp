#include "bench/runtimes/oci_bundle.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "bench/runtimes/docker_capabilities.h"

namespace sc::bench {
namespace fs = std::filesystem;

Rootfs make_rootfs(const std::string& dir, const std::string& syscall_bench,
                   const std::string& busybox) {
  Rootfs rootfs;
  rootfs.path = fs::absolute(fs::path(dir) / "rootfs").string();
  for (const char* sub : {"bin", "proc", "dev", "sys", "tmp"})
    fs::create_directories(fs::path(rootfs.path) / sub);
  fs::copy_file(syscall_bench, rootfs.host_path(rootfs.bench), fs::copy_options::overwrite_existing);
  fs::copy_file(busybox, rootfs.host_path("/bin/busybox"), fs::copy_options::overwrite_existing);
  fs::path true_link = rootfs.host_path(rootfs.true_program);
  fs::remove(true_link);
  fs::create_symlink("busybox", true_link);  // busybox runs the applet named by argv[0]
  return rootfs;
}

void write_bundle_config(const std::string& bundle, const Rootfs& rootfs,
                         const std::vector<std::string>& args,
                         const std::optional<nlohmann::json>& seccomp,
                         const std::string& cgroups_path) {
  using nlohmann::json;
  json caps = json::array();
  for (const auto& cap : docker_default_capabilities()) caps.push_back(cap);
  json mounts = json::array({
      {{"destination", "/proc"}, {"type", "proc"}, {"source", "proc"}},
      {{"destination", "/dev"}, {"type", "tmpfs"}, {"source", "tmpfs"},
       {"options", {"nosuid", "strictatime", "mode=755", "size=65536k"}}},
      {{"destination", "/dev/pts"}, {"type", "devpts"}, {"source", "devpts"},
       {"options", {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}}},
      {{"destination", "/dev/shm"}, {"type", "tmpfs"}, {"source", "shm"},
       {"options", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}}},
      {{"destination", "/dev/mqueue"}, {"type", "mqueue"}, {"source", "mqueue"},
       {"options", {"nosuid", "noexec", "nodev"}}},
      {{"destination", "/sys"}, {"type", "sysfs"}, {"source", "sysfs"},
       {"options", {"nosuid", "noexec", "nodev", "ro"}}},
  });
  json config = {
      {"ociVersion", "1.0.2-dev"},
      {"process",
       {{"terminal", false},
        {"user", {{"uid", 0}, {"gid", 0}}},
        {"args", args},
        {"env", {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}},
        {"cwd", "/"},
        {"capabilities",
         {{"bounding", caps}, {"effective", caps}, {"permitted", caps}}},
        {"rlimits", {{{"type", "RLIMIT_NOFILE"}, {"hard", 1024}, {"soft", 1024}}}},
        {"noNewPrivileges", true}}},
      {"root", {{"path", rootfs.path}, {"readonly", true}}},
      {"hostname", "sc-bench"},
      {"mounts", mounts},
      {"linux",
       {{"resources", {{"devices", {{{"allow", false}, {"access", "rwm"}}}}}},
        {"cgroupsPath", cgroups_path},
        {"namespaces",
         {{{"type", "pid"}}, {{"type", "network"}}, {{"type", "ipc"}}, {{"type", "uts"}},
          {{"type", "mount"}}}},
        {"maskedPaths",
         {"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
          "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
          "/proc/scsi"}},
        {"readonlyPaths",
         {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}}}},
  };
  if (seccomp) config["linux"]["seccomp"] = *seccomp;
  fs::create_directories(bundle);
  std::string path = (fs::path(bundle) / "config.json").string();
  std::ofstream out(path, std::ios::trunc);
  out << config.dump(1) << '\n';
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace sc::bench
