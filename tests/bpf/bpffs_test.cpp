// bpf::reset_pins (bpf/bpffs.h): removes a pin directory only when it is on bpffs, so a wrong
// --pin_dir never deletes real files. The refusals need no root; the removal runs where
// /sys/fs/bpf is a bpffs this process may write (root), and is skipped elsewhere.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "bpf/bpffs.h"
#include "tests/support/temp_dir.h"

namespace bpffs_test {

std::string thrown_by(const std::string& dir) {
  try {
    sc::bpf::reset_pins(dir);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(ResetPins, ADirectoryNotOnBpffsIsRefusedAndKept) {
  sc::testing::TempDir dir("sc-reset-pins");
  std::ofstream(dir.path + "/precious") << "data";
  EXPECT_FALSE(sc::bpf::on_bpffs(dir.path));
  EXPECT_EQ(thrown_by(dir.path), "--reset: pin dir '" + dir.path + "' is not on bpffs; refusing to remove it");
  EXPECT_TRUE(std::filesystem::exists(dir.path + "/precious"));
}

TEST(ResetPins, AMissingDirectoryRemovesNothing) {
  sc::testing::TempDir dir("sc-reset-pins");
  EXPECT_EQ(sc::bpf::reset_pins(dir.path + "/never-made"), 0u);
  EXPECT_EQ(sc::bpf::reset_pins(dir.path + "/never/made/either"), 0u);
}

TEST(ResetPins, APinDirOnBpffsIsRemovedWithWhatIsUnderIt) {
  if (!sc::bpf::on_bpffs(sc::bpf::kBpffsMount) || access(sc::bpf::kBpffsMount, W_OK) != 0)
    GTEST_SKIP() << sc::bpf::kBpffsMount << " is not a writable bpffs here";
  const std::string dir = std::string(sc::bpf::kBpffsMount) + "/sc-reset-pins-test-" + std::to_string(getpid());
  ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
  ASSERT_EQ(mkdir((dir + "/sub").c_str(), 0700), 0);  // bpffs holds directories (no plain files)
  EXPECT_TRUE(sc::bpf::on_bpffs(dir));
  EXPECT_EQ(sc::bpf::reset_pins(dir), 2u) << "the directory and the one below it";
  EXPECT_FALSE(std::filesystem::exists(dir));
  EXPECT_EQ(sc::bpf::reset_pins(dir), 0u) << "gone: nothing left to remove";
}

}  // namespace bpffs_test
