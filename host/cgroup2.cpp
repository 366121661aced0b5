#include "host/cgroup2.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace sc::host {
namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_mountinfo(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() &&
        s[i + 1] >= '0' && s[i + 1] <= '7' && s[i + 2] >= '0' && s[i + 2] <= '7' &&
        s[i + 3] >= '0' && s[i + 3] <= '7') {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::system_error(errno, std::generic_category(), "cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::optional<std::string> cgroup2_mount_from_mountinfo_text(const std::string& text) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    // id parent major:minor root mount-point options [optional fields...] - fstype source super
    std::istringstream fields(line);
    std::vector<std::string> f;
    std::string w;
    while (fields >> w) f.push_back(w);
    size_t dash = 0;
    for (size_t i = 6; i < f.size(); ++i)
      if (f[i] == "-") { dash = i; break; }
    if (dash == 0 || dash + 1 >= f.size() || f.size() < 5) continue;
    if (f[dash + 1] == "cgroup2") return unescape_mountinfo(f[4]);
  }
  return std::nullopt;
}

std::string cgroup2_mount(const std::string& mountinfo) {
  auto mount = cgroup2_mount_from_mountinfo_text(read_file(mountinfo));
  if (!mount) throw std::runtime_error("no cgroup2 file system is mounted (read " + mountinfo + ")");
  return *mount;
}

uint64_t cgroup_id(const std::string& directory) {
  struct stat st {};
  if (stat(directory.c_str(), &st) != 0)
    throw std::system_error(errno, std::generic_category(), "stat " + directory);
  return st.st_ino;
}

std::optional<std::string> cgroup2_path_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cgroup");
  if (!in) return std::nullopt;
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("0::", 0) == 0) return line.substr(3);
  return std::nullopt;
}

}  // namespace sc::host

namespace sc::host {

std::vector<CgroupDir> list_cgroups(const std::string& mount, int max_depth) {
  std::vector<CgroupDir> out;
  // Iterative walk with opendir/readdir per group: an error in one group (it was removed, or
  // is unreadable) skips that group only.
  std::vector<std::pair<std::string, int>> pending = {{"", 0}};
  while (!pending.empty()) {
    auto [rel, depth] = pending.back();
    pending.pop_back();
    DIR* dir = ::opendir((mount + rel).c_str());
    if (!dir) continue;
    while (dirent* d = ::readdir(dir)) {
      if (d->d_type != DT_DIR && d->d_type != DT_UNKNOWN) continue;  // interface files
      std::string name = d->d_name;
      if (name == "." || name == "..") continue;
      struct stat st {};
      std::string child = rel + "/" + name;
      if (::fstatat(::dirfd(dir), d->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode)) continue;
      out.push_back({child, static_cast<uint64_t>(st.st_ino)});
      if (depth + 1 < max_depth) pending.push_back({child, depth + 1});
    }
    ::closedir(dir);
  }
  return out;
}

std::optional<bool> cgroup_exists(const std::string& mount, uint64_t id) {
  int mount_fd = ::open(mount.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (mount_fd < 0) return std::nullopt;
  // FILEID_KERNFS (0xfe): the handle of a kernfs node is its 64-bit id, as name_to_handle_at
  // gives it for a cgroup directory.
  struct {
    file_handle header;
    unsigned char id[sizeof(uint64_t)];
  } handle{};
  handle.header.handle_bytes = sizeof(uint64_t);
  handle.header.handle_type = 0xfe;
  std::memcpy(handle.header.f_handle, &id, sizeof id);
  int fd = ::open_by_handle_at(mount_fd, &handle.header, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int error = errno;
  ::close(mount_fd);
  if (fd >= 0) {
    ::close(fd);
    return true;
  }
  if (error == ESTALE || error == ENOENT) return false;
  return std::nullopt;
}

}  // namespace sc::host
