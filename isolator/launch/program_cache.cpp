#include "isolator/launch/program_cache.h"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string_view>

#include <nlohmann/json.hpp>
#include <seccomp.h>

#include "host/atomic_file.h"
#include "isolator/launch/profile_source.h"

namespace sc::launch {
namespace {

constexpr size_t kMaxEntryBytes = 1 << 20;  // a 4096-instruction program is 32 KiB
constexpr unsigned kKnownFlags =
    SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_SPEC_ALLOW;

// Root's entries, or the caller's own (a caller can only weaken its own containers).
bool trusted_owner(uid_t uid) { return uid == 0 || uid == ::geteuid(); }

// Why a directory or file may not be trusted, or "".
std::string untrusted_because(const struct stat& st) {
  if (!trusted_owner(st.st_uid)) return "owned by uid " + std::to_string(st.st_uid) + ", not root";
  if (st.st_mode & (S_IWGRP | S_IWOTH)) return "writable by group or others";
  return "";
}

// Identifies the executable doing the compiling: another build of the resolver or compiler
// may compile the same profile differently, so an upgrade starts a fresh cache.
std::string executable_identity() {
  struct stat st {};
  if (::stat("/proc/self/exe", &st) != 0) return "unknown";
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) +
         ":" + std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
}

}  // namespace

std::string program_cache_key(const ProgramKeyInput& input) {
  struct utsname u {};
  std::string release = ::uname(&u) == 0 ? u.release : "unknown";
  const scmp_version* version = seccomp_version();
  std::string key;
  key += "format=" + std::to_string(kProgramCacheFormat) + "\n";
  key += "profile_sha256=" + input.profile_sha256 + "\n";
  key += "capabilities=";
  for (const auto& cap : input.capabilities) key += cap + ",";
  key += "\naudit=" + std::to_string(input.audit ? 1 : 0) + "\n";
  key += std::string("new_syscalls=") + profile::new_syscalls_name(input.new_syscalls) + "\n";
  key += "binary_tree=" + std::to_string(input.options.binary_tree ? 1 : 0) + "\n";
  key += "log_flag=" + std::to_string(input.options.log_flag ? 1 : 0) + "\n";
  key += "no_new_privs=" + std::to_string(input.options.no_new_privs ? 1 : 0) + "\n";
  key += "kill_process_on_bad_arch=" + std::to_string(input.options.kill_process_on_bad_arch ? 1 : 0) + "\n";
  key += "native_arch=" + std::to_string(seccomp_arch_native()) + "\n";
  key += "kernel=" + release + "\n";
  key += "libseccomp=" + std::to_string(version ? version->major : 0) + "." +
         std::to_string(version ? version->minor : 0) + "." + std::to_string(version ? version->micro : 0) + "\n";
  key += "libseccomp_api=" + std::to_string(seccomp_api_get()) + "\n";
  key += "executable=" + executable_identity() + "\n";
  return key;
}

// An entry is BODY "\n" CODE HASH "\n": BODY one line of JSON (format, key, flags, the
// instruction count, warnings), CODE the program's sock_filter array as it is in memory, HASH
// the hex SHA-256 of everything before it. The code is stored raw, not in the JSON: parsing
// 20 KB of hex text was a fifth of a cached launch's user time.
std::string encode_cache_entry(const std::string& key, const CachedProgram& entry) {
  nlohmann::json body = {
      {"format", kProgramCacheFormat},
      {"key", key},
      {"flags", entry.program.flags},
      {"no_new_privs", entry.program.no_new_privs},
      {"instructions", entry.program.code.size()},
      {"warnings", entry.warnings},
  };
  // ensure_ascii: a warning quoting a hostile profile string stays on the body's one line.
  std::string out = body.dump(-1, ' ', true);
  out += '\n';
  out.append(reinterpret_cast<const char*>(entry.program.code.data()), entry.program.code.size() * sizeof(sock_filter));
  out += sha256_hex(out);
  out += '\n';
  return out;
}

