#include "isolator/registry/registry.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace {

class Registry : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sc-registry-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  sc::registry::Entry sample() {
    sc::registry::Entry e;
    e.container_id = "web-1";
    e.pid = 4242;
    e.cgroup_path = "/seccomp-companion/web-1";
    e.cgroup_id = 12345;
    e.profile_name = "default.json";
    e.profile_path = "/etc/seccomp/default.json";
    e.profile_sha256 = std::string(64, 'a');
    e.mode = "audit";
    e.capabilities = {"CAP_CHOWN", "CAP_KILL"};
    e.command = {"/bin/sh", "-c", "echo \"hi\""};
    e.started_at_ns = 1700000000123456789;
    return e;
  }
  std::string dir_;
};

TEST_F(Registry, RoundTripsEveryField) {
  auto e = sample();
  e.exited_at_ns = 1700000001000000000;
  e.exit_status = 159;
  sc::registry::write(dir_, e);
  auto back = sc::registry::read(dir_, "web-1");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->container_id, e.container_id);
  EXPECT_EQ(back->pid, e.pid);
  EXPECT_EQ(back->cgroup_path, e.cgroup_path);
  EXPECT_EQ(back->cgroup_id, e.cgroup_id);
  EXPECT_EQ(back->profile_name, e.profile_name);
  EXPECT_EQ(back->profile_path, e.profile_path);
  EXPECT_EQ(back->profile_sha256, e.profile_sha256);
  EXPECT_EQ(back->mode, "audit");
  EXPECT_EQ(back->capabilities, e.capabilities);
  EXPECT_EQ(back->command, e.command);
  EXPECT_EQ(back->started_at_ns, e.started_at_ns);
  EXPECT_EQ(back->exited_at_ns, e.exited_at_ns);
  EXPECT_EQ(back->exit_status, 159);
}

TEST_F(Registry, RunningContainerHasNoExit) {
  sc::registry::write(dir_, sample());
  auto back = sc::registry::read(dir_, "web-1");
  ASSERT_TRUE(back);
  EXPECT_FALSE(back->exited_at_ns.has_value());
  EXPECT_FALSE(back->exit_status.has_value());
}

TEST_F(Registry, AbsentEntryIsNullopt) { EXPECT_FALSE(sc::registry::read(dir_, "nobody").has_value()); }

TEST_F(Registry, RejectsIdsThatWouldEscapeTheDirectory) {
  EXPECT_FALSE(sc::registry::valid_container_id("../etc"));
  EXPECT_FALSE(sc::registry::valid_container_id("a/b"));
  EXPECT_FALSE(sc::registry::valid_container_id(""));
  EXPECT_FALSE(sc::registry::valid_container_id(".hidden"));
  EXPECT_FALSE(sc::registry::valid_container_id(std::string(129, 'a')));
  EXPECT_TRUE(sc::registry::valid_container_id("mesos-4f2a_0.1"));
  EXPECT_THROW(sc::registry::entry_path(dir_, "../x"), std::invalid_argument);
}

TEST_F(Registry, CorruptEntryNamesTheFileAndReadAllReportsIt) {
  sc::registry::write(dir_, sample());
  std::filesystem::create_directories(sc::registry::containers_dir(dir_));
  std::ofstream(sc::registry::containers_dir(dir_) + "/broken.json") << "{\"container_id\": 7";
  std::ofstream(sc::registry::containers_dir(dir_) + "/badmode.json")
      << R"({"container_id":"badmode","pid":1,"cgroup_path":"/x","cgroup_id":1,"profile_name":"",
            "profile_path":"","profile_sha256":"","mode":"permissive","started_at_ns":1})";
  EXPECT_THROW(sc::registry::read(dir_, "broken"), std::runtime_error);
  try {
    sc::registry::read(dir_, "badmode");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("mode"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("badmode.json"), std::string::npos) << e.what();
  }
  std::vector<std::string> errors;
  auto all = sc::registry::read_all(dir_, &errors);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].container_id, "web-1");
  EXPECT_EQ(errors.size(), 2u);
}

}  // namespace
