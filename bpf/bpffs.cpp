#include "bpf/bpffs.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "bpf/libbpf_log.h"

namespace sc::bpf {
namespace {

constexpr long kBpfFsMagic = 0xcafe4a11;  // BPF_FS_MAGIC


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
  return ::statfs(path.c_str(), &fs) == 0 && static_cast<long>(fs.f_type) == kBpfFsMagic;
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
