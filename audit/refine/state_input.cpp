#include "audit/refine/state_input.h"

#include <stdexcept>
#include <system_error>

#include "state/state_file.h"

namespace sc::refine {

audit::State load_state(const std::string& state_dir) {
  std::string path = common::state_file_path(state_dir);
  try {
    return audit::read_state_file(state_dir);
  } catch (const std::system_error& e) {
    throw std::runtime_error("cannot read recorded state '" + path + "': " + e.code().message() +
                             " (has `seccomp-audit run --state_dir=" + state_dir + "` flushed yet?)");
  } catch (const std::exception& e) {
    throw std::runtime_error("recorded state '" + path + "' is corrupt: " + e.what());
  }
}

}  // namespace sc::refine
