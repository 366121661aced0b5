#include "isolator/launch/launcher.h"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <utility>

#include "host/cgroup2.h"
#include "isolator/launch/capability_plan.h"
#include "isolator/launch/child_setup.h"
#include "isolator/launch/container_cgroup.h"
#include "isolator/launch/container_program.h"
#include "isolator/launch/container_info.h"
#include "isolator/launch/exit_codes.h"
#include "isolator/launch/launch_error.h"
#include "isolator/launch/seccomp_plan.h"
#include "isolator/launch/supervisor.h"
#include "isolator/launch/tracer_registration.h"
#include "isolator/registry/registry.h"

namespace sc::launch {
namespace {

// How long a container runs before its registry entry is fsynced (see supervise()).
constexpr int kRegistrySyncDelayMs = 100;

void say(const std::string& line) { std::fprintf(stderr, "seccomp-isolator launch: %s\n", line.c_str()); }

// SC_LAUNCH_TIMINGS=FILE: where a launch's time goes, as "phase milliseconds-since-main"
// lines appended to FILE, then "@main_monotonic_ms" with main's CLOCK_MONOTONIC time, so that
// a caller who noted when it forked and reaped can tell the exec and start-up before main from
// the exit after the last phase (sc-bench-runtimes' breakdown; nothing is written without it).
class PhaseTimes {
 public:
  PhaseTimes() : file_(std::getenv("SC_LAUNCH_TIMINGS")) {}
  void mark(const char* phase) {
    if (!file_ || count_ == kMax) return;
    struct timespec ts {};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    phases_[count_++] = {phase, static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec};
  }
  ~PhaseTimes() {
    if (!file_ || count_ == 0) return;
    if (FILE* f = std::fopen(file_, "ae")) {
      for (size_t i = 0; i < count_; ++i)
        std::fprintf(f, "%s %.3f\n", phases_[i].first, static_cast<double>(phases_[i].second - phases_[0].second) / 1e6);
      std::fprintf(f, "@main_monotonic_ms %.3f\n", static_cast<double>(phases_[0].second) / 1e6);
      std::fclose(f);
    }
  }

