#include "audit/fleet/state_files.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "state/state_file.h"

namespace sc::fleet {

std::vector<HostRecording> load_state_files(const std::vector<std::string>& paths) {
  std::vector<HostRecording> out;
  std::set<std::string> seen;
  for (const auto& path : paths) {
    if (!seen.insert(path).second)
      throw std::runtime_error("--state_file '" + path + "' is given twice: its containers would be counted twice");
    HostRecording h;
    h.host = path;
    try {
      h.state = audit::read_state_json(path);
    } catch (const std::system_error& e) {
      throw std::runtime_error("cannot read state file '" + path + "': " + e.code().message());
    } catch (const std::exception& e) {
      throw std::runtime_error("state file '" + path + "' is corrupt: " + e.what());
    }
    for (auto& [id, c] : h.state.containers) c.host = path;
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace sc::fleet
