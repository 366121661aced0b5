// What the ENFORCING profile would have done with a verdict recorded in audit mode: the
// container's profile is resolved without audit mode (host arch, the registry entry's
// capabilities), compiled by the engine and the recorded call run through the evaluator.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/seccomp_ret.h"

namespace sc::audit {

struct CompiledProfile;  // audit/oracle/compiled_profile.h

class WouldBe {
 public:
  // The enforcing profile's action for syscall `nr` on `audit_arch` (AUDIT_ARCH_*) with `args`
  // (nullptr: unknown, evaluated as zeros); nullopt when the profile cannot be loaded or
  // compiled (logged once per profile).
  std::optional<common::Action> verdict(const std::string& profile_path, const std::string& profile_sha256,
                      const std::vector<std::string>& capabilities, uint32_t audit_arch, int32_t nr,
                      const uint64_t* args);

 private:
  // (sha256 or path when no digest, sorted caps) -> program; nullptr = failed to compile.
  std::map<std::pair<std::string, std::string>, std::shared_ptr<const CompiledProfile>> cache_;
};

}  // namespace sc::audit
