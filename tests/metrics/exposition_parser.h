// A strict reader of the Prometheus text exposition format, enough to check what render()
// produced: every sample line with its labels unescaped, and the # TYPE of each family.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace sc::metrics::testing {

struct ExpositionSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct Exposition {
  std::vector<ExpositionSample> samples;
  std::map<std::string, std::string> types;   // family name -> counter/gauge/...

  // Samples of one metric whose labels include every pair in `match`.
  std::vector<ExpositionSample> find(const std::string& name,
                                     const std::map<std::string, std::string>& match = {}) const;
};

// Throws std::runtime_error naming the line on anything malformed.
Exposition parse_exposition(const std::string& text);

}  // namespace sc::metrics::testing
