// Symbolic names of raw syscall argument values, for the people reading a patch or a report:
// "0x40000 (ADDR_NO_RANDOMIZE)", "0x10000011 (CLONE_NEWUSER|SIGCHLD)". The numbers are the
// Linux UAPI values (x86 family); a value or bit nobody named is shown as a hex remainder, so
// the text never hides part of what was recorded.
#pragma once

#include <cstdint>
#include <string>

namespace sc::refine {

// Which vocabulary an argument position speaks.
enum class ArgVocabulary {
  None,           // plain number: hex only
  Persona,        // personality(2): PER_* in the low byte, flag bits above, 0xffffffff = query
  CloneFlags,     // clone: CLONE_* bits; the low byte is the exit signal (SIGCHLD = 0x11)
  NamespaceFlags, // unshare/setns: CLONE_* bits; 0x80 is CLONE_NEWTIME here
  SocketDomain,   // AF_*
  SocketType,     // SOCK_* in the low 4 bits, SOCK_NONBLOCK/SOCK_CLOEXEC above
  SyslogAction,   // SYSLOG_ACTION_*
  PrctlOption,    // PR_*
  IoctlRequest,   // TCGETS, FIONREAD, ...
  FcntlCmd,       // F_*
  Prot,           // PROT_*
  MmapFlags,      // MAP_*
  MountFlags,     // MS_*
  KeyctlOp,       // KEYCTL_*
  PtraceRequest,  // PTRACE_*
  BpfCmd,         // BPF_*
};

// "0x40000 (ADDR_NO_RANDOMIZE)"; "0x0" alone when the vocabulary has no name for it.
std::string symbolic_value(ArgVocabulary vocabulary, uint64_t value);

// "0x40000" — the hex form every display shares.
std::string hex_value(uint64_t value);

}  // namespace sc::refine
