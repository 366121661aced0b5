// The kernel's AUDIT_SECCOMP (type 1326) record, parsed. The kernel writes (kernel/auditsc.c,
// audit_log_task + audit_seccomp):
//   audit(SEC.MSEC:SERIAL): auid=%u uid=%u gid=%u ses=%u [subj=%s] pid=%d comm=<str>
//   exe=<str> sig=%ld arch=%x syscall=%ld compat=%d ip=0x%lx code=0x%x
// where <str> is "quoted" when safe, else the bytes in upper-case hex without quotes (when
// they contain a space, a quote, a control or non-ASCII byte), or (null).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sc::audit {

inline constexpr int kAuditSeccompType = 1326;  // AUDIT_SECCOMP

struct SeccompRecord {
  int64_t timestamp_ns = 0;  // CLOCK_REALTIME from audit(SEC.MSEC:...), ms resolution; 0 if absent
  uint64_t serial = 0;       // the kernel's audit serial (same event = same serial)
  int32_t pid = 0;           // the thread group id
  int64_t auid = -1, uid = -1, gid = -1, ses = -1;  // as printed (unsigned; 4294967295 = unset)
  std::string subj;          // LSM context, "" when absent
  std::string comm;          // raw bytes (hex decoded)
  std::string exe;           // raw bytes (hex decoded); "(null)" for kernel threads
  int32_t sig = 0;
  uint32_t arch = 0;         // AUDIT_ARCH_*
  int32_t syscall = -1;
  bool compat = false;
  uint64_t ip = 0;
  uint32_t code = 0;         // SECCOMP_RET_* action with its data (errno) as the kernel printed it
};

// nullopt when the text is not a seccomp record (a required field is missing or malformed).
std::optional<SeccompRecord> parse_seccomp_record(std::string_view text);

// The seccomp action name for a record's code: "kill_process", "kill_thread", "trap",
// "errno", "user_notif", "trace", "log", "allow"; "unknown" otherwise.

}  // namespace sc::audit