std::optional<CachedProgram> decode_cache_entry(const std::string& text, const std::string& key,
                                                std::string* why_not) {
  auto refuse = [&](const std::string& why) -> std::optional<CachedProgram> {
    if (why_not) *why_not = why;
    return std::nullopt;
  };
  size_t newline = text.find('\n');
  if (newline == std::string::npos) return refuse("not an entry (truncated?)");
  try {
    // The body alone is parsed before the checksum: it says how long the entry must be.
    nlohmann::json body = nlohmann::json::parse(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(newline));
    if (body.at("format").get<int>() != kProgramCacheFormat) return refuse("another format");
    size_t count = body.at("instructions").get<size_t>();
    if (count == 0 || count > BPF_MAXINSNS) return refuse("wrong instruction count");
    const size_t code_bytes = count * sizeof(sock_filter);
    if (text.size() != newline + 1 + code_bytes + 64 + 1 || text.back() != '\n')
      return refuse("not an entry (truncated?)");
    const size_t hashed = newline + 1 + code_bytes;
    if (sha256_hex(std::string_view(text).substr(0, hashed)) != std::string_view(text).substr(hashed, 64))
      return refuse("checksum mismatch");
    if (body.at("key").get<std::string>() != key) return refuse("another key");
    CachedProgram entry;
    entry.program.flags = body.at("flags").get<unsigned>();
    if (entry.program.flags & ~kKnownFlags) return refuse("unknown filter flags");
    entry.program.no_new_privs = body.at("no_new_privs").get<bool>();
    entry.program.code.resize(count);
    std::memcpy(entry.program.code.data(), text.data() + newline + 1, code_bytes);
    entry.warnings = body.at("warnings").get<std::vector<std::string>>();
    return entry;
  } catch (const nlohmann::json::exception& e) {
    return refuse(std::string("malformed: ") + e.what());
  }
}

std::string ProgramCache::entry_path(const std::string& key) const {
  return directory_ + "/" + sha256_hex(key) + ".bpf";
}

std::optional<CachedProgram> ProgramCache::lookup(const std::string& key, std::string* problem) const {
  auto reject = [&](const std::string& what, const std::string& why) -> std::optional<CachedProgram> {
    if (problem) *problem = "ignoring the cached program " + what + ": " + why;
    return std::nullopt;
  };
  // The directory first, opened once so that what was checked is what is read from.
  int dir = ::open(directory_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir < 0) {
    if (errno == ENOENT) return std::nullopt;
    return reject("directory '" + directory_ + "'", std::strerror(errno));
  }
  struct Closer {
    int fd;
    ~Closer() {
      if (fd >= 0) ::close(fd);
    }
  } dir_closer{dir};
  struct stat st {};
  if (::fstat(dir, &st) != 0) return reject("directory '" + directory_ + "'", std::strerror(errno));
  if (std::string why = untrusted_because(st); !why.empty()) return reject("directory '" + directory_ + "'", why);

  std::string path = entry_path(key);
  std::string name = path.substr(directory_.size() + 1);
  int fd = ::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    return reject("'" + path + "'", std::strerror(errno));
  }
  Closer file_closer{fd};
  if (::fstat(fd, &st) != 0) return reject("'" + path + "'", std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return reject("'" + path + "'", "not a regular file");
  if (std::string why = untrusted_because(st); !why.empty()) return reject("'" + path + "'", why);
  if (st.st_size <= 0 || static_cast<size_t>(st.st_size) > kMaxEntryBytes) return reject("'" + path + "'", "wrong size");
  std::string text(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::read(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return reject("'" + path + "'", n < 0 ? std::strerror(errno) : "truncated");
    done += static_cast<size_t>(n);
  }
  std::string why;
  auto entry = decode_cache_entry(text, key, &why);
  if (!entry) return reject("'" + path + "'", why);
  return entry;
}

void ProgramCache::store(const std::string& key, const CachedProgram& entry) const {
  auto slash = directory_.find_last_of('/');
  if (slash != std::string::npos && slash > 0) host::make_directories(directory_.substr(0, slash), 0755);
  if (::mkdir(directory_.c_str(), 0700) != 0 && errno != EEXIST)
    throw std::runtime_error("cannot create '" + directory_ + "': " + std::strerror(errno));
  struct stat st {};
  if (::lstat(directory_.c_str(), &st) != 0)
    throw std::runtime_error("cannot stat '" + directory_ + "': " + std::strerror(errno));
  if (!S_ISDIR(st.st_mode)) throw std::runtime_error("'" + directory_ + "' is not a directory");
  // Never write where an entry could not be trusted when read back.
  if (std::string why = untrusted_because(st); !why.empty())
    throw std::runtime_error("not writing into '" + directory_ + "': " + why);
  host::write_file_atomically(entry_path(key), encode_cache_entry(key, entry), 0600);
}

}  // namespace sc::launch
