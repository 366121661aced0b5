#include "audit/daemon/would_be.h"

#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>

#include "isolator/compiler/action_codes.h"
#include "isolator/compiler/evaluator.h"
#include "isolator/compiler/filter.h"
#include "isolator/profile/parser.h"
#include "isolator/profile/resolver.h"

namespace sc::audit {

std::string WouldBe::verdict(const std::string& profile_path, const std::string& profile_sha256,
                             const std::vector<std::string>& capabilities, uint32_t audit_arch, int32_t nr,
                             const uint64_t* args) {
  if (profile_path.empty()) return "";
  std::set<std::string> caps(capabilities.begin(), capabilities.end());
  std::string caps_key;
  for (const auto& c : caps) caps_key += c + ",";
  auto key = std::make_pair(profile_sha256.empty() ? profile_path : profile_sha256, caps_key);
  auto it = cache_.find(key);
  if (it == cache_.end()) {
    std::optional<std::vector<sock_filter>> program;
    try {
      profile::Profile p = profile::load_profile(profile_path);
      profile::ResolveContext ctx;
      ctx.capabilities = caps;
      ctx.audit = false;  // the enforcing profile
      profile::ResolvedProfile resolved = profile::resolve(p, ctx);
      compiler::CompileOptions options;
      program = compiler::Filter(resolved, options).bpf();
    } catch (const std::exception& e) {
      spdlog::warn("would-be action: profile {} cannot be compiled ({}); would_be_action left empty",
                   profile_path, e.what());
    }
    it = cache_.emplace(key, std::move(program)).first;
  }
  if (!it->second) return "";
  compiler::SyscallData data;
  data.nr = nr;
  data.arch = audit_arch;
  if (args) std::copy(args, args + 6, data.args);
  try {
    uint32_t ret = compiler::evaluate(*it->second, data).ret;
    return profile::action_verdict(compiler::action_of_ret(ret).kind);
  } catch (const std::exception& e) {
    spdlog::warn("would-be action: evaluating {} nr {}: {}", profile_path, nr, e.what());
    return "";
  }
}

}  // namespace sc::audit
