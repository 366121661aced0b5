// The filter compiler: ResolvedProfile -> libseccomp context, every call checked.
#include "isolator/compiler/filter.h"

#include <seccomp.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "isolator/compiler/action_codes.h"
#include "isolator/compiler/prefix_program.h"
#include "isolator/profile/arch.h"

namespace sc::compiler {

namespace {

scmp_compare to_scmp(profile::CmpOp op) {
  switch (op) {
    case profile::CmpOp::NotEqual: return SCMP_CMP_NE;
    case profile::CmpOp::LessThan: return SCMP_CMP_LT;
    case profile::CmpOp::LessEqual: return SCMP_CMP_LE;
    case profile::CmpOp::Equal: return SCMP_CMP_EQ;
    case profile::CmpOp::GreaterEqual: return SCMP_CMP_GE;
    case profile::CmpOp::GreaterThan: return SCMP_CMP_GT;
    case profile::CmpOp::MaskedEqual: return SCMP_CMP_MASKED_EQ;
  }
  return SCMP_CMP_EQ;
}

// libseccomp returns -errno.
void check(int rc, const std::string& what) {
  if (rc < 0) throw FilterError(what + ": " + std::strerror(-rc), -rc);
}

// A memfd that libseccomp exports into, read back whole.
std::string export_to_memory(const void* ctx, int (*exporter)(const scmp_filter_ctx, int),
                             const char* what) {
  int fd = memfd_create("seccomp-export", MFD_CLOEXEC);
  if (fd < 0) throw FilterError(std::string(what) + ": memfd_create: " + std::strerror(errno), errno);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  check(exporter(const_cast<void*>(ctx), fd), what);
  off_t size = lseek(fd, 0, SEEK_END);
  if (size < 0 || lseek(fd, 0, SEEK_SET) < 0)
    throw FilterError(std::string(what) + ": lseek: " + std::strerror(errno), errno);
  std::string data(static_cast<size_t>(size), '\0');
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::read(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw FilterError(std::string(what) + ": read: " + std::strerror(n < 0 ? errno : EIO), n < 0 ? errno : EIO);
    done += static_cast<size_t>(n);
  }
  return data;
}

}  // namespace

Filter::Filter(const profile::ResolvedProfile& resolved, const CompileOptions& options) {
  // Never fall back to the host's arch: a filter for the wrong arch would kill everything,
  // or worse, be taken for the one that was asked for.
  if (resolved.arches.empty())
    throw FilterError("no architecture this libseccomp can build a filter for (see the resolver's warnings)",
                      EINVAL);
  ctx_ = seccomp_init(seccomp_ret(resolved.default_action));
  if (!ctx_) throw FilterError("seccomp_init(" + profile::describe(resolved.default_action) + ") failed", EINVAL);
  try {
    // Fail loudly rather than hand back raw kernel codes as libseccomp's generic -ECANCELED.
    check(seccomp_attr_set(ctx_, SCMP_FLTATR_API_SYSRAWRC, 1), "seccomp_attr_set(API_SYSRAWRC)");
    const bool kill_process = options.kill_process_on_bad_arch && seccomp_api_get() >= 3;
    check(seccomp_attr_set(ctx_, SCMP_FLTATR_ACT_BADARCH,
                           kill_process ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_KILL),
          "seccomp_attr_set(ACT_BADARCH)");
    // Mesos does not set no_new_privs (hence the isolator needs root); libseccomp would.
    check(seccomp_attr_set(ctx_, SCMP_FLTATR_CTL_NNP, options.no_new_privs ? 1 : 0),
          "seccomp_attr_set(CTL_NNP)");
    if (options.log_flag && resolved.log_flag)
      check(seccomp_attr_set(ctx_, SCMP_FLTATR_CTL_LOG, 1), "seccomp_attr_set(CTL_LOG)");
    if (resolved.tsync) check(seccomp_attr_set(ctx_, SCMP_FLTATR_CTL_TSYNC, 1), "seccomp_attr_set(CTL_TSYNC)");
    if (resolved.spec_allow) check(seccomp_attr_set(ctx_, SCMP_FLTATR_CTL_SSB, 1), "seccomp_attr_set(CTL_SSB)");
    check(seccomp_attr_set(ctx_, SCMP_FLTATR_CTL_OPTIMIZE, options.binary_tree ? 2 : 1),
          "seccomp_attr_set(CTL_OPTIMIZE)");

    // The context starts with the native arch; cover exactly the resolved arches.
    const uint32_t host = seccomp_arch_native();
    bool host_wanted = false;
    for (uint32_t arch : resolved.arches) {
      if (arch == host) {
        host_wanted = true;
        continue;
      }
      int rc = seccomp_arch_add(ctx_, arch);
      if (rc != -EEXIST) check(rc, "seccomp_arch_add(" + profile::arch_name(arch) + ")");
    }
    if (!host_wanted)
      check(seccomp_arch_remove(ctx_, host), "seccomp_arch_remove(" + profile::arch_name(host) + ")");

    for (const auto& rule : resolved.rules) {
      if (rule.action == resolved.default_action) continue;  // redundant; libseccomp says EACCES
      if (decided_by_prefix(rule)) continue;                 // unknown to libseccomp: by number
      const std::string where = rule.json_path + " (" + rule.name + ")";
      int nr = seccomp_syscall_resolve_name(rule.name.c_str());
      if (nr == __NR_SCMP_ERROR) throw FilterError(where + ": unknown syscall '" + rule.name + "'", ENOENT);
      std::vector<scmp_arg_cmp> args;
      for (const auto& a : rule.args)
        args.push_back(scmp_arg_cmp{a.index, to_scmp(a.op), a.value, a.value_two});
      int rc = seccomp_rule_add_array(ctx_, seccomp_ret(rule.action), nr,
                                      static_cast<unsigned>(args.size()), args.data());
      check(rc, where + ": seccomp_rule_add(" + profile::describe(rule.action) + ")");
    }
    Prefix prefix = prefix_program(resolved);
    prefix_ = std::move(prefix.code);
    prefix_description_ = std::move(prefix.description);
  } catch (...) {
    seccomp_release(ctx_);
    ctx_ = nullptr;
    throw;
  }
}

Filter::~Filter() {
  if (ctx_) seccomp_release(ctx_);
}

Filter::Filter(Filter&& other) noexcept
    : ctx_(std::exchange(other.ctx_, nullptr)),
      prefix_(std::move(other.prefix_)),
      prefix_description_(std::move(other.prefix_description_)) {}

Filter& Filter::operator=(Filter&& other) noexcept {
  if (this != &other) {
    if (ctx_) seccomp_release(ctx_);
    ctx_ = std::exchange(other.ctx_, nullptr);
    prefix_ = std::move(other.prefix_);
    prefix_description_ = std::move(other.prefix_description_);
  }
  return *this;
}

std::vector<sock_filter> Filter::bpf() const {
  if (!ctx_) throw FilterError("bpf(): filter was moved from", EINVAL);
  std::string bytes = export_to_memory(ctx_, seccomp_export_bpf, "seccomp_export_bpf");
  if (bytes.size() % sizeof(sock_filter) != 0)
    throw FilterError("seccomp_export_bpf: " + std::to_string(bytes.size()) +
                          " bytes is not a whole number of instructions", EPROTO);
  std::vector<sock_filter> program(prefix_);
  program.resize(prefix_.size() + bytes.size() / sizeof(sock_filter));
  std::memcpy(program.data() + prefix_.size(), bytes.data(), bytes.size());
  return program;
}

std::string Filter::pfc() const {
  if (!ctx_) throw FilterError("pfc(): filter was moved from", EINVAL);
  return prefix_description_ + export_to_memory(ctx_, seccomp_export_pfc, "seccomp_export_pfc");
}

Program Filter::program() const {
  if (!ctx_) throw FilterError("program(): filter was moved from", EINVAL);
  auto attribute = [this](scmp_filter_attr attr, const char* name) {
    uint32_t value = 0;
    check(seccomp_attr_get(ctx_, attr, &value), name);
    return value != 0;
  };
  Program program;
  program.code = bpf();
  if (program.code.size() > BPF_MAXINSNS)
    throw FilterError("the program has " + std::to_string(program.code.size()) + " instructions; the kernel takes at most " +
                          std::to_string(BPF_MAXINSNS), E2BIG);
  program.no_new_privs = attribute(SCMP_FLTATR_CTL_NNP, "seccomp_attr_get(CTL_NNP)");
  if (attribute(SCMP_FLTATR_CTL_LOG, "seccomp_attr_get(CTL_LOG)")) program.flags |= SECCOMP_FILTER_FLAG_LOG;
  if (attribute(SCMP_FLTATR_CTL_TSYNC, "seccomp_attr_get(CTL_TSYNC)")) program.flags |= SECCOMP_FILTER_FLAG_TSYNC;
  if (attribute(SCMP_FLTATR_CTL_SSB, "seccomp_attr_get(CTL_SSB)")) program.flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
  return program;
}

int install(const Program& program) noexcept {
  if (program.no_new_privs && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return errno;
  sock_fprog fprog{};
  fprog.len = static_cast<unsigned short>(program.code.size());
  fprog.filter = const_cast<sock_filter*>(program.code.data());
  if (program.code.empty() || program.code.size() > BPF_MAXINSNS) return EINVAL;
  long rc = ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, program.flags, &fprog);
  // TSYNC reports a thread that could not be synchronised as a positive tid.
  if (rc < 0) return errno;
  if (rc > 0) return ESRCH;
  return 0;
}

void Filter::load() const {
  if (!ctx_) throw FilterError("load(): filter was moved from", EINVAL);
  if (prefix_.empty()) return check(seccomp_load(ctx_), "seccomp_load");
  // libseccomp cannot load a program it did not write: install ours, attributes included.
  if (int error = install(program()))
    throw FilterError(std::string("seccomp(SECCOMP_SET_MODE_FILTER): ") + std::strerror(error), error);
}

}  // namespace sc::compiler
