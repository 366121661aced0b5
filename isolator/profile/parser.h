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
  // A message already formatted by the caller (e.g. wrapped with the file name) that keeps
  // the JSON path of the original error.
  struct Formatted {};
  ParseError(std::string path, const std::string& message, Formatted)
      : std::runtime_error(message), path_(std::move(path)) {}
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

// Which rules the parser enforces on required keys.
//  - Docker: the modern Docker/moby format; only `defaultAction` is required, everything
//    else (archMap/architectures, includes, excludes, args, subArchitectures) is optional.
//  - Mesos: the stricter Mesos-era format: `defaultAction`, `archMap`, `syscalls`, and in
//    every rule `names`, `action`, `args`, `includes`, `excludes`, in every arg `valueTwo`,
//    in every archMap entry `subArchitectures`; an unknown syscall name is a parse error
//    ("Unrecognized syscall '<name>'"), as in Mesos. Error texts follow Mesos's.
// Both dialects accept every modern key and action (we accept more than Mesos, never less).
enum class Dialect { Docker, Mesos };
struct ParseOptions {
  Dialect dialect = Dialect::Docker;
};
Profile parse_profile(const std::string& json_text, const ParseOptions& options);
Profile load_profile(const std::string& file_path, const ParseOptions& options);

}  // namespace sc::profile
