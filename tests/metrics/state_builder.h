// Builds audit::State values for the metrics tests, the way the daemon fills them.
#pragma once

#include <cstdint>
#include <string>

#include "state/aggregate.h"
#include "tests/support/verdict_key.h"

namespace sc::metrics::testing {

inline constexpr int64_t kSecond = 1000000000;

inline audit::ContainerRecord& add_container(audit::State& st, const std::string& id, const std::string& mode,
                                             const std::string& profile, int64_t seen_ns) {
  audit::ContainerRecord& c = st.containers[id];
  c.container_id = id;
  c.runtime = "seccomp-companion";
  c.mode = mode;
  c.profile_name = profile;
  c.first_seen_ns = seen_ns;
  c.last_seen_ns = seen_ns;
  return c;
}

inline audit::VerdictStats& add_verdict(audit::ContainerRecord& c, const std::string& arch, int nr,
                                        const std::string& syscall, const std::string& action, int error,
                                        uint64_t count, int64_t first_ns, int64_t last_ns,
                                        const std::string& would_be = "") {
  audit::VerdictStats& v = c.verdicts[sc::testing::verdict_key(arch, nr, action, error)];
  v.syscall = syscall;
  v.count += count;
  v.first_seen_ns = first_ns;
  v.last_seen_ns = last_ns;
  v.would_be_action = sc::testing::would_be(would_be);
  return v;
}

inline audit::ShadowRecord& add_shadow(audit::State& st, const std::string& name, const std::string& status,
                                       uint64_t lost = 0) {
  audit::ShadowRecord& r = st.shadows[name];
  r.name = name;
  r.status = status;
  r.lost = lost;
  return r;
}

inline audit::ShadowRow& add_shadow_row(audit::ShadowRecord& r, const std::string& container, const std::string& arch,
                                        int nr, const std::string& syscall, const std::string& current,
                                        int current_errno, const std::string& candidate, int candidate_errno,
                                        uint64_t count) {
  r.rows.push_back(audit::ShadowRow{container, sc::testing::arch(arch), nr, syscall, sc::testing::action(current),
                                    current_errno, sc::testing::action(candidate), candidate_errno, count});
  return r.rows.back();
}

}  // namespace sc::metrics::testing
