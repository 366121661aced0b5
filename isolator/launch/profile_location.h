// Where a profile name points: Mesos's join of --seccomp_config_dir and the name (one
// trailing '/' of the dir and one leading '/' of the name dropped), made safe: a name that
// leads outside the config dir ("../x", "a/../../x", an absolute path elsewhere) is refused.
// An absolute name that already lies inside the config dir is taken as is.
#pragma once

#include <string>

namespace sc::launch {

// Throws LaunchError: "Seccomp profile name '../x' escapes --seccomp_config_dir '/etc/...'".
std::string profile_path(const std::string& config_dir, const std::string& name);

// Lexical normalisation: "a//b/./c/../d" -> "a/b/d"; keeps a leading "/"; ".." that climbs
// above the start is kept as a leading "..".
std::string normalize_path(const std::string& path);

}  // namespace sc::launch
