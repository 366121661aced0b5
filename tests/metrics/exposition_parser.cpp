#include "tests/metrics/exposition_parser.h"

#include <sstream>
#include <stdexcept>

namespace sc::metrics::testing {

std::vector<ExpositionSample> Exposition::find(const std::string& name,
                                               const std::map<std::string, std::string>& match) const {
  std::vector<ExpositionSample> out;
  for (const auto& s : samples) {
    if (s.name != name) continue;
    bool ok = true;
    for (const auto& [k, v] : match) {
      auto it = s.labels.find(k);
      if (it == s.labels.end() || it->second != v) ok = false;
    }
    if (ok) out.push_back(s);
  }
  return out;
}

Exposition parse_exposition(const std::string& text) {
  Exposition e;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    auto fail = [&](const std::string& why) {
      throw std::runtime_error("exposition line " + std::to_string(number) + ": " + why + ": " + line);
    };
    if (line.empty()) continue;
    if (line[0] == '#') {
      std::istringstream words(line);
      std::string hash, kind, name, type;
      words >> hash >> kind >> name >> type;
      if (kind == "TYPE") e.types[name] = type;
      continue;
    }
    ExpositionSample s;
    size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') s.name += line[i++];
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        std::string key;
        while (i < line.size() && line[i] != '=') key += line[i++];
        if (i + 1 >= line.size() || line[i + 1] != '"') fail("label without quoted value");
        i += 2;
        std::string value;
        while (i < line.size() && line[i] != '"') {
          if (line[i] == '\\') {
            if (i + 1 >= line.size()) fail("dangling backslash");
            char c = line[i + 1];
            if (c == 'n') value += '\n';
            else if (c == '\\' || c == '"') value += c;
            else fail("bad escape");
            i += 2;
          } else {
            value += line[i++];
          }
        }
        if (i >= line.size()) fail("unterminated label value");
        ++i;  // closing quote
        if (i < line.size() && line[i] == ',') ++i;
        if (!s.labels.emplace(key, value).second) fail("duplicate label " + key);
      }
      if (i >= line.size()) fail("unterminated label set");
      ++i;
    }
    if (i >= line.size() || line[i] != ' ') fail("no value");
    try {
      s.value = std::stod(line.substr(i + 1));
    } catch (const std::exception&) {
      fail("value is not a number");
    }
    e.samples.push_back(std::move(s));
  }
  return e;
}

}  // namespace sc::metrics::testing
