#include "bench/runtimes/bench_output.h"

#include <cerrno>
#include <sstream>
#include <stdexcept>

namespace sc::bench {
namespace {

// "key=value key=value" -> map; throws on a token without '='.
std::map<std::string, std::string> fields(std::istringstream& line, const std::string& text) {
  std::map<std::string, std::string> out;
  std::string token;
  while (line >> token) {
    auto eq = token.find('=');
    if (eq == std::string::npos || eq == 0)
      throw std::runtime_error("syscall_bench output: bad field '" + token + "' in: " + text);
    out[token.substr(0, eq)] = token.substr(eq + 1);
  }
  return out;
}

const std::string& need(const std::map<std::string, std::string>& f, const std::string& key,
                        const std::string& text) {
  auto it = f.find(key);
  if (it == f.end())
    throw std::runtime_error("syscall_bench output: no '" + key + "' in: " + text);
  return it->second;
}

}  // namespace

BenchOutput parse_bench_output(const std::string& text) {
  BenchOutput out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string kind;
    if (!(words >> kind)) continue;
    auto f = fields(words, line);
    try {
      if (kind == "seccomp") {
        out.seccomp_mode = std::stoi(need(f, "mode", line));
        out.seccomp_filters = std::stoi(need(f, "filters", line));
      } else if (kind == "clock") {
        out.clock = need(f, "name", line);
      } else if (kind == "call") {
        CallFigure figure;
        figure.ns = std::stod(need(f, "ns", line));
        figure.ret = std::stol(need(f, "ret", line));
        figure.error = std::stoi(need(f, "errno", line));
        out.calls[need(f, "name", line)] = figure;
      } else {
        throw std::runtime_error("syscall_bench output: unknown record: " + line);
      }
    } catch (const std::logic_error&) {  // stoi/stod: invalid_argument, out_of_range
      throw std::runtime_error("syscall_bench output: bad number in: " + line);
    }
  }
  for (const auto& kind : kCallKinds)
    if (!out.calls.count(kind.name))
      throw std::runtime_error(std::string("syscall_bench output: no figure for ") + kind.name +
                               " in:\n" + text);
  if (out.seccomp_mode < 0)
    throw std::runtime_error("syscall_bench output: no seccomp status in:\n" + text);
  return out;
}

void check_bench_output(const BenchOutput& output, const std::string& contender,
                        bool filtered) {
  auto fail = [&](const std::string& what) {
    throw std::runtime_error(contender + ": " + what);
  };
  if (filtered && (output.seccomp_mode != 2 || output.seccomp_filters < 1))
    fail("expected a seccomp filter, /proc/self/status says Seccomp=" +
         std::to_string(output.seccomp_mode));
  if (!filtered && output.seccomp_mode != 0)
    fail("expected no seccomp filter, /proc/self/status says Seccomp=" +
         std::to_string(output.seccomp_mode));
  for (const char* allowed : {"getppid", "personality"}) {
    const auto& call = output.calls.at(allowed);
    if (call.ret < 0)
      fail(std::string(allowed) + " should be allowed but failed with errno " +
           std::to_string(call.error));
  }
  const auto& denied = output.calls.at("denied");
  int expected = filtered ? EPERM : EOPNOTSUPP;
  if (denied.ret != -1 || denied.error != expected)
    fail("the denied call returned " + std::to_string(denied.ret) + " errno " +
         std::to_string(denied.error) + ", expected errno " + std::to_string(expected) +
         (filtered ? " (EPERM from the profile)" : " (EOPNOTSUPP from the kernel)"));
  for (const auto& [name, call] : output.calls)
    if (!(call.ns > 0)) fail("non-positive time for " + name);
}

}  // namespace sc::bench
