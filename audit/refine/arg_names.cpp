#include "audit/refine/arg_names.h"

#include <sstream>
#include <utility>
#include <vector>

namespace sc::refine {
namespace {

using Names = std::vector<std::pair<uint64_t, const char*>>;

// Values named as a whole (an enumeration: one name or none).
const Names& enumeration(ArgVocabulary v) {
  static const Names none;
  static const Names domains = {
      {0, "AF_UNSPEC"}, {1, "AF_UNIX"}, {2, "AF_INET"}, {3, "AF_AX25"}, {4, "AF_IPX"}, {5, "AF_APPLETALK"},
      {6, "AF_NETROM"}, {7, "AF_BRIDGE"}, {8, "AF_ATMPVC"}, {9, "AF_X25"}, {10, "AF_INET6"}, {11, "AF_ROSE"},
      {12, "AF_DECnet"}, {13, "AF_NETBEUI"}, {14, "AF_SECURITY"}, {15, "AF_KEY"}, {16, "AF_NETLINK"},
      {17, "AF_PACKET"}, {18, "AF_ASH"}, {19, "AF_ECONET"}, {20, "AF_ATMSVC"}, {21, "AF_RDS"}, {22, "AF_SNA"},
      {23, "AF_IRDA"}, {24, "AF_PPPOX"}, {25, "AF_WANPIPE"}, {26, "AF_LLC"}, {27, "AF_IB"}, {28, "AF_MPLS"},
      {29, "AF_CAN"}, {30, "AF_TIPC"}, {31, "AF_BLUETOOTH"}, {32, "AF_IUCV"}, {33, "AF_RXRPC"}, {34, "AF_ISDN"},
      {35, "AF_PHONET"}, {36, "AF_IEEE802154"}, {37, "AF_CAIF"}, {38, "AF_ALG"}, {39, "AF_NFC"}, {40, "AF_VSOCK"},
      {41, "AF_KCM"}, {42, "AF_QIPCRTR"}, {43, "AF_SMC"}, {44, "AF_XDP"}, {45, "AF_MCTP"}};
  static const Names syslog = {
      {0, "SYSLOG_ACTION_CLOSE"}, {1, "SYSLOG_ACTION_OPEN"}, {2, "SYSLOG_ACTION_READ"},
      {3, "SYSLOG_ACTION_READ_ALL"}, {4, "SYSLOG_ACTION_READ_CLEAR"}, {5, "SYSLOG_ACTION_CLEAR"},
      {6, "SYSLOG_ACTION_CONSOLE_OFF"}, {7, "SYSLOG_ACTION_CONSOLE_ON"}, {8, "SYSLOG_ACTION_CONSOLE_LEVEL"},
      {9, "SYSLOG_ACTION_SIZE_UNREAD"}, {10, "SYSLOG_ACTION_SIZE_BUFFER"}};
  static const Names prctl = {
      {1, "PR_SET_PDEATHSIG"}, {2, "PR_GET_PDEATHSIG"}, {3, "PR_GET_DUMPABLE"}, {4, "PR_SET_DUMPABLE"},
      {5, "PR_GET_UNALIGN"}, {6, "PR_SET_UNALIGN"}, {7, "PR_GET_KEEPCAPS"}, {8, "PR_SET_KEEPCAPS"},
      {9, "PR_GET_FPEMU"}, {10, "PR_SET_FPEMU"}, {11, "PR_GET_FPEXC"}, {12, "PR_SET_FPEXC"},
      {13, "PR_GET_TIMING"}, {14, "PR_SET_TIMING"}, {15, "PR_SET_NAME"}, {16, "PR_GET_NAME"},
      {19, "PR_GET_ENDIAN"}, {20, "PR_SET_ENDIAN"}, {21, "PR_GET_SECCOMP"}, {22, "PR_SET_SECCOMP"},
      {23, "PR_CAPBSET_READ"}, {24, "PR_CAPBSET_DROP"}, {25, "PR_GET_TSC"}, {26, "PR_SET_TSC"},
      {27, "PR_GET_SECUREBITS"}, {28, "PR_SET_SECUREBITS"}, {29, "PR_SET_TIMERSLACK"}, {30, "PR_GET_TIMERSLACK"},
      {31, "PR_TASK_PERF_EVENTS_DISABLE"}, {32, "PR_TASK_PERF_EVENTS_ENABLE"}, {33, "PR_MCE_KILL"},
      {34, "PR_MCE_KILL_GET"}, {35, "PR_SET_MM"}, {36, "PR_SET_CHILD_SUBREAPER"}, {37, "PR_GET_CHILD_SUBREAPER"},
      {38, "PR_SET_NO_NEW_PRIVS"}, {39, "PR_GET_NO_NEW_PRIVS"}, {40, "PR_GET_TID_ADDRESS"},
      {41, "PR_SET_THP_DISABLE"}, {42, "PR_GET_THP_DISABLE"}, {45, "PR_SET_FP_MODE"}, {46, "PR_GET_FP_MODE"},
      {47, "PR_CAP_AMBIENT"}, {52, "PR_GET_SPECULATION_CTRL"}, {53, "PR_SET_SPECULATION_CTRL"},
      {55, "PR_SET_TAGGED_ADDR_CTRL"}, {56, "PR_GET_TAGGED_ADDR_CTRL"}, {57, "PR_SET_IO_FLUSHER"},
      {58, "PR_GET_IO_FLUSHER"}, {59, "PR_SET_SYSCALL_USER_DISPATCH"}, {62, "PR_SCHED_CORE"},
      {65, "PR_SET_MDWE"}, {66, "PR_GET_MDWE"}, {0x53564d41, "PR_SET_VMA"}, {0x59616d61, "PR_SET_PTRACER"}};
  static const Names ioctl = {
      {0x5401, "TCGETS"}, {0x5402, "TCSETS"}, {0x5403, "TCSETSW"}, {0x5404, "TCSETSF"}, {0x540E, "TIOCSCTTY"},
      {0x540F, "TIOCGPGRP"}, {0x5410, "TIOCSPGRP"}, {0x5411, "TIOCOUTQ"}, {0x5412, "TIOCSTI"},
      {0x5413, "TIOCGWINSZ"}, {0x5414, "TIOCSWINSZ"}, {0x541B, "FIONREAD"}, {0x541C, "TIOCLINUX"},
      {0x5421, "FIONBIO"}, {0x5422, "TIOCNOTTY"}, {0x5441, "TIOCGPTPEER"}, {0x5450, "FIONCLEX"},
      {0x5451, "FIOCLEX"}, {0x8912, "SIOCGIFCONF"}, {0x8913, "SIOCGIFFLAGS"}, {0x8914, "SIOCSIFFLAGS"},
      {0x8933, "SIOCGIFINDEX"}, {0xb701, "NS_GET_USERNS"}, {0xb702, "NS_GET_PARENT"},
      {0x40045431, "TIOCSPTLCK"}, {0x40049409, "FICLONE"}, {0x80045430, "TIOCGPTN"},
      {0x80081272, "BLKGETSIZE64"}};
  static const Names fcntl = {
      {0, "F_DUPFD"}, {1, "F_GETFD"}, {2, "F_SETFD"}, {3, "F_GETFL"}, {4, "F_SETFL"}, {5, "F_GETLK"},
      {6, "F_SETLK"}, {7, "F_SETLKW"}, {8, "F_SETOWN"}, {9, "F_GETOWN"}, {10, "F_SETSIG"}, {11, "F_GETSIG"},
      {12, "F_GETLK64"}, {13, "F_SETLK64"}, {14, "F_SETLKW64"}, {15, "F_SETOWN_EX"}, {16, "F_GETOWN_EX"},
      {36, "F_OFD_GETLK"}, {37, "F_OFD_SETLK"}, {38, "F_OFD_SETLKW"}, {1024, "F_SETLEASE"},
      {1025, "F_GETLEASE"}, {1026, "F_NOTIFY"}, {1030, "F_DUPFD_CLOEXEC"}, {1031, "F_SETPIPE_SZ"},
      {1032, "F_GETPIPE_SZ"}, {1033, "F_ADD_SEALS"}, {1034, "F_GET_SEALS"}};
  static const Names keyctl = {
      {0, "KEYCTL_GET_KEYRING_ID"}, {1, "KEYCTL_JOIN_SESSION_KEYRING"}, {2, "KEYCTL_UPDATE"},
      {3, "KEYCTL_REVOKE"}, {4, "KEYCTL_CHOWN"}, {5, "KEYCTL_SETPERM"}, {6, "KEYCTL_DESCRIBE"},
      {7, "KEYCTL_CLEAR"}, {8, "KEYCTL_LINK"}, {9, "KEYCTL_UNLINK"}, {10, "KEYCTL_SEARCH"}, {11, "KEYCTL_READ"},
      {12, "KEYCTL_INSTANTIATE"}, {13, "KEYCTL_NEGATE"}, {14, "KEYCTL_SET_REQKEY_KEYRING"},
      {15, "KEYCTL_SET_TIMEOUT"}, {16, "KEYCTL_ASSUME_AUTHORITY"}, {17, "KEYCTL_GET_SECURITY"},
      {18, "KEYCTL_SESSION_TO_PARENT"}, {19, "KEYCTL_REJECT"}, {20, "KEYCTL_INSTANTIATE_IOV"},
      {21, "KEYCTL_INVALIDATE"}, {22, "KEYCTL_GET_PERSISTENT"}, {23, "KEYCTL_DH_COMPUTE"},
      {24, "KEYCTL_PKEY_QUERY"}, {25, "KEYCTL_PKEY_ENCRYPT"}, {26, "KEYCTL_PKEY_DECRYPT"},
      {27, "KEYCTL_PKEY_SIGN"}, {28, "KEYCTL_PKEY_VERIFY"}, {29, "KEYCTL_RESTRICT_KEYRING"},
      {30, "KEYCTL_MOVE"}, {31, "KEYCTL_CAPABILITIES"}, {32, "KEYCTL_WATCH_KEY"}};
  static const Names ptrace = {
      {0, "PTRACE_TRACEME"}, {1, "PTRACE_PEEKTEXT"}, {2, "PTRACE_PEEKDATA"}, {3, "PTRACE_PEEKUSER"},
      {4, "PTRACE_POKETEXT"}, {5, "PTRACE_POKEDATA"}, {6, "PTRACE_POKEUSER"}, {7, "PTRACE_CONT"},
      {8, "PTRACE_KILL"}, {9, "PTRACE_SINGLESTEP"}, {12, "PTRACE_GETREGS"}, {13, "PTRACE_SETREGS"},
      {14, "PTRACE_GETFPREGS"}, {15, "PTRACE_SETFPREGS"}, {16, "PTRACE_ATTACH"}, {17, "PTRACE_DETACH"},
      {24, "PTRACE_SYSCALL"}, {0x4200, "PTRACE_SETOPTIONS"}, {0x4201, "PTRACE_GETEVENTMSG"},
      {0x4202, "PTRACE_GETSIGINFO"}, {0x4203, "PTRACE_SETSIGINFO"}, {0x4204, "PTRACE_GETREGSET"},
      {0x4205, "PTRACE_SETREGSET"}, {0x4206, "PTRACE_SEIZE"}, {0x4207, "PTRACE_INTERRUPT"},
      {0x4208, "PTRACE_LISTEN"}, {0x4209, "PTRACE_PEEKSIGINFO"}, {0x420a, "PTRACE_GETSIGMASK"},
      {0x420b, "PTRACE_SETSIGMASK"}, {0x420c, "PTRACE_SECCOMP_GET_FILTER"},
      {0x420d, "PTRACE_SECCOMP_GET_METADATA"}, {0x420e, "PTRACE_GET_SYSCALL_INFO"}};
  static const Names bpf = {
      {0, "BPF_MAP_CREATE"}, {1, "BPF_MAP_LOOKUP_ELEM"}, {2, "BPF_MAP_UPDATE_ELEM"}, {3, "BPF_MAP_DELETE_ELEM"},
      {4, "BPF_MAP_GET_NEXT_KEY"}, {5, "BPF_PROG_LOAD"}, {6, "BPF_OBJ_PIN"}, {7, "BPF_OBJ_GET"},
      {8, "BPF_PROG_ATTACH"}, {9, "BPF_PROG_DETACH"}, {10, "BPF_PROG_TEST_RUN"}, {11, "BPF_PROG_GET_NEXT_ID"},
      {12, "BPF_MAP_GET_NEXT_ID"}, {13, "BPF_PROG_GET_FD_BY_ID"}, {14, "BPF_MAP_GET_FD_BY_ID"},
      {15, "BPF_OBJ_GET_INFO_BY_FD"}, {16, "BPF_PROG_QUERY"}, {17, "BPF_RAW_TRACEPOINT_OPEN"},
      {18, "BPF_BTF_LOAD"}, {19, "BPF_BTF_GET_FD_BY_ID"}, {20, "BPF_TASK_FD_QUERY"},
      {21, "BPF_MAP_LOOKUP_AND_DELETE_ELEM"}, {22, "BPF_MAP_FREEZE"}, {23, "BPF_BTF_GET_NEXT_ID"},
      {24, "BPF_MAP_LOOKUP_BATCH"}, {25, "BPF_MAP_LOOKUP_AND_DELETE_BATCH"}, {26, "BPF_MAP_UPDATE_BATCH"},
      {27, "BPF_MAP_DELETE_BATCH"}, {28, "BPF_LINK_CREATE"}, {29, "BPF_LINK_UPDATE"},
      {30, "BPF_LINK_GET_FD_BY_ID"}, {31, "BPF_LINK_GET_NEXT_ID"}, {32, "BPF_ENABLE_STATS"},
      {33, "BPF_ITER_CREATE"}, {34, "BPF_LINK_DETACH"}, {35, "BPF_PROG_BIND_MAP"}, {36, "BPF_TOKEN_CREATE"}};
  switch (v) {
    case ArgVocabulary::SocketDomain: return domains;
    case ArgVocabulary::SyslogAction: return syslog;
    case ArgVocabulary::PrctlOption: return prctl;
    case ArgVocabulary::IoctlRequest: return ioctl;
    case ArgVocabulary::FcntlCmd: return fcntl;
    case ArgVocabulary::KeyctlOp: return keyctl;
    case ArgVocabulary::PtraceRequest: return ptrace;
    case ArgVocabulary::BpfCmd: return bpf;
    default: return none;
  }
}

// Single-bit flags, in the order they are printed.
const Names& bits(ArgVocabulary v) {
  static const Names none;
  static const Names persona = {
      {0x0020000, "UNAME26"}, {0x0040000, "ADDR_NO_RANDOMIZE"}, {0x0080000, "FDPIC_FUNCPTRS"},
      {0x0100000, "MMAP_PAGE_ZERO"}, {0x0200000, "ADDR_COMPAT_LAYOUT"}, {0x0400000, "READ_IMPLIES_EXEC"},
      {0x0800000, "ADDR_LIMIT_32BIT"}, {0x1000000, "SHORT_INODE"}, {0x2000000, "WHOLE_SECONDS"},
      {0x4000000, "STICKY_TIMEOUTS"}, {0x8000000, "ADDR_LIMIT_3GB"}};
  // The CLONE_* bits common to clone, unshare and setns (above the low byte).
  static const Names clone = {
      {0x100, "CLONE_VM"}, {0x200, "CLONE_FS"}, {0x400, "CLONE_FILES"}, {0x800, "CLONE_SIGHAND"},
      {0x1000, "CLONE_PIDFD"}, {0x2000, "CLONE_PTRACE"}, {0x4000, "CLONE_VFORK"}, {0x8000, "CLONE_PARENT"},
      {0x10000, "CLONE_THREAD"}, {0x20000, "CLONE_NEWNS"}, {0x40000, "CLONE_SYSVSEM"},
      {0x80000, "CLONE_SETTLS"}, {0x100000, "CLONE_PARENT_SETTID"}, {0x200000, "CLONE_CHILD_CLEARTID"},
      {0x400000, "CLONE_DETACHED"}, {0x800000, "CLONE_UNTRACED"}, {0x1000000, "CLONE_CHILD_SETTID"},
      {0x2000000, "CLONE_NEWCGROUP"}, {0x4000000, "CLONE_NEWUTS"}, {0x8000000, "CLONE_NEWIPC"},
      {0x10000000, "CLONE_NEWUSER"}, {0x20000000, "CLONE_NEWPID"}, {0x40000000, "CLONE_NEWNET"},
      {0x80000000, "CLONE_IO"}};
  static const Names socket_type = {{0x800, "SOCK_NONBLOCK"}, {0x80000, "SOCK_CLOEXEC"}};
  static const Names prot = {{0x1, "PROT_READ"}, {0x2, "PROT_WRITE"}, {0x4, "PROT_EXEC"}, {0x8, "PROT_SEM"},
                             {0x01000000, "PROT_GROWSDOWN"}, {0x02000000, "PROT_GROWSUP"}};
  static const Names mmap = {
      {0x1, "MAP_SHARED"}, {0x2, "MAP_PRIVATE"}, {0x10, "MAP_FIXED"}, {0x20, "MAP_ANONYMOUS"},
      {0x40, "MAP_32BIT"}, {0x100, "MAP_GROWSDOWN"}, {0x800, "MAP_DENYWRITE"}, {0x1000, "MAP_EXECUTABLE"},
      {0x2000, "MAP_LOCKED"}, {0x4000, "MAP_NORESERVE"}, {0x8000, "MAP_POPULATE"}, {0x10000, "MAP_NONBLOCK"},
      {0x20000, "MAP_STACK"}, {0x40000, "MAP_HUGETLB"}, {0x80000, "MAP_SYNC"}, {0x100000, "MAP_FIXED_NOREPLACE"}};
  static const Names mount = {
      {0x1, "MS_RDONLY"}, {0x2, "MS_NOSUID"}, {0x4, "MS_NODEV"}, {0x8, "MS_NOEXEC"}, {0x10, "MS_SYNCHRONOUS"},
      {0x20, "MS_REMOUNT"}, {0x40, "MS_MANDLOCK"}, {0x80, "MS_DIRSYNC"}, {0x100, "MS_NOSYMFOLLOW"},
      {0x400, "MS_NOATIME"}, {0x800, "MS_NODIRATIME"}, {0x1000, "MS_BIND"}, {0x2000, "MS_MOVE"},
      {0x4000, "MS_REC"}, {0x8000, "MS_SILENT"}, {0x10000, "MS_POSIXACL"}, {0x20000, "MS_UNBINDABLE"},
      {0x40000, "MS_PRIVATE"}, {0x80000, "MS_SLAVE"}, {0x100000, "MS_SHARED"}, {0x200000, "MS_RELATIME"},
      {0x400000, "MS_KERNMOUNT"}, {0x800000, "MS_I_VERSION"}, {0x1000000, "MS_STRICTATIME"},
      {0x2000000, "MS_LAZYTIME"}};
  switch (v) {
    case ArgVocabulary::Persona: return persona;
    case ArgVocabulary::CloneFlags:
    case ArgVocabulary::NamespaceFlags: return clone;
    case ArgVocabulary::SocketType: return socket_type;
    case ArgVocabulary::Prot: return prot;
    case ArgVocabulary::MmapFlags: return mmap;
    case ArgVocabulary::MountFlags: return mount;
    default: return none;
  }
}

// The part of a flag word that is an enumeration, not bits (persona type, socket type,
// clone's exit signal), named, and the mask it occupies.
std::pair<uint64_t, std::string> enumerated_part(ArgVocabulary v, uint64_t value) {
  static const Names per = {{0x00, "PER_LINUX"}, {0x01, "PER_SVR4"}, {0x02, "PER_SVR3"}, {0x03, "PER_SCOSVR3"},
                            {0x04, "PER_WYSEV386"}, {0x05, "PER_ISCR4"}, {0x06, "PER_BSD"}, {0x07, "PER_XENIX"},
                            {0x08, "PER_LINUX32"}, {0x09, "PER_IRIX32"}, {0x0a, "PER_IRIXN32"},
                            {0x0b, "PER_IRIX64"}, {0x0c, "PER_RISCOS"}, {0x0d, "PER_SOLARIS"}, {0x0e, "PER_UW7"},
                            {0x0f, "PER_OSF4"}, {0x10, "PER_HPUX"}};
  static const Names types = {{1, "SOCK_STREAM"}, {2, "SOCK_DGRAM"}, {3, "SOCK_RAW"}, {4, "SOCK_RDM"},
                              {5, "SOCK_SEQPACKET"}, {6, "SOCK_DCCP"}, {10, "SOCK_PACKET"}};
  static const Names signals = {{1, "SIGHUP"}, {2, "SIGINT"}, {9, "SIGKILL"}, {10, "SIGUSR1"}, {12, "SIGUSR2"},
                                {15, "SIGTERM"}, {17, "SIGCHLD"}};
  auto lookup = [&](const Names& names, uint64_t part) -> std::string {
    for (const auto& [n, name] : names)
      if (n == part) return name;
    return "";
  };
  switch (v) {
    case ArgVocabulary::Persona: {
      // PER_LINUX (0) is named only when nothing else is: "ADDR_NO_RANDOMIZE" reads better
      // than "PER_LINUX|ADDR_NO_RANDOMIZE" and means the same.
      uint64_t type = value & 0xff;
      return {0xff, type == 0 && value != 0 ? "" : lookup(per, type)};
    }
    case ArgVocabulary::SocketType: return {0xf, lookup(types, value & 0xf)};
    case ArgVocabulary::CloneFlags: {
      uint64_t sig = value & 0xff;
      return {0xff, sig == 0 ? "" : lookup(signals, sig)};
    }
    case ArgVocabulary::NamespaceFlags:
      return {0x80, (value & 0x80) ? "CLONE_NEWTIME" : ""};
    default: return {0, ""};
  }
}

}  // namespace

std::string hex_value(uint64_t value) {
  std::ostringstream ss;
  ss << "0x" << std::hex << value;
  return ss.str();
}

std::string symbolic_value(ArgVocabulary vocabulary, uint64_t value) {
  std::string text = hex_value(value);
  if (vocabulary == ArgVocabulary::None) return text;
  if (vocabulary == ArgVocabulary::Persona && value == 0xffffffff) return text + " (query only)";
  for (const auto& [n, name] : enumeration(vocabulary))
    if (n == value) return text + " (" + name + ")";
  const Names& flags = bits(vocabulary);
  if (flags.empty()) return text;  // an enumeration without a name for this value
  std::vector<std::string> parts;
  auto [mask, enum_name] = enumerated_part(vocabulary, value);
  uint64_t rest = value;
  if (!enum_name.empty()) {
    parts.push_back(enum_name);
    rest &= ~mask;
  } else if ((value & mask) == 0) {
    rest &= ~mask;
  }
  for (const auto& [bit, name] : flags)
    if (rest & bit) {
      parts.push_back(name);
      rest &= ~bit;
    }
  if (rest) parts.push_back(hex_value(rest));  // bits nobody named, shown as they are
  if (parts.empty()) {
    if (value == 0 && vocabulary == ArgVocabulary::Prot) return text + " (PROT_NONE)";
    return text;
  }
  std::string joined;
  for (const auto& p : parts) joined += (joined.empty() ? "" : "|") + p;
  return text + " (" + joined + ")";
}

}  // namespace sc::refine
