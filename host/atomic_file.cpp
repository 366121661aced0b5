#include "host/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace sc::host {
namespace {

[[noreturn]] void fail(const std::string& step, const std::string& path) {
  throw std::system_error(errno, std::generic_category(), step + " '" + path + "'");
}

std::string parent_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

void make_directories(const std::string& path, unsigned mode) {
  if (path.empty()) return;
  struct stat st {};
  if (stat(path.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) { errno = ENOTDIR; fail("create directory", path); }
    return;
  }
  auto parent = parent_of(path);
  if (parent != path && parent != "." && parent != "/") make_directories(parent, mode);
  if (mkdir(path.c_str(), mode) != 0 && errno != EEXIST) fail("create directory", path);
}

namespace {

// Writes `content` to a temporary file beside `path` and renames it over `path`; with
// `sync`, the file is fsynced before the rename and the directory after it.
void replace_file(const std::string& path, const std::string& content, unsigned mode, bool sync) {
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) fail("create", tmp);
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno; close(fd); unlink(tmp.c_str()); errno = e; fail("write", tmp);
    }
    done += static_cast<size_t>(n);
  }
  if (sync && fsync(fd) != 0) { int e = errno; close(fd); unlink(tmp.c_str()); errno = e; fail("fsync", tmp); }
  if (close(fd) != 0) { int e = errno; unlink(tmp.c_str()); errno = e; fail("close", tmp); }
  if (rename(tmp.c_str(), path.c_str()) != 0) { int e = errno; unlink(tmp.c_str()); errno = e; fail("rename into", path); }
  if (!sync) return;
  int dir = open(parent_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) { fsync(dir); close(dir); }
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& content, unsigned mode) {
  replace_file(path, content, mode, true);
}

void publish_file(const std::string& path, const std::string& content, unsigned mode) {
  replace_file(path, content, mode, false);
}

void make_durable(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("open", path);
  if (fsync(fd) != 0) { int e = errno; close(fd); errno = e; fail("fsync", path); }
  close(fd);
  std::string parent = parent_of(path);
  int dir = open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) fail("open", parent);
  if (fsync(dir) != 0) { int e = errno; close(dir); errno = e; fail("fsync", parent); }
  close(dir);
}

}  // namespace sc::host
