#include "tests/refine/process.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/support/process.h"

namespace sc::refine::testing {

ProcessResult run(const std::vector<std::string>& argv, int timeout_seconds) {
  sc::testing::ProcessOptions options;
  options.timeout_seconds = timeout_seconds;
  auto r = sc::testing::run_process(argv, options);
  return ProcessResult{r.status, r.exit_code, std::move(r.out), std::move(r.err)};
}

std::string bin(const std::string& name) { return sc::testing::built_binary(name); }

ProcessResult seccomp_audit(const std::vector<std::string>& args, int timeout_seconds) {
  std::vector<std::string> argv = {bin("seccomp-audit")};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, timeout_seconds);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace sc::refine::testing
