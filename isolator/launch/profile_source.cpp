#include "isolator/launch/profile_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "isolator/launch/launch_error.h"
#include "isolator/profile/parser.h"

namespace sc::launch {

std::string read_profile_bytes(const std::string& path) {
  auto fail = [&](int error) {
    return LaunchError("Failed to read Seccomp profile file '" + path + "': " + std::strerror(error));
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw fail(errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    throw fail(e);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw fail(EISDIR);
  }
  std::string bytes;
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      throw fail(e);
    }
    if (n == 0) break;
    bytes.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return bytes;
}

const profile::Profile& ProfileSource::profile() const {
  if (!parsed_) {
    try {
      parsed_ = profile::parse_profile(bytes);
    } catch (const std::exception& e) {
      throw LaunchError("Failed to parse Seccomp profile '" + path + "': " + e.what());
    }
  }
  return *parsed_;
}

ProfileSource load_profile_source(const std::string& path, bool parse_now) {
  ProfileSource source;
  source.path = path;
  source.bytes = read_profile_bytes(path);
  source.sha256 = sha256_hex(source.bytes);
  if (parse_now) source.profile();
  return source;
}

}  // namespace sc::launch
