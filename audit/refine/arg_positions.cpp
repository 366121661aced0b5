#include "audit/refine/arg_positions.h"

#include <map>

namespace sc::refine {
namespace {

using V = ArgVocabulary;
using K = ArgKind;

// The CLONE_NEW* bits Docker's own clone rule pins (0x7e020000: NEWNS, NEWCGROUP, NEWUTS,
// NEWIPC, NEWUSER, NEWPID, NEWNET). In clone(2) the low byte is the exit signal, not a flag.
constexpr uint64_t kCloneNamespaceBits = 0x7e020000;
// unshare/setns take CLONE_NEWTIME (0x80) too: there the low byte is flags.
constexpr uint64_t kNamespaceBits = kCloneNamespaceBits | 0x80;
// PROT_READ|PROT_WRITE|PROT_EXEC: what W^X policy is about; PROT_SEM/GROWS* stay free.
constexpr uint64_t kProtBits = 0x7;

ArgPosition value(unsigned i, const char* name, V v = V::None) { return {i, name, K::Value, v, 0, 0, {}}; }
ArgPosition flags(unsigned i, const char* name, V v, uint64_t guard) { return {i, name, K::FlagWord, v, guard, 0, {}}; }
ArgPosition pointer(unsigned i, const char* name) { return {i, name, K::Pointer, V::None, 0, 0, {}}; }
ArgPosition ignored(unsigned i, const char* name) { return {i, name, K::Ignored, V::None, 0, 0, {}}; }

using Table = std::map<std::string, ArgLayout>;

// The layouts shared by x86_64, x32 and (unless overridden) x86.
Table common() {
  Table t;
  auto add = [&](const std::string& name, std::vector<ArgPosition> p, std::string note = "") {
    t[name] = ArgLayout{name, std::move(p), std::move(note)};
  };
  add("personality", {value(0, "persona", V::Persona)});
  add("clone", {flags(0, "flags", V::CloneFlags, kCloneNamespaceBits), pointer(1, "newsp"), pointer(2, "parent_tid"),
                pointer(3, "child_tid"), pointer(4, "tls")},
      "clone's flags are pinned on the CLONE_NEW* bits only (Docker's own clone rule): the other bits "
      "(thread creation, the exit signal) stay free");
  add("clone3", {pointer(0, "cl_args"), ignored(1, "size")},
      "clone3 passes its flags in memory (struct clone_args): seccomp cannot see them");
  add("unshare", {flags(0, "flags", V::NamespaceFlags, kNamespaceBits)},
      "unshare's flags are pinned on the CLONE_NEW* bits: CLONE_FS/FILES/SYSVSEM stay free");
  add("setns", {ignored(0, "fd"), flags(1, "nstype", V::NamespaceFlags, kNamespaceBits)});
  add("syslog", {value(0, "type", V::SyslogAction), pointer(1, "buf"), ignored(2, "len")});
  add("socket", {value(0, "domain", V::SocketDomain), flags(1, "type", V::SocketType, 0xf), value(2, "protocol")},
      "socket's type is pinned on the SOCK_* type (low 4 bits): SOCK_NONBLOCK/SOCK_CLOEXEC stay free");
  add("socketpair", {value(0, "domain", V::SocketDomain), flags(1, "type", V::SocketType, 0xf), value(2, "protocol"),
                     pointer(3, "sv")});
  add("ioctl", {ignored(0, "fd"), value(1, "request", V::IoctlRequest), pointer(2, "arg")});
  // prctl's arg2 is a plain number for these options only (elsewhere a pointer or unused).
  ArgPosition arg2 = value(1, "arg2");
  arg2.when_index = 0;
  arg2.when_values = {1 /*PDEATHSIG*/, 4 /*DUMPABLE*/, 8 /*KEEPCAPS*/, 23 /*CAPBSET_READ*/, 24 /*CAPBSET_DROP*/,
                      28 /*SECUREBITS*/, 36 /*CHILD_SUBREAPER*/, 38 /*NO_NEW_PRIVS*/, 41 /*THP_DISABLE*/,
                      47 /*CAP_AMBIENT*/, 57 /*IO_FLUSHER*/};
  add("prctl", {value(0, "option", V::PrctlOption), arg2, ignored(2, "arg3"), ignored(3, "arg4"), ignored(4, "arg5")},
      "prctl's arg2 is conditioned only for options where it is a plain number (PR_CAPBSET_READ, "
      "PR_SET_DUMPABLE, ...)");
  add("fcntl", {ignored(0, "fd"), value(1, "cmd", V::FcntlCmd), ignored(2, "arg")});
  add("mmap", {pointer(0, "addr"), ignored(1, "length"), flags(2, "prot", V::Prot, kProtBits),
               ignored(3, "flags"), ignored(4, "fd"), ignored(5, "offset")},
      "mmap's prot is pinned on PROT_READ/WRITE/EXEC; its flags vary with the allocator and stay free");
  add("mprotect", {pointer(0, "addr"), ignored(1, "len"), flags(2, "prot", V::Prot, kProtBits)});
  add("pkey_mprotect", {pointer(0, "addr"), ignored(1, "len"), flags(2, "prot", V::Prot, kProtBits), ignored(3, "pkey")});
  add("keyctl", {value(0, "option", V::KeyctlOp), ignored(1, "arg2"), ignored(2, "arg3"), ignored(3, "arg4"),
                 ignored(4, "arg5")});
  add("ptrace", {value(0, "request", V::PtraceRequest), ignored(1, "pid"), pointer(2, "addr"), pointer(3, "data")});
  add("bpf", {value(0, "cmd", V::BpfCmd), pointer(1, "attr"), ignored(2, "size")});
  add("mount", {pointer(0, "source"), pointer(1, "target"), pointer(2, "filesystemtype"),
                flags(3, "mountflags", V::MountFlags, 0), pointer(4, "data")},
      "mount is conditioned on its whole flags word: what is mounted where is behind pointers");
  add("umount2", {pointer(0, "target"), flags(1, "flags", V::None, 0)});
  return t;
}

const Table& x86_64_table() {
  static const Table t = common();
  return t;
}

const Table& i386_table() {
  static const Table t = [] {
    Table t = common();
    // i386 clone (CLONE_BACKWARDS): tls before child_tid.
    t["clone"].positions = {flags(0, "flags", V::CloneFlags, kCloneNamespaceBits), pointer(1, "newsp"),
                            pointer(2, "parent_tid"), pointer(3, "tls"), pointer(4, "child_tid")};
    // i386's old mmap takes one pointer to a struct mmap_arg_struct; mmap2 has the usual layout.
    t["mmap2"] = t["mmap"];
    t["mmap2"].syscall = "mmap2";
    t["mmap"] = ArgLayout{"mmap", {pointer(0, "arg")},
                          "i386's mmap (old_mmap) passes its arguments in memory: seccomp cannot see them"};
    t["fcntl64"] = t["fcntl"];
    t["fcntl64"].syscall = "fcntl64";
    // i386's socketcall multiplexes the socket calls: the call number is a value, its
    // arguments are in memory.
    t["socketcall"] = ArgLayout{"socketcall", {value(0, "call"), pointer(1, "args")},
                                "socketcall's real arguments are in memory: only the call number is conditioned"};
    return t;
  }();
  return t;
}

const Table* table_of(const std::string& arch) {
  if (arch == "x86_64" || arch == "x32") return &x86_64_table();
  if (arch == "x86") return &i386_table();
  return nullptr;
}

}  // namespace

std::optional<ArgLayout> arg_layout(const std::string& syscall, const std::string& arch) {
  const Table* t = table_of(arch);
  if (!t) return std::nullopt;
  auto it = t->find(syscall);
  if (it == t->end()) return std::nullopt;
  return it->second;
}

std::vector<const ArgPosition*> conditioned_positions(const ArgLayout& layout, const std::array<uint64_t, 6>& args) {
  std::vector<const ArgPosition*> out;
  for (const auto& p : layout.positions) {
    if (p.kind != ArgKind::Value && p.kind != ArgKind::FlagWord) continue;
    if (!p.when_values.empty() && !p.when_values.count(args[p.when_index])) continue;
    out.push_back(&p);
  }
  return out;
}

std::vector<std::string> arg_table_syscalls() {
  std::set<std::string> names;
  for (const auto* t : {&x86_64_table(), &i386_table()})
    for (const auto& [name, layout] : *t) names.insert(name);
  return {names.begin(), names.end()};
}

}  // namespace sc::refine
