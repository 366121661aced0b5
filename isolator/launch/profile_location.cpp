#include "isolator/launch/profile_location.h"

#include <vector>

#include "isolator/launch/launch_error.h"

namespace sc::launch {

std::string normalize_path(const std::string& path) {
  bool absolute = !path.empty() && path[0] == '/';
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string part = path.substr(i, j - i);
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") parts.pop_back();
      else if (!absolute) parts.push_back("..");
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out = absolute ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) out += (k ? "/" : "") + parts[k];
  return out.empty() ? "." : out;
}

namespace {
bool inside(const std::string& dir, const std::string& path) {
  if (dir == "/") return path.size() > 1 && path[0] == '/';
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
}
}  // namespace

std::string profile_path(const std::string& config_dir, const std::string& name) {
  auto escapes = [&] {
    return LaunchError("Seccomp profile name '" + name + "' escapes --seccomp_config_dir '" +
                       config_dir + "': profile names are relative to that directory");
  };
  if (name.empty() || name == "/") throw LaunchError("Seccomp profile name is empty");
  std::string dir = normalize_path(config_dir);
  if (name[0] == '/') {
    // Absolute: accepted only when it already names a file in the config dir.
    std::string normalized = normalize_path(name);
    if (inside(dir, normalized)) return normalized;
    throw escapes();
  }
  // Mesos's join: the dir without one trailing '/', then '/', then the name.
  std::string joined = config_dir;
  if (!joined.empty() && joined.back() == '/') joined.pop_back();
  joined += "/" + name;
  if (!inside(dir, normalize_path(joined))) throw escapes();
  return joined;
}

}  // namespace sc::launch
