#include "bench/runtimes/oci_seccomp.h"

#include <seccomp.h>

#include <stdexcept>

namespace sc::bench {
namespace {

std::string arch_name(uint32_t token) {
  struct Entry { uint32_t token; const char* name; };
  static const Entry kArches[] = {
      {SCMP_ARCH_X86, "SCMP_ARCH_X86"},          {SCMP_ARCH_X86_64, "SCMP_ARCH_X86_64"},
      {SCMP_ARCH_X32, "SCMP_ARCH_X32"},          {SCMP_ARCH_ARM, "SCMP_ARCH_ARM"},
      {SCMP_ARCH_AARCH64, "SCMP_ARCH_AARCH64"},  {SCMP_ARCH_MIPS, "SCMP_ARCH_MIPS"},
      {SCMP_ARCH_MIPS64, "SCMP_ARCH_MIPS64"},    {SCMP_ARCH_MIPS64N32, "SCMP_ARCH_MIPS64N32"},
      {SCMP_ARCH_MIPSEL, "SCMP_ARCH_MIPSEL"},    {SCMP_ARCH_MIPSEL64, "SCMP_ARCH_MIPSEL64"},
      {SCMP_ARCH_MIPSEL64N32, "SCMP_ARCH_MIPSEL64N32"},
      {SCMP_ARCH_PPC, "SCMP_ARCH_PPC"},          {SCMP_ARCH_PPC64, "SCMP_ARCH_PPC64"},
      {SCMP_ARCH_PPC64LE, "SCMP_ARCH_PPC64LE"},  {SCMP_ARCH_S390, "SCMP_ARCH_S390"},
      {SCMP_ARCH_S390X, "SCMP_ARCH_S390X"},      {SCMP_ARCH_RISCV64, "SCMP_ARCH_RISCV64"},
  };
  if (token == 0) token = seccomp_arch_native();
  for (const auto& e : kArches)
    if (e.token == token) return e.name;
  throw std::invalid_argument("architecture token " + std::to_string(token) +
                              " has no OCI name");
}

// Sets "action" (and "errnoRet" where the action carries data, as runc reads it).
void put_action(nlohmann::json& object, const profile::Action& action, const char* action_key,
                const char* errno_key) {
  if (action.kind == profile::ActionKind::Notify)
    throw std::invalid_argument("SCMP_ACT_NOTIFY needs a listener; not benchmarked");
  object[action_key] = profile::action_name(action.kind);
  bool carries_data = action.kind == profile::ActionKind::Errno ||
                      action.kind == profile::ActionKind::Trace;
  if (carries_data && action.data) object[errno_key] = *action.data;
}

}  // namespace

nlohmann::json oci_seccomp(const profile::ResolvedProfile& resolved) {
  nlohmann::json seccomp = nlohmann::json::object();
  put_action(seccomp, resolved.default_action, "defaultAction", "defaultErrnoRet");
  seccomp["architectures"] = nlohmann::json::array();
  for (uint32_t arch : resolved.arches) seccomp["architectures"].push_back(arch_name(arch));
  // No SECCOMP_FILTER_FLAG_LOG: runc and crun, like dockerd, do not ask for it.
  nlohmann::json syscalls = nlohmann::json::array();
  for (const auto& rule : resolved.rules) {
    nlohmann::json entry;
    entry["names"] = nlohmann::json::array({rule.name});
    put_action(entry, rule.action, "action", "errnoRet");
    if (!rule.args.empty()) {
      entry["args"] = nlohmann::json::array();
      for (const auto& arg : rule.args)
        entry["args"].push_back({{"index", arg.index},
                                 {"value", arg.value},
                                 {"valueTwo", arg.value_two},
                                 {"op", profile::op_name(arg.op)}});
    }
    syscalls.push_back(std::move(entry));
  }
  seccomp["syscalls"] = std::move(syscalls);
  return seccomp;
}

const std::set<std::string>& docker_default_capabilities() {
  static const std::set<std::string> kCaps = {
      "CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FSETID",     "CAP_FOWNER",
      "CAP_MKNOD",  "CAP_NET_RAW",      "CAP_SETGID",     "CAP_SETUID",
      "CAP_SETFCAP", "CAP_SETPCAP",     "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
      "CAP_KILL",   "CAP_AUDIT_WRITE"};
  return kCaps;
}

}  // namespace sc::bench
