#include "audit/fleet/state_files.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace sc::fleet {

std::vector<HostRecording> load_state_files(const std::vector<std::string>& paths) {
  std::vector<HostRecording> out;
  std::set<std::string> seen;
  for (const auto& path : paths) {
    if (!seen.insert(path).second)
      throw std::runtime_error("--state_file '" + path + "' is given twice: its containers would be counted twice");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read state file '" + path + "': " + std::strerror(errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    HostRecording h;
    h.host = path;
    try {
      h.state = audit::from_json_text(ss.str());
    } catch (const std::exception& e) {
      throw std::runtime_error("state file '" + path + "' is corrupt: " + e.what());
    }
    for (auto& [id, c] : h.state.containers) c.host = path;
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace sc::fleet
