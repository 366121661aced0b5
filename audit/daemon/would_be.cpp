#include "audit/daemon/would_be.h"

#include <set>

#include <spdlog/spdlog.h>

#include "audit/oracle/compiled_profile.h"
#include "isolator/profile/parser.h"
#include "isolator/profile/resolver.h"

namespace sc::audit {

std::optional<common::Action> WouldBe::verdict(const std::string& profile_path, const std::string& profile_sha256,
                             const std::vector<std::string>& capabilities, uint32_t audit_arch, int32_t nr,
                             const uint64_t* args) {
  if (profile_path.empty()) return std::nullopt;
  std::set<std::string> caps(capabilities.begin(), capabilities.end());
  std::string caps_key;
  for (const auto& c : caps) caps_key += c + ",";
  auto key = std::make_pair(profile_sha256.empty() ? profile_path : profile_sha256, caps_key);
  auto it = cache_.find(key);
  if (it == cache_.end()) {
    std::shared_ptr<const CompiledProfile> program;
    try {
      profile::ResolveContext ctx;
      ctx.capabilities = caps;
      ctx.audit = false;  // the enforcing profile
      program = compile_profile(profile::load_profile(profile_path), ctx);
    } catch (const std::exception& e) {
      spdlog::warn("would-be action: profile {} cannot be compiled ({}); would_be_action left empty",
                   profile_path, e.what());
    }
    it = cache_.emplace(key, std::move(program)).first;
  }
  if (!it->second) return std::nullopt;
  const uint64_t zeros[6] = {};
  try {
    return verdict_of(verdict_ret(*it->second, audit_arch, nr, args ? args : zeros)).action;
  } catch (const std::exception& e) {
    spdlog::warn("would-be action: evaluating {} nr {}: {}", profile_path, nr, e.what());
    return std::nullopt;
  }
}

}  // namespace sc::audit
