// A fresh directory under /tmp for one test, removed with everything in it when the test's
// scope ends; and reading a whole file as bytes. Header-only: any test target can use it.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace sc::testing {

struct TempDir {
  std::string path;
  // /tmp/<prefix>-XXXXXX
  explicit TempDir(const std::string& prefix = "sc-test") {
    std::string templ = "/tmp/" + prefix + "-XXXXXX";
    if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp " + templ + " failed");
    path = templ;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

// The file's bytes ("" when it cannot be read).
inline std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace sc::testing
