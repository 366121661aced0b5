// Parse a Docker/moby-format or Mesos-era seccomp profile into the model.
// Errors name the JSON path of the offending value and what is wrong, e.g.
//   syscalls[3].args[0].op: unknown operator 'SCMP_CMP_FOO'
// Invalid JSON reports line and column. Unknown fields are ignored, as Docker does.
#pragma once

#include <stdexcept>
#include <string>

#include "isolator/profile/profile.h"

namespace sc::profile {

class ParseError : public std::runtime_error {
 public:
  ParseError(std::string path, const std::string& what)
      : std::runtime_error(path.empty() ? what : path + ": " + what), path_(std::move(path)) {}
  const std::string& path() const { return path_; }  // JSON path, "" for the document
 private:
  std::string path_;
};

// Throws ParseError.
Profile parse_profile(const std::string& json_text);

// Reads and parses a file. Errors follow Mesos's shapes:
//   "Failed to read Seccomp profile file '<path>': <strerror>"
//   "Failed to parse Seccomp profile '<path>': <reason>"
// Throws ParseError (path() is the JSON path when the content is at fault).
Profile load_profile(const std::string& file_path);

}  // namespace sc::profile
