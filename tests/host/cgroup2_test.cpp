#include "host/cgroup2.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "tests/support/privileges.h"

namespace {

TEST(Cgroup2Mount, FindsTheCgroup2LineAmongOthers) {
  const std::string text =
      "22 1 0:21 / /sys rw,nosuid - sysfs sysfs rw\n"
      "30 22 0:26 / /sys/fs/cgroup/memory rw shared:9 - cgroup cgroup rw,memory\n"
      "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime shared:12 - cgroup2 cgroup2 rw\n";
  auto mount = sc::host::cgroup2_mount_from_mountinfo_text(text);
  ASSERT_TRUE(mount.has_value());
  EXPECT_EQ(*mount, "/sys/fs/cgroup/unified");
}

TEST(Cgroup2Mount, PureCgroup2HostWithNoOptionalFields) {
  auto mount = sc::host::cgroup2_mount_from_mountinfo_text(
      "35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw,nsdelegate\n");
  ASSERT_TRUE(mount.has_value());
  EXPECT_EQ(*mount, "/sys/fs/cgroup");
}

TEST(Cgroup2Mount, UnescapesOctalInMountPoint) {
  auto mount = sc::host::cgroup2_mount_from_mountinfo_text(
      "35 24 0:30 / /mnt/my\\040cgroup rw - cgroup2 none rw\n");
  ASSERT_TRUE(mount.has_value());
  EXPECT_EQ(*mount, "/mnt/my cgroup");
}

TEST(Cgroup2Mount, NoneWhenOnlyCgroupV1) {
  EXPECT_FALSE(sc::host::cgroup2_mount_from_mountinfo_text(
                   "30 22 0:26 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n")
                   .has_value());
  EXPECT_FALSE(sc::host::cgroup2_mount_from_mountinfo_text("").has_value());
}

TEST(Cgroup2Mount, MissingMountinfoFileThrows) {
  EXPECT_THROW(sc::host::cgroup2_mount("/nonexistent/mountinfo"), std::exception);
}

TEST(Cgroup2Live, ThisHostHasCgroup2AndOurGroupIdIsItsInode) {
  std::string mount;
  try {
    mount = sc::host::cgroup2_mount();
  } catch (const std::exception& e) {
    SC_REQUIRE(false, std::string("no cgroup2 mount: ") + e.what());
  }
  auto path = sc::host::cgroup2_path_of(getpid());
  ASSERT_TRUE(path.has_value());
  struct stat st {};
  ASSERT_EQ(stat((mount + *path).c_str(), &st), 0) << mount + *path;
  EXPECT_EQ(sc::host::cgroup_id(mount + *path), st.st_ino);
  EXPECT_FALSE(sc::host::cgroup2_path_of(999999999).has_value());
}

}  // namespace
