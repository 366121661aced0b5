// Names of actions and operators, verdict words, kernel versions: the small vocabulary of
// the profile model (profile.h).
#include <cstdio>
#include <cstdlib>

#include "isolator/profile/profile.h"

namespace sc::profile {

namespace {
struct ActionNameEntry {
  const char* name;
  ActionKind kind;
};
constexpr ActionNameEntry kActionNames[] = {
    {"SCMP_ACT_ALLOW", ActionKind::Allow},
    {"SCMP_ACT_ERRNO", ActionKind::Errno},
    {"SCMP_ACT_KILL", ActionKind::Kill},
    {"SCMP_ACT_KILL_THREAD", ActionKind::KillThread},
    {"SCMP_ACT_KILL_PROCESS", ActionKind::KillProcess},
    {"SCMP_ACT_TRAP", ActionKind::Trap},
    {"SCMP_ACT_TRACE", ActionKind::Trace},
    {"SCMP_ACT_LOG", ActionKind::Log},
    {"SCMP_ACT_NOTIFY", ActionKind::Notify},
};

struct OpNameEntry {
  const char* name;
  CmpOp op;
};
constexpr OpNameEntry kOpNames[] = {
    {"SCMP_CMP_NE", CmpOp::NotEqual},      {"SCMP_CMP_LT", CmpOp::LessThan},
    {"SCMP_CMP_LE", CmpOp::LessEqual},     {"SCMP_CMP_EQ", CmpOp::Equal},
    {"SCMP_CMP_GE", CmpOp::GreaterEqual},  {"SCMP_CMP_GT", CmpOp::GreaterThan},
    {"SCMP_CMP_MASKED_EQ", CmpOp::MaskedEqual},
};
}  // namespace

std::optional<ActionKind> action_from_name(const std::string& name) {
  for (const auto& entry : kActionNames)
    if (name == entry.name) return entry.kind;
  return std::nullopt;
}

const char* action_name(ActionKind kind) {
  for (const auto& entry : kActionNames)
    if (entry.kind == kind) return entry.name;
  return "SCMP_ACT_UNKNOWN";
}

const char* action_verdict(ActionKind kind) {
  switch (kind) {
    case ActionKind::Allow: return "allow";
    case ActionKind::Errno: return "errno";
    case ActionKind::Kill:
    case ActionKind::KillThread: return "kill_thread";
    case ActionKind::KillProcess: return "kill_process";
    case ActionKind::Trap: return "trap";
    case ActionKind::Trace: return "trace";
    case ActionKind::Log: return "log";
    case ActionKind::Notify: return "user_notif";
  }
  return "unknown";
}

std::string describe(const Action& action) {
  switch (action.kind) {
    case ActionKind::Allow: return "ALLOW";
    case ActionKind::Errno: return "ERRNO(" + std::to_string(action.data.value_or(1)) + ")";
    case ActionKind::Kill:
    case ActionKind::KillThread: return "KILL_THREAD";
    case ActionKind::KillProcess: return "KILL_PROCESS";
    case ActionKind::Trap: return "TRAP";
    case ActionKind::Trace: return "TRACE(" + std::to_string(action.data.value_or(1)) + ")";
    case ActionKind::Log: return "LOG";
    case ActionKind::Notify: return "USER_NOTIF";
  }
  return "UNKNOWN";
}

std::optional<CmpOp> op_from_name(const std::string& name) {
  for (const auto& entry : kOpNames)
    if (name == entry.name) return entry.op;
  return std::nullopt;
}

const char* op_name(CmpOp op) {
  for (const auto& entry : kOpNames)
    if (entry.op == op) return entry.name;
  return "SCMP_CMP_UNKNOWN";
}

std::optional<KernelVersion> parse_kernel_version(const std::string& text) {
  // "5.10", "5.10.3", "6.1.0-13-amd64": major.minor must be digits; the rest is ignored.
  size_t pos = 0;
  auto number = [&](unsigned& out) {
    size_t start = pos;
    unsigned long value = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      value = value * 10 + static_cast<unsigned>(text[pos] - '0');
      if (value > 1000000) return false;
      ++pos;
    }
    out = static_cast<unsigned>(value);
    return pos > start;
  };
  KernelVersion version;
  if (!number(version.major)) return std::nullopt;
  if (pos >= text.size() || text[pos] != '.') return std::nullopt;
  ++pos;
  if (!number(version.minor)) return std::nullopt;
  if (pos < text.size() && text[pos] != '.' && text[pos] != '-' && text[pos] != '+' &&
      text[pos] != '_')
    return std::nullopt;
  return version;
}

}  // namespace sc::profile
