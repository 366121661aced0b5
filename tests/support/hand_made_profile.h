// One hand-made profile with argument-checked and capability-dependent rules, which the
// would-be tests of the daemon (tests/audit/would_be_test.cpp) and of refine
// (tests/refine/assess_test.cpp) both judge calls against. Their expectations are literals
// read off this text, so a change here is a change to both tables.
//
// defaultAction ERRNO(1); getpid allowed; socket allowed for AF_UNIX, and for AF_INET only
// with SOCK_STREAM; kill with SIGKILL kills the process; mount allowed with CAP_SYS_ADMIN,
// chroot allowed without it; getppid logged; uname traced; x86 as x86_64's sub-architecture.
#pragma once

namespace sc::testing {

inline constexpr const char* kHandMadeProfile = R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
  "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86"]}],
  "syscalls": [
    {"names": ["getpid"], "action": "SCMP_ACT_ALLOW"},
    {"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]},
    {"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 2, "op": "SCMP_CMP_EQ"},
                                                               {"index": 1, "value": 1, "op": "SCMP_CMP_EQ"}]},
    {"names": ["kill"], "action": "SCMP_ACT_KILL_PROCESS", "args": [{"index": 1, "value": 9, "op": "SCMP_CMP_EQ"}]},
    {"names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
    {"names": ["chroot"], "action": "SCMP_ACT_ALLOW", "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
    {"names": ["getppid"], "action": "SCMP_ACT_LOG"},
    {"names": ["uname"], "action": "SCMP_ACT_TRACE"}
  ]})";

}  // namespace sc::testing
