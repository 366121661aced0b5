#include "audit/daemon/pins.h"

#include <sys/statfs.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace sc::audit {

namespace {
constexpr long kBpfFsMagic = 0xcafe4a11;  // BPF_FS_MAGIC (linux/magic.h)
}

size_t reset_pins(const std::string& pin_dir) {
  struct statfs fs{};
  if (::statfs(pin_dir.c_str(), &fs) != 0) {
    if (errno == ENOENT) return 0;
    throw std::runtime_error("--reset: cannot stat pin dir '" + pin_dir + "': " + std::strerror(errno));
  }
  if (static_cast<long>(fs.f_type) != kBpfFsMagic)
    throw std::runtime_error("--reset: pin dir '" + pin_dir + "' is not on bpffs; refusing to remove it");
  if (!std::filesystem::is_directory(pin_dir))
    throw std::runtime_error("--reset: pin dir '" + pin_dir + "' is not a directory");
  std::error_code ec;
  auto removed = std::filesystem::remove_all(pin_dir, ec);
  if (ec) throw std::runtime_error("--reset: removing '" + pin_dir + "': " + ec.message());
  return static_cast<size_t>(removed);
}

}  // namespace sc::audit
