#include "audit/refine/state_input.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sc::refine {

audit::State load_state(const std::string& state_dir) {
  std::string path = common::state_file_path(state_dir);
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error("cannot read recorded state '" + path + "': " + std::strerror(errno) +
                             " (has `seccomp-audit run --state_dir=" + state_dir + "` flushed yet?)");
  std::ostringstream ss;
  ss << in.rdbuf();
  try {
    return audit::from_json_text(ss.str());
  } catch (const std::exception& e) {
    throw std::runtime_error("recorded state '" + path + "' is corrupt: " + e.what());
  }
}

}  // namespace sc::refine
