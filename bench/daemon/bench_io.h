// What the daemon benches read: their --name=value flags, and the daemon's files (its log, its
// state.json) as text.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace sc::bench {

// The value of --NAME=VALUE among argv, or fallback.
inline std::string flag(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--" + name + "=", 0) == 0) return a.substr(name.size() + 3);
  }
  return fallback;
}

// The whole file, "" when it cannot be read (a daemon that has not written it yet).
inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace sc::bench
