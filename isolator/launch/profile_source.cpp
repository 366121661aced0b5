#include "isolator/launch/profile_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "isolator/launch/launch_error.h"
#include "isolator/profile/parser.h"

namespace sc::launch {

std::string sha256_hex(const std::string& bytes) {
  // Only SHA-256 is needed: not openssl.cnf, nor registering every cipher and digest,
  // which is most of OpenSSL's first call (milliseconds of every launch).
  static const bool initialised = OPENSSL_init_crypto(
      OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ADD_ALL_CIPHERS | OPENSSL_INIT_NO_ADD_ALL_DIGESTS, nullptr);
  if (!initialised) throw LaunchError("OpenSSL initialisation failed");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1)
    throw LaunchError("SHA-256 failed (OpenSSL EVP_Digest)");
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xf];
  }
  return out;
}

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

ProfileSource load_profile_source(const std::string& path) {
  ProfileSource source;
  source.path = path;
  std::string bytes = read_profile_bytes(path);
  source.sha256 = sha256_hex(bytes);
  try {
    source.profile = profile::parse_profile(bytes);
  } catch (const std::exception& e) {
    throw LaunchError("Failed to parse Seccomp profile '" + path + "': " + e.what());
  }
  return source;
}

}  // namespace sc::launch
