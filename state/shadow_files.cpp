#include "state/shadow_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include "host/atomic_file.h"

namespace sc::audit {

ShadowRequests read_shadow_requests(const std::string& state_dir) {
  ShadowRequests out;
  std::error_code ec;
  const std::filesystem::path dir = shadow_request_dir(state_dir);
  if (!std::filesystem::is_directory(dir, ec)) return out;
  for (const auto& f : std::filesystem::directory_iterator(dir, ec)) {
    const std::string path = f.path().string();
    // Temporary files of an atomic write in progress are not requests.
    if (f.path().extension() != ".json" || !f.is_regular_file(ec)) continue;
    std::ifstream in(path);
    if (!in) {
      out.bad.emplace_back(path, "cannot be read");
      continue;
    }
    std::string text((std::istreambuf_iterator<char>(in)), {});
    try {
      ShadowRequest r = request_from_json_text(text);
      if (r.name + ".json" != f.path().filename().string())
        throw std::runtime_error("$.name: '" + r.name + "' does not match the file name");
      out.valid[r.name] = std::move(r);
    } catch (const std::exception& e) {
      out.bad.emplace_back(path, e.what());
    }
  }
  return out;
}

void write_shadow_request(const std::string& state_dir, const ShadowRequest& request) {
  host::make_directories(shadow_request_dir(state_dir), 0700);
  host::write_file_atomically(shadow_request_path(state_dir, request.name), request_to_json_text(request), 0600);
}

bool remove_shadow_request(const std::string& state_dir, const std::string& name) {
  const std::string path = shadow_request_path(state_dir, name);
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return false;
    throw std::system_error(errno, std::generic_category(), "remove " + path);
  }
  // The removal is the stop request: make it survive a crash like the request did.
  int fd = ::open(shadow_request_dir(state_dir).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    (void)::fsync(fd);
    ::close(fd);
  }
  return true;
}

}  // namespace sc::audit
