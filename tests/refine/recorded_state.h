// Hand-made recorded states for the refinement tests: containers, verdicts, samples,
// learning sets, as the daemon would write them, plus registry entries for capabilities.
#pragma once

#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "audit/refine/syscall_names.h"
#include "state/aggregate.h"
#include "isolator/registry/registry.h"
#include "tests/support/verdict_key.h"

namespace sc::refine::testing {

inline std::string shared_profile(const std::string& name) { return std::string(SC_SHARED_DIR) + "/profiles/" + name; }

inline constexpr int64_t kHour = 3600LL * 1000000000;
inline constexpr int64_t kT0 = 1764300000LL * 1000000000;  // a fixed "now" for deterministic tests

struct Call {
  std::string name;
  std::string action;                // recorded action
  uint64_t count;
  int64_t first;
  int64_t last;
  std::string comm;
  std::vector<uint64_t> args;        // empty: not recorded
  std::string arch;
  Call(std::string name_, std::string action_ = "log", uint64_t count_ = 1, int64_t first_ = kT0 - 30 * kHour,
       int64_t last_ = kT0 - 29 * kHour, std::string comm_ = "workload", std::vector<uint64_t> args_ = {},
       std::string arch_ = "x86_64")
      : name(std::move(name_)), action(std::move(action_)), count(count_), first(first_), last(last_),
        comm(std::move(comm_)), args(std::move(args_)), arch(std::move(arch_)) {}
};

inline audit::ContainerRecord container(const std::string& id, const std::string& profile_path,
                                        const std::vector<Call>& calls, const std::string& mode = "audit") {
  audit::ContainerRecord c;
  c.container_id = id;
  c.runtime = "seccomp-companion";
  c.cgroup_path = "/seccomp-companion/" + id;
  c.profile_name = std::filesystem::path(profile_path).filename();
  c.profile_path = profile_path;
  c.mode = mode;
  c.first_seen_ns = kT0 - 48 * kHour;
  c.last_seen_ns = kT0;
  for (const auto& call : calls) {
    auto nr = syscall_number(call.arch, call.name);
    audit::VerdictKey key = sc::testing::verdict_key(call.arch, nr ? *nr : -1, call.action, call.action == "errno" ? 1 : -1);
    audit::VerdictStats& s = c.verdicts[key];
    s.syscall = call.name;
    s.count = call.count;
    s.first_seen_ns = call.first;
    s.last_seen_ns = call.last;
    if (call.action == "log") s.would_be_action = common::Action::Errno;
    audit::Sample sample;
    sample.comm = call.comm;
    sample.exe = "/usr/bin/" + call.comm;
    sample.pid = 4242;
    sample.tid = 4242;
    if (!call.args.empty()) {
      sample.has_args = true;
      for (size_t i = 0; i < call.args.size() && i < 6; ++i) sample.args[i] = call.args[i];
    }
    s.sample = sample;
  }
  return c;
}

// A temporary runtime dir with registry entries carrying each container's capabilities.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sc-refine-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline void register_caps(const std::string& runtime_dir, const audit::ContainerRecord& c,
                          const std::vector<std::string>& caps) {
  registry::Entry e;
  e.container_id = c.container_id;
  e.pid = 1;
  e.cgroup_path = c.cgroup_path;
  e.profile_name = c.profile_name;
  e.profile_path = c.profile_path;
  e.mode = c.mode;
  e.capabilities = caps;
  e.command = {"/bin/true"};
  e.started_at_ns = c.first_seen_ns;
  registry::write(runtime_dir, e);
}

// Docker's default capability set (what `docker run` gives a container).
inline std::vector<std::string> docker_caps() {
  return {"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
          "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
          "CAP_AUDIT_WRITE"};
}

}  // namespace sc::refine::testing
