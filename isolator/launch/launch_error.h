// A failure of the isolator itself: the command was not (and will not be) run. `launch`
// reports the message and exits 125, as `docker run` does.
#pragma once

#include <stdexcept>
#include <string>

namespace sc::launch {

class LaunchError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace sc::launch
