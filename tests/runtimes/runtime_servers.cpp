#include "tests/runtimes/runtime_servers.h"

#include <signal.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace sc::runtime_tests {
namespace {
namespace fs = std::filesystem;

// Every mount point under `dir`, deepest first, detached: a runtime killed mid-way may leave
// its storage or netns mounts, and remove_all must not walk into them.
void unmount_under(const std::string& dir) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  std::vector<std::string> points;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, dev, root, point;
    fields >> id >> parent >> dev >> root >> point;
    if (point.compare(0, dir.size() + 1, dir + "/") == 0) points.push_back(point);
  }
  std::sort(points.begin(), points.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const auto& p : points) umount2(p.c_str(), MNT_DETACH);
}

void remove_tree(const std::string& dir) {
  unmount_under(dir);
  std::error_code ec;
  fs::remove_all(dir, ec);
}
}  // namespace

std::string test_cgroup_parent() { return "/sc-runtimes-test-" + std::to_string(getpid()) + ".slice"; }

void remove_test_cgroups() {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    size_t dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream fields(line), tail(line.substr(dash + 3));
    std::string id, parent, dev, root, point, fstype;
    fields >> id >> parent >> dev >> root >> point;
    tail >> fstype;
    if (fstype != "cgroup" && fstype != "cgroup2") continue;
    std::string top = point + test_cgroup_parent();
    std::error_code ec;
    if (!fs::is_directory(top, ec)) continue;
    std::vector<std::string> dirs;
    for (auto it = fs::recursive_directory_iterator(top, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
      if (it->is_directory(ec)) dirs.push_back(it->path().string());
    std::sort(dirs.begin(), dirs.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
    for (const auto& d : dirs) rmdir(d.c_str());
    rmdir(top.c_str());
  }
}

std::string make_busybox_rootfs(const std::string& dir) {
  std::string root = dir + "/rootfs";
  for (const char* d : {"bin", "etc", "proc", "sys", "dev", "tmp"}) fs::create_directories(root + "/" + d);
  fs::copy_file("/bin/busybox", root + "/bin/busybox", fs::copy_options::overwrite_existing);
  for (const char* applet : {"sh", "uname", "mkdir", "echo", "cat", "true", "sleep"})
    if (!fs::exists(fs::symlink_status(root + "/bin/" + applet))) fs::create_symlink("busybox", root + "/bin/" + applet);
  return root;
}

Dockerd::Dockerd(const std::string& dir, const std::string& daemon_json) : dir_(dir), sock_(dir + "/docker.sock") {
  fs::create_directories(dir_ + "/data");
  fs::create_directories(dir_ + "/exec");
  refine::testing::write_file(dir_ + "/daemon.json", daemon_json);
  std::vector<std::string> argv = {
      "/usr/sbin/dockerd", "--config-file=" + dir_ + "/daemon.json", "--data-root=" + dir_ + "/data",
      "--exec-root=" + dir_ + "/exec", "--pidfile=" + dir_ + "/dockerd.pid", "-H", "unix://" + sock_,
      // No network here: no bridge, no NAT rules; cgroupfs (no systemd); vfs works on any
      // backing filesystem (the images are one small layer).
      "--iptables=false", "--ip6tables=false", "--ip-masq=false", "--bridge=none",
      "--exec-opt=native.cgroupdriver=cgroupfs", "--storage-driver=vfs", "--cgroup-parent=" + test_cgroup_parent()};
  pid_ = fork();
  if (pid_ == 0) {
    int fd = ::open((dir_ + "/dockerd.log").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("dockerd exited at start-up: " + log());
    }
    if (fs::exists(sock_) && docker({"version"}, 10).exit_code == 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw std::runtime_error("dockerd did not answer on " + sock_ + " within 30 s: " + log());
}

Dockerd::~Dockerd() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);  // dockerd stops its containers and its own containerd
    int status;
    for (int i = 0; i < 150 && waitpid(pid_, &status, WNOHANG) != pid_; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (kill(pid_, 0) == 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
  }
  remove_tree(dir_);
  remove_test_cgroups();
}

ProcessResult Dockerd::docker(const std::vector<std::string>& args, int timeout_seconds) const {
  std::vector<std::string> argv = {"/usr/bin/docker", "-H", "unix://" + sock_};
  argv.insert(argv.end(), args.begin(), args.end());
  return refine::testing::run(argv, timeout_seconds);
}

std::string Dockerd::log() const { return refine::testing::read_file(dir_ + "/dockerd.log"); }

Podman::Podman(const std::string& dir) : dir_(dir) {
  fs::create_directories(dir_ + "/root");
  fs::create_directories(dir_ + "/runroot");
  fs::create_directories(dir_ + "/tmp");
}

Podman::~Podman() {
  podman({"rm", "--all", "--force"}, "", 30);
  remove_tree(dir_);
  remove_test_cgroups();
}

ProcessResult Podman::podman(const std::vector<std::string>& args, const std::string& hooks_dir,
                             int timeout_seconds) const {
  std::vector<std::string> argv = {"/usr/bin/podman", "--root=" + dir_ + "/root", "--runroot=" + dir_ + "/runroot",
                                   "--tmpdir=" + dir_ + "/tmp", "--storage-driver=vfs", "--cgroup-manager=cgroupfs",
                                   "--runtime=runc", "--events-backend=file"};
  // An empty hooks dir when none is asked for: podman's default dirs may hold the installed hook.
  argv.push_back("--hooks-dir=" + (hooks_dir.empty() ? dir_ + "/no-hooks" : hooks_dir));
  fs::create_directories(dir_ + "/no-hooks");
  argv.insert(argv.end(), args.begin(), args.end());
  return refine::testing::run(argv, timeout_seconds);
}

}  // namespace sc::runtime_tests