 private:
  static constexpr size_t kMax = 16;
  const char* file_;
  std::pair<const char*, int64_t> phases_[kMax];
  size_t count_ = 0;
};

int64_t now_ns() {
  struct timespec ts {};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

struct Pipe {
  int read = -1, write = -1;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw LaunchError(std::string("pipe2 failed: ") + std::strerror(errno));
    read = fds[0];
    write = fds[1];
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  void close_read() {
    if (read >= 0) ::close(read);
    read = -1;
  }
  void close_write() {
    if (write >= 0) ::close(write);
    write = -1;
  }
};

int run(const LaunchRequest& request, PhaseTimes& times) {
  if (request.command.empty()) throw LaunchError("No command given (launch [FLAGS] -- CMD [ARG...])");
  std::string id = request.container_id ? *request.container_id : generate_container_id();
  if (!registry::valid_container_id(id))
    throw LaunchError("Invalid --container_id '" + id + "': expected [A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

  ContainerInfo info;
  if (request.container_info) info = load_container_info_flag(*request.container_info);
  std::vector<Rlimit> rlimits = info.rlimits;
  for (const auto& value : request.rlimits) rlimits.push_back(parse_rlimit_flag(value));

  PlanInput input;
  input.flags = request.flags;
  input.task = info.seccomp;
  input.audit_flag = request.audit;
  input.container_id = id;
  SeccompPlan plan = plan_seccomp(input, probe_host());
  for (const auto& notice : plan.notices) say(notice);

  times.mark("planned");
  CapabilityPlan capabilities = plan_capabilities(info);
  // The child installs this ready-made program with one seccomp(2) call.
  std::optional<ContainerProgram> program;
  if (plan.profile) {
    std::optional<ProgramCache> cache;
    if (request.seccomp_cache)
      cache.emplace(request.seccomp_cache_dir ? *request.seccomp_cache_dir : request.runtime_dir + "/cache");
    program = container_program(*plan.profile, capabilities.bounding_names(), plan.mode == Mode::Audit, cache,
                                request.new_syscalls);
    for (const auto& note : program->cache_notes) say("warning: " + note);
    // The details belong to `check`; the container's stderr gets one line.
    if (!program->warnings.empty())
      say(std::to_string(program->warnings.size()) + " warning(s) about profile '" + plan.profile->path +
          "'; see `seccomp-isolator check " + plan.profile->path + "`");
  }

  times.mark("program");
  std::optional<UserSpec> user;
  if (request.user) user = resolve_user(*request.user);
  if (request.rootfs) {
    struct stat st {};
    if (::stat(request.rootfs->c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
      throw LaunchError("Invalid --rootfs '" + *request.rootfs + "': not a directory");
  }

  ContainerCgroup cgroup(host::cgroup2_mount(), id);
  times.mark("cgroup");
  // --seccomp_log: see launcher.h and tracer_registration.h. The registration is made, and the
  // hooks checked again after it, before the child exists: from its first instruction either
  // the tracer counts its denials or the kernel logs them.
  std::optional<TracerRegistration> tracer_registration;
  bool log_flag = true;
  if (program) {
    if (request.seccomp_log == "never") {
      log_flag = false;
    } else if (request.seccomp_log == "auto") {
      std::string why;
      if (syscall_hooks_attached(request.tracer_pin_dir, &why)) {
        tracer_registration = TracerRegistration::add(request.tracer_pin_dir, cgroup.id(), &why);
        log_flag = !(tracer_registration && syscall_hooks_attached(request.tracer_pin_dir, &why));
      }
      if (log_flag) tracer_registration.reset();  // the kernel logs its denials: no need
    } else if (request.seccomp_log != "always") {
      throw LaunchError("Invalid --seccomp_log '" + request.seccomp_log + "': expected auto, always or never");
    }
    if (!log_flag) program->program.flags &= ~static_cast<unsigned int>(SECCOMP_FILTER_FLAG_LOG);
  }
  // Orphans of the container come back to us, so the cgroup can be emptied and removed.
  if (::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
    throw LaunchError(std::string("prctl(PR_SET_CHILD_SUBREAPER) failed: ") + std::strerror(errno));

  ChildSetup setup;
  setup.rootfs = request.rootfs ? request.rootfs->c_str() : nullptr;
  setup.rlimits = rlimits;
  setup.working_dir = request.working_dir ? request.working_dir->c_str() : nullptr;
  setup.filter = program ? &program->program : nullptr;
  setup.user = user;
  setup.capabilities = capabilities;
  for (const auto& arg : request.command) setup.argv.push_back(const_cast<char*>(arg.c_str()));
  setup.argv.push_back(nullptr);

  // Everything but the pid, before the fork: until the child execs, every page the parent
  // writes is copied first.
  registry::Entry entry;
  entry.container_id = id;
  entry.cgroup_path = cgroup.relative_path();
  entry.cgroup_id = cgroup.id();
  entry.mode = mode_name(plan.mode);
  if (plan.mode != Mode::Unconfined) entry.new_syscalls = profile::new_syscalls_name(request.new_syscalls);
  if (program) entry.seccomp_log = log_flag ? "on" : "off";
  if (plan.profile) {
    entry.profile_name = plan.profile_name;
    entry.profile_path = plan.profile->path;
    entry.profile_sha256 = plan.profile->sha256;
  }
  for (const auto& cap : capabilities.bounding_names()) entry.capabilities.push_back(cap);
  entry.command = request.command;
  entry.workload = request.workload;
  entry.labels = request.labels;

  setup.signal_mask = block_supervised_signals();
  Supervisor supervisor;
  Pipe go, report;
  std::fflush(nullptr);
  pid_t self = ::getpid();
  bool in_cgroup = false;
  pid_t pid = cgroup.fork_into(&in_cgroup);
  if (pid < 0) throw LaunchError(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    ::close(go.write);
    ::close(report.read);
    run_child(setup, go.read, report.write, self);
  }
  go.close_read();
  report.close_write();

  entry.pid = pid;
  entry.started_at_ns = now_ns();
  try {
    // In its cgroup and registered before it runs a single instruction of its own, so the
    // companion attributes it from its first syscall. Visible is what matters here; it is
    // made durable (fsync) later, see below.
    if (!in_cgroup) cgroup.add(pid);
    registry::publish(request.runtime_dir, entry);
  } catch (const std::exception& e) {
    go.close_write();  // EOF: the child exits without running anything
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    throw LaunchError(std::string(e.what()).rfind("Failed", 0) == 0
                          ? e.what()
                          : std::string("Failed to write the registry entry: ") + e.what());
  }
  times.mark("forked_and_published");
  char byte = 1;
  if (::write(go.write, &byte, 1) != 1) say(std::string("could not signal the child: ") + std::strerror(errno));
  go.close_write();
  // Durable once the container has run for a while; one that exits sooner gets its durable
  // exit record instead. Either way no container waits on the disk to start, and /bin/true
  // does not pay for four fsyncs (milliseconds each on a busy disk).
  auto make_durable = [&request, &id] {
    try {
      registry::make_durable(request.runtime_dir, id);
    } catch (const std::exception& e) {
      say(std::string("warning: the registry entry may not survive a crash: ") + e.what());
    }
  };
  Supervisor::Outcome outcome = supervisor.supervise(pid, report.read, make_durable, kRegistrySyncDelayMs);
  report.read = -1;  // owned and closed by the supervisor

  times.mark("child_reaped");
  int code = exit_code_from_wait_status(outcome.wait_status);
  if (outcome.report) {
    say(outcome.report->message);
    code = outcome.report->stage == ChildStage::Exec ? exit_code_for_exec_error(outcome.report->error)
                                                     : kExitIsolatorFailure;
  }
  std::string cgroup_problem = cgroup.remove();
  times.mark("cgroup_removed");
  if (!cgroup_problem.empty()) say("warning: " + cgroup_problem);
  entry.exited_at_ns = now_ns();
  entry.exit_status = code;
  try {
    registry::write(request.runtime_dir, entry);
  } catch (const std::exception& e) {
    say(std::string("warning: failed to record the exit in the registry: ") + e.what());
  }
  times.mark("exit_recorded");
  return code;
}

}  // namespace

std::string generate_container_id() {
  unsigned char bytes[8];
  size_t got = 0;
  while (got < sizeof bytes) {
    ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw LaunchError(std::string("getrandom failed: ") + std::strerror(errno));
    got += static_cast<size_t>(n);
  }
  static const char* hex = "0123456789abcdef";
  std::string id = "sc-";
  for (unsigned char b : bytes) {
    id += hex[b >> 4];
    id += hex[b & 0xf];
  }
  return id;
}

int launch(const LaunchRequest& request) {
  PhaseTimes times;
  times.mark("main");
  try {
    return run(request, times);
  } catch (const std::exception& e) {
    say(e.what());
    return kExitIsolatorFailure;
  }
}

}  // namespace sc::launch
