#include "bpf/bpffs.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

#include "bpf/libbpf_log.h"

namespace sc::bpf {
namespace {

constexpr long kBpfFsMagic = 0xcafe4a11;  // BPF_FS_MAGIC (linux/magic.h)

bool is_bpffs(const struct statfs& fs) { return static_cast<long>(fs.f_type) == kBpfFsMagic; }

bool under(const std::string& path, const std::string& dir) {
  return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/');
}

// The deepest existing directory on the way to `path`.
std::string existing_ancestor(std::string path) {
  struct stat st{};
  while (!path.empty() && ::stat(path.c_str(), &st) != 0) {
    auto slash = path.find_last_of('/');
    path = slash == 0 ? "/" : slash == std::string::npos ? "" : path.substr(0, slash);
  }
  return path.empty() ? "/" : path;
}

}  // namespace

bool on_bpffs(const std::string& path) {
  struct statfs fs{};
  return ::statfs(path.c_str(), &fs) == 0 && is_bpffs(fs);
}

size_t reset_pins(const std::string& pin_dir) {
  struct statfs fs{};
  if (::statfs(pin_dir.c_str(), &fs) != 0) {
    if (errno == ENOENT) return 0;
    throw std::runtime_error("--reset: cannot stat pin dir '" + pin_dir + "': " + std::strerror(errno));
  }
  if (!is_bpffs(fs))
    throw std::runtime_error("--reset: pin dir '" + pin_dir + "' is not on bpffs; refusing to remove it");
  if (!std::filesystem::is_directory(pin_dir))
    throw std::runtime_error("--reset: pin dir '" + pin_dir + "' is not a directory");
  std::error_code ec;
  auto removed = std::filesystem::remove_all(pin_dir, ec);
  if (ec) throw std::runtime_error("--reset: removing '" + pin_dir + "': " + ec.message());
  return static_cast<size_t>(removed);
}

void ensure_pin_dir(const std::string& pin_dir) {
  if (pin_dir.empty() || pin_dir[0] != '/')
    throw std::runtime_error("tracer pin dir '" + pin_dir + "' must be an absolute path");
  if (!on_bpffs(existing_ancestor(pin_dir))) {
    if (!under(pin_dir, kBpffsMount) || on_bpffs(kBpffsMount))
      throw std::runtime_error("tracer pin dir '" + pin_dir + "' is not on a bpf filesystem (mount -t bpf bpf <dir>)");
    ::mkdir(kBpffsMount, 0700);  // usually exists (sysfs provides it)
    if (::mount("bpf", kBpffsMount, "bpf", 0, "mode=0700") != 0) {
      int err = errno;
      throw std::runtime_error(std::string("bpffs is not mounted at ") + kBpffsMount +
                               " and mounting it failed: " + errno_text(err));
    }
  }
  // mkdir -p, one component at a time (bpffs supports directories).
  for (size_t pos = 1; pos <= pin_dir.size(); ++pos) {
    if (pos != pin_dir.size() && pin_dir[pos] != '/') continue;
    std::string part = pin_dir.substr(0, pos);
    if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) {
      int err = errno;
      throw std::runtime_error("cannot create tracer pin dir '" + part + "': " + errno_text(err));
    }
  }
  if (!on_bpffs(pin_dir))
    throw std::runtime_error("tracer pin dir '" + pin_dir + "' is not on a bpf filesystem");
}

}  // namespace sc::bpf
