#include "runtimes/profile_match.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "isolator/launch/profile_source.h"
#include "isolator/profile/parser.h"
#include "isolator/profile/resolver.h"

namespace sc::runtimes {
namespace {

std::string action_text(const profile::Action& a) {
  return std::string(profile::action_name(a.kind)) + "/" + (a.data ? std::to_string(*a.data) : "-");
}

// What a resolved profile makes the kernel do, as one comparable string: the default action,
// the arches (sorted) and every rule that differs from the default (sorted).
std::string behaviour(const profile::ResolvedProfile& r) {
  std::string out = action_text(r.default_action) + "|";
  std::vector<uint32_t> arches = r.arches;
  std::sort(arches.begin(), arches.end());
  for (uint32_t a : arches) out += std::to_string(a) + ",";
  std::vector<std::string> rules;
  for (const auto& rule : r.rules) {
    if (rule.action == r.default_action) continue;
    std::string s = rule.name + "=" + action_text(rule.action);
    for (const auto& c : rule.args)
      s += ";" + std::to_string(c.index) + profile::op_name(c.op) + std::to_string(c.value) + ":" + std::to_string(c.value_two);
    rules.push_back(std::move(s));
  }
  std::sort(rules.begin(), rules.end());
  rules.erase(std::unique(rules.begin(), rules.end()), rules.end());
  for (const auto& s : rules) out += "|" + s;
  return out;
}

profile::ResolvedProfile resolve_for(const profile::Profile& p, const std::set<std::string>& caps, bool audit) {
  profile::ResolveContext context;
  context.capabilities = caps;
  context.audit = audit;
  // Both sides the same way; runc's ENOSYS stub is derived from the rules, so it cannot differ.
  context.new_syscalls = profile::NewSyscalls::ProfileDefault;
  return profile::resolve(p, context);
}
}  // namespace

std::optional<KnownProfile> known_profile_file(const std::string& path, const std::string& name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  std::string bytes = ss.str();
  KnownProfile k;
  k.path = std::filesystem::absolute(path).lexically_normal().string();
  k.name = name.empty() ? std::filesystem::path(path).stem().string() : name;
  k.sha256 = launch::sha256_hex(bytes);
  return k;
}

std::vector<KnownProfile> profiles_in(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().extension() == ".json" && e.is_regular_file(ec)) files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  std::vector<KnownProfile> out;
  for (const auto& f : files)
    if (auto k = known_profile_file(f)) out.push_back(std::move(*k));
  return out;
}

std::optional<ProfileMatch> match_profile(const profile::Profile& running, const std::set<std::string>& capabilities,
                                          bool audit, const std::vector<KnownProfile>& candidates,
                                          std::vector<std::string>* errors) {
  std::string wanted = behaviour(resolve_for(running, capabilities, false));
  for (const auto& c : candidates) {
    try {
      if (behaviour(resolve_for(profile::load_profile(c.path), capabilities, audit)) == wanted) return ProfileMatch{c, audit};
    } catch (const std::exception& e) {
      if (errors) errors->push_back(c.path + ": " + e.what());
    }
  }
  return std::nullopt;
}

}  // namespace sc::runtimes
