// The seccomp profile model: what a Docker/moby-format or Mesos-era profile says, before it
// is resolved for one container. Parsing lives in parser.h, resolution in resolver.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sc::profile {

// The actions a profile can name. `Kill` is the historical SCMP_ACT_KILL, which libseccomp
// and the kernel treat as KILL_THREAD; it is kept distinct so it round-trips.
enum class ActionKind { Allow, Errno, Kill, KillThread, KillProcess, Trap, Trace, Log, Notify };

struct Action {
  ActionKind kind = ActionKind::Allow;
  // ERRNO: the errno returned (EPERM when the profile gives none); TRACE: the msg data.
  std::optional<uint32_t> data;

  bool operator==(const Action&) const = default;
};

// "SCMP_ACT_ERRNO" etc. -> kind; nullopt when unknown.
std::optional<ActionKind> action_from_name(const std::string& name);
// kind -> "SCMP_ACT_ERRNO"
const char* action_name(ActionKind kind);
// kind -> lower-case verdict word used in events/metrics: "allow", "errno", "kill_thread"
// (for both Kill and KillThread), "kill_process", "trap", "trace", "log", "user_notif".
const char* action_verdict(ActionKind kind);
// "ERRNO(1)", "ALLOW", "KILL_PROCESS", "LOG", "TRACE(5)": how `explain` prints a verdict.
std::string describe(const Action& action);

enum class CmpOp { NotEqual, LessThan, LessEqual, Equal, GreaterEqual, GreaterThan, MaskedEqual };
std::optional<CmpOp> op_from_name(const std::string& name);  // "SCMP_CMP_EQ" -> Equal
const char* op_name(CmpOp op);                                // Equal -> "SCMP_CMP_EQ"

struct ArgCondition {
  unsigned index = 0;       // 0..5
  uint64_t value = 0;       // for MASKED_EQ: the mask
  uint64_t value_two = 0;   // for MASKED_EQ: the datum
  CmpOp op = CmpOp::Equal;
  bool operator==(const ArgCondition&) const = default;
};

struct KernelVersion {
  unsigned major = 0, minor = 0;
  auto operator<=>(const KernelVersion&) const = default;
};
// "5.10" or "5.10.3-foo" -> {5,10}; nullopt when unparsable.
std::optional<KernelVersion> parse_kernel_version(const std::string& text);

// includes / excludes of a syscall rule.
struct Condition {
  std::vector<std::string> arches;  // Docker/Mesos short names: "amd64", "x86", "arm64", ...
  std::vector<std::string> caps;    // "CAP_SYS_ADMIN"
  std::optional<KernelVersion> min_kernel;
  bool empty() const { return arches.empty() && caps.empty() && !min_kernel; }
};

struct SyscallRule {
  std::vector<std::string> names;   // `names`, or the single `name`
  Action action;                    // errnoRet already folded into action.data
  std::vector<ArgCondition> args;
  Condition includes;
  Condition excludes;
  std::string comment;
  std::string json_path;            // "syscalls[3]": where the rule came from, for messages
};

struct ArchEntry {
  std::string architecture;                 // "SCMP_ARCH_X86_64"
  std::vector<std::string> sub_architectures;
};

struct Profile {
  Action default_action;            // defaultErrnoRet already folded into data
  std::vector<ArchEntry> arch_map;
  std::vector<std::string> architectures;   // modern top-level list of SCMP_ARCH_*
  std::vector<std::string> flags;           // SECCOMP_FILTER_FLAG_* names
  std::string listener_path;
  std::string listener_metadata;
  std::vector<SyscallRule> syscalls;
};

}  // namespace sc::profile
