#include "host/cgroup2.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

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

// The walk lists directories only (cgroup interface files are files), never follows symlinks,
// stops at the depth asked for, and reports each group's inode as its id.
TEST(ListCgroups, DirectoriesToTheDepthAskedWithTheirInodes) {
  char tmpl[] = "/tmp/sc-list-cgroups-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string root = tmpl;
  std::filesystem::create_directories(root + "/a/b/c");
  std::filesystem::create_directories(root + "/d");
  std::ofstream(root + "/a/cgroup.procs") << "1\n";
  std::filesystem::create_directory_symlink(root + "/d", root + "/a/link");
  auto listed = sc::host::list_cgroups(root, 2);
  std::map<std::string, uint64_t> got;
  for (const auto& g : listed) got[g.path] = g.id;
  std::map<std::string, uint64_t> want;
  for (const char* rel : {"/a", "/a/b", "/d"}) want[rel] = sc::host::cgroup_id(root + rel);
  EXPECT_EQ(got, want);
  EXPECT_EQ(sc::host::list_cgroups(root, 3).size(), 4u);  // + /a/b/c
  EXPECT_TRUE(sc::host::list_cgroups(root + "/missing", 3).empty());
  std::filesystem::remove_all(root);
}

}  // namespace
