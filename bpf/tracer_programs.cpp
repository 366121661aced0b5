#include "bpf/tracer_programs.h"

#include <bpf/libbpf.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "bpf/libbpf_log.h"
#include "probe.skel.h"
#include "tracer.skel.h"

namespace sc::bpf {
namespace {

// The last `n` non-empty lines of a verifier log (the rejection is at the end).
std::string last_lines(const std::string& log, size_t n) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < log.size()) {
    size_t end = log.find('\n', start);
    if (end == std::string::npos) end = log.size();
    if (end > start) lines.push_back(log.substr(start, end - start));
    start = end + 1;
  }
  std::string out;
  for (size_t i = lines.size() > n ? lines.size() - n : 0; i < lines.size(); ++i)
    out += (out.empty() ? "" : "\n") + lines[i];
  return out;
}

// Loads one program of an opened object with every other program's autoload off. The
// object's hash maps are shrunk and nothing is pinned: this load is a question to the
// verifier, not a tracer.
ProgramLoad load_alone(bpf_object* obj, const char* object_name, const std::string& program) {
  ProgramLoad out;
  out.object = object_name;
  out.program = program;
  bpf_program* wanted = bpf_object__find_program_by_name(obj, program.c_str());
  if (!wanted) {
    out.error = "no such program in " + std::string(object_name) + ".bpf.c";
    return out;
  }
  bpf_program* prog = nullptr;
  bpf_object__for_each_program(prog, obj) bpf_program__set_autoload(prog, prog == wanted);
  bpf_map* map = nullptr;
  bpf_object__for_each_map(map, obj) {
    auto type = bpf_map__type(map);
    if ((type == BPF_MAP_TYPE_HASH || type == BPF_MAP_TYPE_LRU_HASH) && bpf_map__max_entries(map) > 64)
      bpf_map__set_max_entries(map, 64);
  }
  // With a log buffer of ours and log level 0, libbpf loads without a log and, only when
  // the kernel refuses, loads again with level 1 into this buffer.
  std::string log(1 << 20, '\0');
  bpf_program__set_log_buf(wanted, log.data(), log.size());
  clear_libbpf_log();
  int err = bpf_object__load(obj);
  if (err == 0) {
    out.loaded = true;
    return out;
  }
  out.error = errno_text(err);
  log.resize(log.find('\0') == std::string::npos ? log.size() : log.find('\0'));
  out.verifier_tail = last_lines(log.empty() ? libbpf_log_tail() : log, 4);
  return out;
}

struct TracerSkel {
  void operator()(tracer_bpf* s) const { tracer_bpf__destroy(s); }
};
struct ProbeSkel {
  void operator()(probe_bpf* s) const { probe_bpf__destroy(s); }
};

}  // namespace

const std::vector<TracerProgram>& tracer_programs() {
  static const std::vector<TracerProgram> programs = {
      {"sc_fentry_audit", "fentry/audit_seccomp", "every logged verdict (log, errno, trap, kill_process, kill_thread)",
       Hook::FentryAudit},
      {"sc_kprobe_audit", "kprobe/audit_seccomp", "every logged verdict (log, errno, trap, kill_process, kill_thread)",
       Hook::KprobeAudit},
      {"sc_signal_generate", "tp_btf/signal_generate", "trap, kill_process (SIGSYS from seccomp)", Hook::SignalGenerate},
      {"sc_process_fork", "tp_btf/sched_process_fork", "attribution of processes that exited (tgid -> cgroup)",
       Hook::ProcessEvents},
      {"sc_process_exec", "tp_btf/sched_process_exec", "attribution of processes that exited (tgid -> cgroup)",
       Hook::ProcessEvents},
      {"sc_process_exit", "tp_btf/sched_process_exit",
       "kill_thread of one thread among several; attribution of processes that exited", Hook::ProcessEvents},
      {"sc_sys_enter", "raw_tp/sys_enter", "learning (syscalls used); errno, paired with sys_exit", Hook::SysEnter},
      {"sc_sys_exit", "raw_tp/sys_exit", "errno (syscalls seccomp skipped)", Hook::SysExit},
  };
  return programs;
}

const TracerProgram* tracer_program(const std::string& program_or_hook) {
  for (const auto& p : tracer_programs())
    if (program_or_hook == p.program || program_or_hook == p.hook) return &p;
  return nullptr;
}

void set_rodata(tracer_bpf* skel, const TracerRodata& rodata) {
  skel->rodata->sample_rate_per_sec = rodata.sample_rate_per_sec;
  skel->rodata->audit_hook_live = rodata.audit_hook_live;
  skel->rodata->signal_hook_live = rodata.signal_hook_live;
}

ProgramLoad load_tracer_program_alone(const std::string& program, const TracerRodata& rodata) {
  install_libbpf_log();
  std::unique_ptr<tracer_bpf, TracerSkel> skel(tracer_bpf__open());
  if (!skel) return {"tracer", program, false, "open: " + errno_text(errno), ""};
  set_rodata(skel.get(), rodata);
  return load_alone(skel->obj, "tracer", program);
}

std::vector<ProgramLoad> load_every_program_alone(const TracerRodata& rodata) {
  std::vector<ProgramLoad> out;
  for (const auto& p : tracer_programs()) out.push_back(load_tracer_program_alone(p.program, rodata));
  // The probe object's program names, read from an opened copy (the list follows probe.bpf.c).
  std::vector<std::string> probe_names;
  {
    std::unique_ptr<probe_bpf, ProbeSkel> skel(probe_bpf__open());
    if (!skel) {
      out.push_back({"probe", "*", false, "open: " + errno_text(errno), ""});
      return out;
    }
    bpf_program* prog = nullptr;
    bpf_object__for_each_program(prog, skel->obj) probe_names.emplace_back(bpf_program__name(prog));
  }
  for (const auto& name : probe_names) {
    std::unique_ptr<probe_bpf, ProbeSkel> skel(probe_bpf__open());
    if (!skel) {
      out.push_back({"probe", name, false, "open: " + errno_text(errno), ""});
      continue;
    }
    out.push_back(load_alone(skel->obj, "probe", name));
  }
  return out;
}

std::set<std::string> disabled_programs(const std::string& option) {
  std::string value = option, source = "TracerOptions.disable";
  if (value.empty()) {
    const char* env = std::getenv("SC_TRACER_DISABLE");
    value = env ? env : "";
    source = "SC_TRACER_DISABLE";
  }
  std::set<std::string> out;
  size_t start = 0;
  while (start <= value.size() && !value.empty()) {
    size_t end = value.find(',', start);
    if (end == std::string::npos) end = value.size();
    std::string item = value.substr(start, end - start);
    if (!item.empty()) {
      const TracerProgram* p = tracer_program(item);
      if (!p) {
        std::string known;
        for (const auto& t : tracer_programs()) known += (known.empty() ? "" : ", ") + std::string(t.program);
        throw std::invalid_argument(source + ": unknown program or hook '" + item + "' (known: " + known + ")");
      }
      out.insert(p->program);
    }
    start = end + 1;
  }
  return out;
}

}  // namespace sc::bpf
