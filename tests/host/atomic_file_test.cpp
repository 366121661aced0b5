#include "host/atomic_file.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace {

class AtomicFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sc-atomic-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string slurp(const std::string& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::string dir_;
};

TEST_F(AtomicFile, ReplacesContentAndLeavesNoTemporary) {
  std::string p = dir_ + "/state.json";
  sc::host::write_file_atomically(p, "one");
  sc::host::write_file_atomically(p, "two, longer");
  EXPECT_EQ(slurp(p), "two, longer");
  size_t entries = 0;
  for (auto& e : std::filesystem::directory_iterator(dir_)) { (void)e; ++entries; }
  EXPECT_EQ(entries, 1u);
}

TEST_F(AtomicFile, AppliesMode) {
  std::string p = dir_ + "/secret";
  sc::host::write_file_atomically(p, "x", 0600);
  struct stat st {};
  ASSERT_EQ(stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(AtomicFile, ErrorNamesThePath) {
  try {
    sc::host::write_file_atomically(dir_ + "/no/such/dir/file", "x");
    FAIL() << "expected an error";
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string(e.what()).find("/no/such/dir/file"), std::string::npos) << e.what();
  }
}

TEST_F(AtomicFile, MakeDirectoriesCreatesParentsAndRefusesFiles) {
  sc::host::make_directories(dir_ + "/a/b/c");
  EXPECT_TRUE(std::filesystem::is_directory(dir_ + "/a/b/c"));
  sc::host::make_directories(dir_ + "/a/b/c");  // idempotent
  sc::host::write_file_atomically(dir_ + "/f", "x");
  EXPECT_THROW(sc::host::make_directories(dir_ + "/f"), std::system_error);
}

}  // namespace
