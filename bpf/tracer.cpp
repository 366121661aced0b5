// The loader: plans the hooks (hook_probe), loads tracer.bpf.c with its maps pinned under the
// pin dir (reusing existing pins, so counts survive restarts), attaches or adopts pinned
// links, attaches the syscall hooks on demand, and reads the aggregates.
#include "bpf/tracer.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "bpf/bpffs.h"
#include "bpf/hook_probe.h"
#include "bpf/libbpf_log.h"
#include "bpf/map_iteration.h"
#include "bpf/tracer_events.h"
#include "bpf/tracer_programs.h"
#include "host/cgroup2.h"
#include "tracer.skel.h"

#include <asm/unistd.h>
#include <linux/audit.h>
#include <linux/seccomp.h>

// tracer_events.h restates kernel constants for the BPF side (which has no <linux/*.h>):
// they must be the kernel's.
static_assert(SC_ACTION_KILL_PROCESS == SECCOMP_RET_KILL_PROCESS && SC_ACTION_KILL_THREAD == SECCOMP_RET_KILL_THREAD &&
              SC_ACTION_TRAP == SECCOMP_RET_TRAP && SC_ACTION_ERRNO == SECCOMP_RET_ERRNO &&
              SC_ACTION_USER_NOTIF == SECCOMP_RET_USER_NOTIF && SC_ACTION_TRACE == SECCOMP_RET_TRACE &&
              SC_ACTION_LOG == SECCOMP_RET_LOG);
static_assert(SC_AUDIT_ARCH_X86_64 == AUDIT_ARCH_X86_64 && SC_AUDIT_ARCH_I386 == AUDIT_ARCH_I386 &&
              SC_X32_SYSCALL_BIT == __X32_SYSCALL_BIT);

namespace sc::bpf {
namespace {

[[noreturn]] void fail(const std::string& step, int err) {
  std::string tail = libbpf_log_tail();
  throw std::runtime_error("tracer: " + step + ": " + errno_text(err) + (tail.empty() ? "" : "\nlibbpf: " + tail));
}

uint32_t random_generation() {
  static std::mt19937 rng{std::random_device{}()};
  return static_cast<uint32_t>(rng()) | 1u;  // never 0: the value of fresh thread storage
}

bool prog_tag_of_fd(int prog_fd, uint8_t tag[BPF_TAG_SIZE]) {
  bpf_prog_info info{};
  uint32_t len = sizeof info;
  if (bpf_obj_get_info_by_fd(prog_fd, &info, &len) != 0) return false;
  std::memcpy(tag, info.tag, BPF_TAG_SIZE);
  return true;
}

// The tag of the program behind a pinned link.
bool prog_tag_of_link(int link_fd, uint8_t tag[BPF_TAG_SIZE]) {
  bpf_link_info info{};
  uint32_t len = sizeof info;
  if (bpf_obj_get_info_by_fd(link_fd, &info, &len) != 0) return false;
  int prog_fd = bpf_prog_get_fd_by_id(info.prog_id);
  if (prog_fd < 0) return false;
  bool ok = prog_tag_of_fd(prog_fd, tag);
  close(prog_fd);
  return ok;
}

// One attached program: our own bpf_link, or a pinned link of an earlier loader we adopted.
struct LiveLink {
  std::string pin;          // "" when not pinned
  bpf_link* link = nullptr;
  int adopted_fd = -1;

  void close_keep_pin() {  // the kernel keeps a pinned link attached
    if (link) bpf_link__destroy(link);
    if (adopted_fd >= 0) close(adopted_fd);
    link = nullptr;
    adopted_fd = -1;
  }
  void detach() {
    if (!pin.empty()) unlink(pin.c_str());
    close_keep_pin();
  }
};

}  // namespace

struct Tracer::Impl {
  TracerOptions options;
  HookPlan plan;
  std::set<std::string> programs;                  // loaded (chosen by choose_programs)
  std::map<std::string, std::string> off_reason;   // program -> why not loaded/attached ("" = the probe's)
  TracerRodata rodata;

  void choose_programs();
  std::string off_summary() const {
    std::string out;
    for (const auto& [p, why] : off_reason)
      out += (out.empty() ? "" : "; ") + p + ": " + (why.empty() ? "its hook is not attachable here" : why);
    return out;
  }
  tracer_bpf* skel = nullptr;
  std::map<std::string, LiveLink> links;  // by hook name
  std::map<std::string, std::string> adopted_note;
  ring_buffer* rb = nullptr;
  const std::function<void(const SampleEvent&)>* on_sample = nullptr;
  // sc_shadow_lanes, mapped: SC_SHADOW_MAX_LANES lanes of kLaneEntries counters.
  uint64_t* lanes = nullptr;
  size_t lanes_bytes = 0;
  uint64_t fold_lost = 0;  // lane counts that could not be moved into sc_shadow_counts (map full)
  static constexpr uint32_t kLaneEntries = SC_SHADOW_ARCH_CLASSES * SC_SHADOW_TABLE_NR;

  // Every cgroup's shadow entry (sc_shadow_cgroups is small: one entry per shadowed cgroup).
  std::map<uint64_t, sc_shadow_slots> shadow_entries() const {
    std::map<uint64_t, sc_shadow_slots> out;
    for_each_entry<uint64_t, sc_shadow_slots>(bpf_map__fd(skel->maps.sc_shadow_cgroups),
                                              [&](const uint64_t& cg, const sc_shadow_slots& v) { out[cg] = v; });
    return out;
  }
  // The candidate's verdict a lane entry was counted under (the slot's table), or undecided.
  uint32_t table_ret(uint32_t slot, uint32_t entry) const {
    uint32_t index = slot * kLaneEntries + entry;
    uint64_t value = 0;
    if (bpf_map_lookup_elem(bpf_map__fd(skel->maps.sc_shadow_table), &index, &value) != 0 || !(value & SC_SHADOW_VALID))
      return kShadowUndecided;
    return static_cast<uint32_t>(value);
  }
  // Lane entry -> (audit arch, nr as the kernel numbers it: x32 calls carry the x32 bit).
  static std::pair<uint32_t, int32_t> lane_call(uint32_t entry) {
    uint32_t cls = entry / SC_SHADOW_TABLE_NR, nr = entry % SC_SHADOW_TABLE_NR;
    if (cls == 2) return {SC_AUDIT_ARCH_I386, static_cast<int32_t>(nr)};
    return {SC_AUDIT_ARCH_X86_64, static_cast<int32_t>(cls == 1 ? (nr | SC_X32_SYSCALL_BIT) : nr)};
  }
  // Empties a lane; with `keep`, its counts move to sc_shadow_counts under (cgroup, slot).
  void fold_lane(uint32_t lane, uint64_t cgroup_id, uint32_t slot, bool keep) {
    if (!lanes || lane >= SC_SHADOW_MAX_LANES) return;
    int fd = bpf_map__fd(skel->maps.sc_shadow_counts);
    for (uint32_t entry = 0; entry < kLaneEntries; ++entry) {
      uint64_t& cell = lanes[lane * kLaneEntries + entry];
      if (__atomic_load_n(&cell, __ATOMIC_RELAXED) == 0) continue;
      uint64_t n = __atomic_exchange_n(&cell, 0, __ATOMIC_RELAXED);
      if (!keep || n == 0) continue;
      sc_shadow_key key{};
      key.cgroup_id = cgroup_id;
      key.slot = slot;
      std::tie(key.arch, key.nr) = lane_call(entry);
      key.ret = table_ret(slot, entry);
      uint64_t have = 0;
      (void)bpf_map_lookup_elem(fd, &key, &have);
      have += n;
      if (bpf_map_update_elem(fd, &key, &have, BPF_ANY) != 0) fold_lost += n;
    }
  }
  int handled = 0;

  std::string link_pin(const char* prog_name) const { return options.pin_dir + "/link_" + prog_name; }

  // Attach `prog` as hook `name`, or adopt the pinned link of an earlier loader running the
  // same program (same tag): re-attaching would count twice or leave a gap.
  void attach(const std::string& name, bpf_program* prog) {
    std::string pin = options.pin_links ? link_pin(bpf_program__name(prog)) : "";
    if (!pin.empty()) {
      int fd = bpf_obj_get(pin.c_str());
      if (fd >= 0) {
        uint8_t old_tag[BPF_TAG_SIZE], new_tag[BPF_TAG_SIZE];
        if (prog_tag_of_link(fd, old_tag) && prog_tag_of_fd(bpf_program__fd(prog), new_tag) &&
            std::memcmp(old_tag, new_tag, BPF_TAG_SIZE) == 0) {
          links[name] = LiveLink{pin, nullptr, fd};
          adopted_note[name] = " (adopted the pinned link)";
          return;
        }
        // A different program version: replace it (a short gap rather than double counts).
        unlink(pin.c_str());
        close(fd);
      }
    }
    clear_libbpf_log();
    bpf_link* link = bpf_program__attach(prog);
    if (!link) fail("attach " + name, errno);
    if (!pin.empty()) {
      if (int err = bpf_link__pin(link, pin.c_str()); err != 0) {
        bpf_link__destroy(link);
        fail("pin link " + pin, err);
      }
    }
    links[name] = LiveLink{pin, link, -1};
    adopted_note.erase(name);
  }

  void detach(const std::string& name) {
    auto it = links.find(name);
    if (it == links.end()) return;
    it->second.detach();
    links.erase(it);
  }

  bool attached(const std::string& name) const { return links.count(name) != 0; }

  bool any_exact_watch() const {
    int fd = bpf_map__fd(skel->maps.sc_watched);
    uint64_t key = 0, next = 0;
    uint64_t* prev = nullptr;
    while (bpf_map_get_next_key(fd, prev, &next) == 0) {
      sc_watch_val v{};
      if (bpf_map_lookup_elem(fd, &next, &v) == 0 && (v.flags & SC_WATCH_EXACT)) return true;
      key = next;
      prev = &key;
    }
    return false;
  }

  // New generation for every watched cgroup: per-thread pairing state recorded before the
  // syscall hooks were (re)attached must not be trusted.
  void bump_generations() {
    int fd = bpf_map__fd(skel->maps.sc_watched);
    for_each_entry<uint64_t, sc_watch_val>(fd, [&](const uint64_t& cg, sc_watch_val v) {
      v.gen = random_generation();
      bpf_map_update_elem(fd, &cg, &v, BPF_EXIST);
    });
  }

  bool syscall_hooks_pinned() const {
    struct stat st{};
    return options.pin_links && ::stat(link_pin("sc_sys_exit").c_str(), &st) == 0;
  }

  // Attach the syscall hooks when wanted, detach them when not. Order matters: sys_enter
  // before sys_exit (an exit seen without the enter hook would look like a skip), and the
  // reverse when detaching.
  void reconcile_syscall_hooks() {
    if (!programs.count("sc_sys_enter") || !programs.count("sc_sys_exit")) return;
    bool want = options.syscall_hooks == SyscallHooks::On ||
                (options.syscall_hooks == SyscallHooks::Auto && any_exact_watch());
    const std::string enter = hook_name(Hook::SysEnter), exit = hook_name(Hook::SysExit);
    if (want && !attached(exit)) {
      if (!syscall_hooks_pinned()) bump_generations();  // adopting keeps the pairing state
      attach(enter, skel->progs.sc_sys_enter);
      attach(exit, skel->progs.sc_sys_exit);
    } else if (!want) {
      if (!attached(exit) && syscall_hooks_pinned()) {  // left by an earlier loader
        attach(enter, skel->progs.sc_sys_enter);
        attach(exit, skel->progs.sc_sys_exit);
      }
      detach(exit);
      detach(enter);
      // A launch may have registered its container (exact) between the map walk above and
      // the detach, after it saw the hooks attached: attach again at once, so that its
      // denials are counted (launch checks the hooks again after registering, but not after
      // its container starts). The window left is the few microseconds of the detach.
      if (options.syscall_hooks == SyscallHooks::Auto && any_exact_watch()) {
        bump_generations();
        attach(enter, skel->progs.sc_sys_enter);
        attach(exit, skel->progs.sc_sys_exit);
      }
    }
  }

  uint64_t kernel_stat(uint32_t index) const {
    uint64_t v = 0;
    bpf_map_lookup_elem(bpf_map__fd(skel->maps.sc_stats), &index, &v);
    return v;
  }

  static int handle_sample(void* ctx, void* data, size_t size) {
    auto* self = static_cast<Impl*>(ctx);
    if (size < sizeof(sc_sample) || !self->on_sample) return 0;
    const auto* s = static_cast<const sc_sample*>(data);
    SampleEvent e;
    e.cgroup_id = s->cgroup_id;
    e.audit_arch = s->arch;
    e.nr = s->nr;
    e.action = s->action;
    e.error = s->error;
    e.pid = s->pid;
    e.tid = s->tid;
    e.comm.assign(s->comm, strnlen(s->comm, sizeof s->comm));
    for (int i = 0; i < 6; ++i) e.args[i] = s->args[i];
    e.instruction_pointer = s->ip;
    e.ts_ns = s->ts_ns;
    (*self->on_sample)(e);
    ++self->handled;
    return 0;
  }

  ~Impl() {
    if (lanes) munmap(lanes, lanes_bytes);
    if (rb) ring_buffer__free(rb);
    for (auto& [name, link] : links) link.close_keep_pin();
    if (skel) tracer_bpf__destroy(skel);
  }
};

// Which programs to load: those whose hook the probe found attachable, minus the ones
// disabled on purpose, minus the ones the running kernel's verifier rejects when loaded on
// their own (with the read-only flags of the final set: the verifier prunes by them, so the
// set is re-checked until it no longer changes), minus those whose partner is off.
void Tracer::Impl::choose_programs() {
  std::set<std::string> candidates;
  auto candidate_if = [&](bool probed, std::initializer_list<const char*> programs) {
    for (const char* p : programs)
      if (probed) candidates.insert(p);
      else off_reason[p] = "";  // the probe's reason stays
  };
  candidate_if(plan.fentry_audit, {"sc_fentry_audit"});
  candidate_if(plan.kprobe_audit, {"sc_kprobe_audit"});
  candidate_if(plan.signal_generate, {"sc_signal_generate"});
  candidate_if(plan.process_events, {"sc_process_fork", "sc_process_exec", "sc_process_exit"});
  candidate_if(plan.syscall_hooks, {"sc_sys_enter", "sc_sys_exit"});
  for (const auto& p : disabled_programs(options.disable))
    if (candidates.erase(p) || !off_reason.count(p)) off_reason[p] = "disabled on purpose (SC_TRACER_DISABLE / TracerOptions.disable)";

  std::map<std::string, std::string> rejected;  // program -> why, kept across rounds
  auto usable = [&] {
    std::set<std::string> use = candidates;
    for (const auto& [p, why] : rejected) use.erase(p);
    if (use.count("sc_fentry_audit")) use.erase("sc_kprobe_audit");  // one audit hook is enough
    return use;
  };
  auto flags_for = [&](const std::set<std::string>& use) {
    return TracerRodata{options.sample_rate_per_sec, use.count("sc_fentry_audit") || use.count("sc_kprobe_audit"),
                        use.count("sc_signal_generate") != 0};
  };
  // Each round only switches programs off, so this ends; 8 rounds bound it all the same.
  for (int round = 0; round < 8; ++round) {
    std::set<std::string> use = usable();
    TracerRodata flags = flags_for(use);
    bool changed = false;
    for (const auto& p : use) {
      ProgramLoad r = load_tracer_program_alone(p, flags);
      if (r.loaded) continue;
      rejected[p] = "rejected by this kernel: " + r.error +
                    (r.verifier_tail.empty() ? "" : "; verifier: " + r.verifier_tail);
      changed = true;
    }
    // Pairing needs both syscall hooks: an exit seen without its enter would look like a skip.
    for (auto [a, b] : {std::pair{"sc_sys_enter", "sc_sys_exit"}, std::pair{"sc_sys_exit", "sc_sys_enter"}})
      if (use.count(a) && !rejected.count(a) && (!use.count(b) || rejected.count(b))) {
        rejected[a] = std::string("off: its partner ") + b + " is off";
        changed = true;
      }
    if (!changed) break;
  }
  programs = usable();
  rodata = flags_for(programs);
  for (const auto& [p, why] : rejected) off_reason[p] = why;
  if (!off_reason.count("sc_kprobe_audit") && programs.count("sc_fentry_audit"))
    off_reason["sc_kprobe_audit"] = "not needed: fentry/audit_seccomp is live";
}

namespace {

// A pinned map left by another build (an upgrade changed a map's layout) cannot be reused, and
// libbpf's refusal says only "parameter mismatch". Name the map, both layouts and the remedy.
void check_pins_compatible(bpf_object* obj, const std::string& pin_dir) {
  bpf_map* map = nullptr;
  bpf_object__for_each_map(map, obj) {
    if (bpf_map__is_internal(map)) continue;
    std::string pin = pin_dir + "/" + bpf_map__name(map);
    int fd = bpf_obj_get(pin.c_str());
    if (fd < 0) continue;  // not pinned yet: created at load
    bpf_map_info info{};
    uint32_t len = sizeof(info);
    int err = bpf_obj_get_info_by_fd(fd, &info, &len);
    close(fd);
    if (err != 0) continue;  // libbpf's own check reports it
    auto layout = [](uint32_t type, uint32_t key, uint32_t value, uint32_t entries, uint32_t flags) {
      return "type " + std::to_string(type) + ", key " + std::to_string(key) + " B, value " + std::to_string(value) +
             " B, " + std::to_string(entries) + " entries, flags " + std::to_string(flags);
    };
    std::string have = layout(info.type, info.key_size, info.value_size, info.max_entries, info.map_flags);
    std::string want = layout(bpf_map__type(map), bpf_map__key_size(map), bpf_map__value_size(map),
                              bpf_map__max_entries(map), bpf_map__map_flags(map));
    if (have != want)
      throw std::runtime_error("pinned map " + pin + " was made by another build of seccomp-audit (" + have +
                               "; this build needs " + want + "): stop the daemon, run `seccomp-audit run --reset --pin_dir=" +
                               pin_dir + "` (it drops the kernel's counts that are not in state.json yet; a clean stop "
                               "wrote them all) and start it again");
  }
}

}  // namespace

Tracer::Tracer(const TracerOptions& options) : impl_(new Impl) {
  try {
    install_libbpf_log();
    impl_->options = options;
    ensure_pin_dir(options.pin_dir);
    impl_->plan = plan_hooks(options.force_hooks);
    impl_->choose_programs();
    const auto& use = impl_->programs;
    // Any one program is worth loading: each serves its verdict classes alone (the syscall
    // hooks see ERRNO without signal_generate, the process events attribute without either).
    if (use.empty())
      throw std::runtime_error("tracer: no BPF program is usable on this kernel: " + impl_->off_summary());

    clear_libbpf_log();
    impl_->skel = tracer_bpf__open();
    if (!impl_->skel) fail("open BPF object", errno);
    tracer_bpf* skel = impl_->skel;
    set_rodata(skel, impl_->rodata);
    bpf_program* prog = nullptr;
    bpf_object__for_each_program(prog, skel->obj) bpf_program__set_autoload(prog, use.count(bpf_program__name(prog)) != 0);
    // Every map but .rodata is pinned by name: libbpf reuses a compatible pin, else creates
    // and pins the map.
    bpf_map* map = nullptr;
    bpf_object__for_each_map(map, skel->obj) {
      if (bpf_map__is_internal(map)) continue;
      std::string pin = options.pin_dir + "/" + bpf_map__name(map);
      if (int err = bpf_map__set_pin_path(map, pin.c_str()); err != 0) fail("set pin path " + pin, err);
    }
    check_pins_compatible(skel->obj, options.pin_dir);
    if (int err = tracer_bpf__load(skel); err != 0) fail("load BPF programs (pins in " + options.pin_dir + ")", err);
    impl_->lanes_bytes = size_t{SC_SHADOW_MAX_LANES} * Impl::kLaneEntries * sizeof(uint64_t);
    void* lanes = mmap(nullptr, impl_->lanes_bytes, PROT_READ | PROT_WRITE, MAP_SHARED,
                       bpf_map__fd(skel->maps.sc_shadow_lanes), 0);
    if (lanes == MAP_FAILED) fail("map sc_shadow_lanes", errno);
    impl_->lanes = static_cast<uint64_t*>(lanes);

    // The syscall hooks are attached on demand (reconcile_syscall_hooks); the others now. An
    // attachment the kernel refuses switches off that program alone.
    for (const auto& p : tracer_programs()) {
      std::string name = p.program;
      if (!use.count(name) || name == "sc_sys_enter" || name == "sc_sys_exit") continue;
      try {
        impl_->attach(p.hook, bpf_object__find_program_by_name(skel->obj, p.program));
      } catch (const std::exception& e) {
        impl_->off_reason[name] = std::string("attach refused: ") + e.what();
      }
    }
    impl_->reconcile_syscall_hooks();
  } catch (...) {
    delete impl_;
    throw;
  }
}

Tracer::~Tracer() { delete impl_; }

std::vector<HookStatus> Tracer::hooks() const {
  std::vector<HookStatus> out;
  for (const auto& p : tracer_programs()) {
    HookStatus status{p.hook, false, "", p.program, p.serves};
    for (const auto& probed : impl_->plan.statuses)
      if (probed.name == p.hook) status.reason = probed.reason;
    auto off = impl_->off_reason.find(p.program);
    if (off != impl_->off_reason.end() && !off->second.empty()) status.reason = off->second;
    bool attached = impl_->attached(p.hook);
    bool syscall_hook = status.program == "sc_sys_enter" || status.program == "sc_sys_exit";
    if (syscall_hook && impl_->programs.count(p.program)) {
      status.live = attached;
      status.reason = attached ? "seccomp skips (ERRNO) exactly; learning"
                      : impl_->options.syscall_hooks == SyscallHooks::Off
                          ? "off (TracerOptions.syscall_hooks = Off)"
                          : "attachable; attached only while a watched cgroup asks for exact counting";
    } else if (!syscall_hook) {
      status.live = attached;
      if (impl_->programs.count(p.program) && !attached && off == impl_->off_reason.end())
        status.reason = "loaded but not attached";
      if (attached && status.reason.empty()) status.reason = p.serves;
    }
    auto note = impl_->adopted_note.find(p.hook);
    if (attached && note != impl_->adopted_note.end()) status.reason += note->second;
    out.push_back(std::move(status));
  }
  return out;
}

TracerCoverage Tracer::coverage() const {
  TracerCoverage c;
  auto live = [&](const char* program) {
    const TracerProgram* p = tracer_program(program);
    return p && impl_->attached(p->hook);
  };
  c.logged_verdicts = live("sc_fentry_audit") || live("sc_kprobe_audit");
  c.traps_and_kills = live("sc_signal_generate");
  c.kill_thread = live("sc_process_exit") && (c.traps_and_kills || c.logged_verdicts);
  c.errno_skips = impl_->programs.count("sc_sys_enter") && impl_->programs.count("sc_sys_exit") &&
                  impl_->options.syscall_hooks != SyscallHooks::Off;
  c.learning = c.errno_skips;
  c.exited_processes = live("sc_process_fork") && live("sc_process_exit");
  return c;
}

void Tracer::watch(uint64_t cgroup_id, bool exact) {
  int fd = bpf_map__fd(impl_->skel->maps.sc_watched);
  sc_watch_val v{};
  bool known = bpf_map_lookup_elem(fd, &cgroup_id, &v) == 0;
  if (!known) v.gen = random_generation();
  v.flags = SC_WATCH | (exact ? SC_WATCH_EXACT : 0u) | (known ? (v.flags & (SC_WATCH_SHADOW | SC_WATCH_ARGS)) : 0u);
  if (int err = bpf_map_update_elem(fd, &cgroup_id, &v, BPF_ANY); err != 0)
    fail("watch cgroup " + std::to_string(cgroup_id), err);
  impl_->reconcile_syscall_hooks();
}

void Tracer::unwatch(uint64_t cgroup_id) {
  int fd = bpf_map__fd(impl_->skel->maps.sc_watched);
  if (bpf_map_delete_elem(fd, &cgroup_id) != 0 && errno != ENOENT)
    fail("unwatch cgroup " + std::to_string(cgroup_id), errno);
  impl_->reconcile_syscall_hooks();
}

std::vector<uint64_t> Tracer::watched_ids() const {
  return map_keys<uint64_t>(bpf_map__fd(impl_->skel->maps.sc_watched));
}

bool Tracer::shadow_available() const {
  return impl_->programs.count("sc_sys_enter") && impl_->programs.count("sc_sys_exit") &&
         impl_->options.syscall_hooks != SyscallHooks::Off;
}

void Tracer::shadow_fill(uint32_t slot, const std::function<ShadowEntry(uint32_t, int32_t)>& entry) {
  if (slot >= kShadowMaxSlots) throw std::runtime_error("shadow slot " + std::to_string(slot) + " out of range");
  int fd = bpf_map__fd(impl_->skel->maps.sc_shadow_table);
  const uint32_t arches[SC_SHADOW_ARCH_CLASSES] = {SC_AUDIT_ARCH_X86_64, SC_AUDIT_ARCH_X86_64, SC_AUDIT_ARCH_I386};
  for (uint32_t cls = 0; cls < SC_SHADOW_ARCH_CLASSES; ++cls)
    for (int32_t nr = 0; nr < kShadowTableNr; ++nr) {
      const int32_t full = cls == 1 ? static_cast<int32_t>(SC_X32_SYSCALL_BIT | static_cast<uint32_t>(nr)) : nr;
      ShadowEntry e = entry(arches[cls], full);
      uint64_t value = uint64_t{e.ret} | SC_SHADOW_VALID | (e.needs_args ? SC_SHADOW_NEEDS_ARGS : 0);
      uint32_t index = (slot * SC_SHADOW_ARCH_CLASSES + cls) * SC_SHADOW_TABLE_NR + static_cast<uint32_t>(nr);
      if (int err = bpf_map_update_elem(fd, &index, &value, BPF_ANY); err != 0)
        fail("fill shadow table entry " + std::to_string(index), err);
    }
}

void Tracer::shadow_cgroup(uint64_t cgroup_id, const std::vector<uint32_t>& slots) {
  if (slots.size() > kShadowSlotsPerCgroup)
    throw std::runtime_error("cgroup " + std::to_string(cgroup_id) + ": more than " +
                             std::to_string(kShadowSlotsPerCgroup) + " shadows at once");
  int slots_fd = bpf_map__fd(impl_->skel->maps.sc_shadow_cgroups);
  // Lanes: a (cgroup, slot) pair keeps its lane; a new pair takes a free one (none free: it
  // counts in the hash map); a pair that goes moves its lane's counts to the hash map.
  auto entries = impl_->shadow_entries();
  std::set<uint32_t> taken;
  for (const auto& [cg, v] : entries)
    for (uint32_t i = 0; i < v.n && i < kShadowSlotsPerCgroup; ++i)
      if (v.lane[i] < SC_SHADOW_MAX_LANES) taken.insert(v.lane[i]);
  std::map<uint32_t, uint32_t> had;  // slot -> lane
  if (auto it = entries.find(cgroup_id); it != entries.end())
    for (uint32_t i = 0; i < it->second.n && i < kShadowSlotsPerCgroup; ++i) had[it->second.slot[i]] = it->second.lane[i];
  sc_shadow_slots v{};
  v.n = static_cast<uint32_t>(slots.size());
  for (size_t i = 0; i < slots.size(); ++i) {
    v.slot[i] = slots[i];
    v.lane[i] = SC_SHADOW_NO_LANE;
    if (auto h = had.find(slots[i]); h != had.end()) {
      v.lane[i] = h->second;
      had.erase(h);
      continue;
    }
    for (uint32_t lane = 0; lane < SC_SHADOW_MAX_LANES; ++lane)
      if (!taken.count(lane)) {
        v.lane[i] = lane;
        taken.insert(lane);
        impl_->fold_lane(lane, 0, 0, false);  // a free lane is empty; make sure
        break;
      }
  }
  if (slots.empty()) {
    if (bpf_map_delete_elem(slots_fd, &cgroup_id) != 0 && errno != ENOENT)
      fail("unshadow cgroup " + std::to_string(cgroup_id), errno);
  } else if (int err = bpf_map_update_elem(slots_fd, &cgroup_id, &v, BPF_ANY); err != 0) {
    fail("shadow cgroup " + std::to_string(cgroup_id), err);
  }
  for (const auto& [slot, lane] : had) impl_->fold_lane(lane, cgroup_id, slot, true);
  int fd = bpf_map__fd(impl_->skel->maps.sc_watched);
  sc_watch_val w{};
  if (bpf_map_lookup_elem(fd, &cgroup_id, &w) != 0) {
    if (slots.empty()) return;
    throw std::runtime_error("shadow cgroup " + std::to_string(cgroup_id) + ": not watched");
  }
  w.flags = slots.empty() ? (w.flags & ~SC_WATCH_SHADOW) : (w.flags | SC_WATCH_SHADOW);
  if (int err = bpf_map_update_elem(fd, &cgroup_id, &w, BPF_EXIST); err != 0)
    fail("mark cgroup " + std::to_string(cgroup_id) + " shadowed", err);
}

std::vector<ShadowCount> Tracer::shadow_counts() const {
  std::vector<ShadowCount> out;
  for_each_entry<sc_shadow_key, uint64_t>(bpf_map__fd(impl_->skel->maps.sc_shadow_counts),
                                          [&](const sc_shadow_key& k, const uint64_t& count) {
    ShadowCount c;
    c.cgroup_id = k.cgroup_id;
    c.slot = k.slot;
    c.audit_arch = k.arch;
    c.nr = k.nr;
    c.ret = k.ret;
    for (int i = 0; i < 6; ++i) {
      c.args[i] = k.args[i];
      c.has_args = c.has_args || k.args[i] != 0;
    }
    c.count = count;
    out.push_back(c);
  });
  if (!impl_->lanes) return out;
  for (const auto& [cg, v] : impl_->shadow_entries())
    for (uint32_t i = 0; i < v.n && i < kShadowSlotsPerCgroup; ++i) {
      if (v.lane[i] >= SC_SHADOW_MAX_LANES) continue;
      const uint64_t* lane = impl_->lanes + size_t{v.lane[i]} * Impl::kLaneEntries;
      for (uint32_t entry = 0; entry < Impl::kLaneEntries; ++entry) {
        uint64_t n = __atomic_load_n(&lane[entry], __ATOMIC_RELAXED);
        if (n == 0) continue;
        ShadowCount c;
        c.cgroup_id = cg;
        c.slot = v.slot[i];
        std::tie(c.audit_arch, c.nr) = Impl::lane_call(entry);
        c.ret = impl_->table_ret(v.slot[i], entry);
        c.count = n;
        out.push_back(c);
      }
    }
  return out;
}

void Tracer::shadow_forget(uint32_t slot) {
  if (slot >= kShadowMaxSlots) return;
  // First out of every cgroup's entry (its lanes emptied, their counts dropped), so that no
  // call is counted for it while its table is cleared.
  int slots_fd = bpf_map__fd(impl_->skel->maps.sc_shadow_cgroups);
  for (auto [cg, v] : impl_->shadow_entries()) {
    sc_shadow_slots kept{};
    std::vector<uint32_t> freed;
    for (uint32_t i = 0; i < v.n && i < kShadowSlotsPerCgroup; ++i) {
      if (v.slot[i] == slot) {
        freed.push_back(v.lane[i]);
        continue;
      }
      kept.slot[kept.n] = v.slot[i];
      kept.lane[kept.n] = v.lane[i];
      ++kept.n;
    }
    if (freed.empty()) continue;
    if (int err = bpf_map_update_elem(slots_fd, &cg, &kept, BPF_EXIST); err != 0)
      fail("unshadow slot " + std::to_string(slot) + " of cgroup " + std::to_string(cg), err);
    for (uint32_t lane : freed) impl_->fold_lane(lane, cg, slot, false);
  }
  int table = bpf_map__fd(impl_->skel->maps.sc_shadow_table);
  uint64_t zero = 0;
  for (uint32_t i = 0; i < SC_SHADOW_ARCH_CLASSES * SC_SHADOW_TABLE_NR; ++i) {
    uint32_t index = slot * SC_SHADOW_ARCH_CLASSES * SC_SHADOW_TABLE_NR + i;
    bpf_map_update_elem(table, &index, &zero, BPF_ANY);
  }
  int fd = bpf_map__fd(impl_->skel->maps.sc_shadow_counts);
  for (const auto& k : map_keys<sc_shadow_key>(fd))
    if (k.slot == slot) bpf_map_delete_elem(fd, &k);
}

void Tracer::record_args(uint64_t cgroup_id, const ArgsWanted& wanted) {
  std::map<std::pair<uint32_t, uint32_t>, sc_learn_val> bitmaps;  // (arch, x32) -> bits
  for (const auto& [arch, nrs] : wanted)
    for (int32_t nr : nrs) {
      uint32_t x32 = (static_cast<uint32_t>(nr) & SC_X32_SYSCALL_BIT) ? 1 : 0;
      uint32_t n = static_cast<uint32_t>(nr) & ~SC_X32_SYSCALL_BIT;
      if (nr < 0 || n >= SC_LEARN_MAX_NR) continue;  // not recordable: the record says "not recorded"
      bitmaps[{arch, x32}].bits[n / 64] |= 1ULL << (n % 64);
    }
  int fd = bpf_map__fd(impl_->skel->maps.sc_args_wanted);
  for (const auto& k : map_keys<sc_learn_key>(fd))
    if (k.cgroup_id == cgroup_id && !bitmaps.count({k.arch, k.x32})) bpf_map_delete_elem(fd, &k);
  for (const auto& [ax, bits] : bitmaps) {
    sc_learn_key k{};
    k.cgroup_id = cgroup_id;
    k.arch = ax.first;
    k.x32 = ax.second;
    if (int err = bpf_map_update_elem(fd, &k, &bits, BPF_ANY); err != 0)
      fail("record arguments of cgroup " + std::to_string(cgroup_id), err);
  }
  int watched_fd = bpf_map__fd(impl_->skel->maps.sc_watched);
  sc_watch_val w{};
  if (bpf_map_lookup_elem(watched_fd, &cgroup_id, &w) != 0) {
    if (bitmaps.empty()) return;
    throw std::runtime_error("record arguments of cgroup " + std::to_string(cgroup_id) + ": not watched");
  }
  w.flags = bitmaps.empty() ? (w.flags & ~SC_WATCH_ARGS) : (w.flags | SC_WATCH_ARGS);
  if (int err = bpf_map_update_elem(watched_fd, &cgroup_id, &w, BPF_EXIST); err != 0)
    fail("mark cgroup " + std::to_string(cgroup_id) + " recorded", err);
}

std::vector<ArgCount> Tracer::arg_counts() const {
  std::vector<ArgCount> out;
  for_each_entry<sc_args_key, uint64_t>(bpf_map__fd(impl_->skel->maps.sc_args_counts),
                                        [&](const sc_args_key& k, const uint64_t& count) {
    ArgCount c;
    c.cgroup_id = k.cgroup_id;
    c.audit_arch = k.arch;
    c.nr = k.nr;
    for (int i = 0; i < 6; ++i) c.args[i] = k.args[i];
    c.count = count;
    out.push_back(c);
  });
  return out;
}

std::vector<ArgDrops> Tracer::arg_drops() const {
  std::vector<ArgDrops> out;
  for_each_entry<sc_args_budget_key, sc_args_budget>(bpf_map__fd(impl_->skel->maps.sc_args_budget),
                                                     [&](const sc_args_budget_key& k, const sc_args_budget& b) {
    if (b.dropped) out.push_back(ArgDrops{k.cgroup_id, k.arch, k.nr, b.dropped});
  });
  return out;
}

void Tracer::forget_args(uint64_t cgroup_id) {
  record_args(cgroup_id, {});
  int counts = bpf_map__fd(impl_->skel->maps.sc_args_counts);
  for (const auto& k : map_keys<sc_args_key>(counts))
    if (k.cgroup_id == cgroup_id) bpf_map_delete_elem(counts, &k);
  int budget = bpf_map__fd(impl_->skel->maps.sc_args_budget);
  for (const auto& k : map_keys<sc_args_budget_key>(budget))
    if (k.cgroup_id == cgroup_id) bpf_map_delete_elem(budget, &k);
}

uint64_t Tracer::args_lost() const { return impl_->kernel_stat(SC_STAT_ARGS_FULL); }

uint64_t Tracer::shadow_lost() const { return impl_->kernel_stat(SC_STAT_SHADOW_FULL) + impl_->fold_lost; }

std::vector<VerdictCount> Tracer::counts() const {
  std::vector<VerdictCount> out;
  for_each_entry<sc_count_key, sc_count_val>(bpf_map__fd(impl_->skel->maps.sc_counts),
                                             [&](const sc_count_key& k, const sc_count_val& v) {
    out.push_back(VerdictCount{k.cgroup_id, k.arch, k.nr, k.action, k.error, v.count, v.first_ns, v.last_ns});
  });
  return out;
}

std::optional<uint64_t> Tracer::cgroup_of_tgid(int32_t tgid) const {
  uint32_t key = static_cast<uint32_t>(tgid);
  sc_proc_val v{};
  if (bpf_map_lookup_elem(bpf_map__fd(impl_->skel->maps.sc_procs), &key, &v) == 0) return v.cgroup_id;
  // Started before the tracer and still running: ask /proc.
  try {
    auto path = sc::host::cgroup2_path_of(tgid);
    if (!path) return std::nullopt;
    return sc::host::cgroup_id(sc::host::cgroup2_mount() + *path);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::map<uint32_t, std::vector<int32_t>> Tracer::learned(uint64_t cgroup_id) const {
  std::map<uint32_t, std::vector<int32_t>> out;
  int fd = bpf_map__fd(impl_->skel->maps.sc_learned);
  sc_learn_key key{}, next{};
  sc_learn_key* prev = nullptr;
  while (bpf_map_get_next_key(fd, prev, &next) == 0) {
    sc_learn_val v{};
    if (next.cgroup_id == cgroup_id && bpf_map_lookup_elem(fd, &next, &v) == 0) {
      auto& nrs = out[next.arch];
      for (int word = 0; word < SC_LEARN_WORDS; ++word)
        for (int bit = 0; bit < 64; ++bit)
          if (v.bits[word] & (1ULL << bit))
            nrs.push_back((word * 64 + bit) | (next.x32 ? static_cast<int32_t>(SC_X32_SYSCALL_BIT) : 0));
    }
    key = next;
    prev = &key;
  }
  return out;
}

int Tracer::poll(int timeout_ms, const std::function<void(const SampleEvent&)>& on_sample) {
  if (!impl_->rb) {
    impl_->rb = ring_buffer__new(bpf_map__fd(impl_->skel->maps.sc_samples), &Impl::handle_sample, impl_, nullptr);
    if (!impl_->rb) fail("open the sample ring buffer", errno);
  }
  impl_->on_sample = &on_sample;
  impl_->handled = 0;
  int rc = ring_buffer__poll(impl_->rb, timeout_ms);
  impl_->on_sample = nullptr;
  if (rc < 0 && rc != -EINTR) fail("poll the sample ring buffer", rc);
  return impl_->handled;
}

uint64_t Tracer::samples_lost() const {
  return impl_->kernel_stat(SC_STAT_RINGBUF_FULL) + impl_->kernel_stat(SC_STAT_RATE_LIMITED);
}

TracerStats Tracer::stats() const {
  TracerStats s;
  s.samples_ringbuf_full = impl_->kernel_stat(SC_STAT_RINGBUF_FULL);
  s.samples_rate_limited = impl_->kernel_stat(SC_STAT_RATE_LIMITED);
  s.counts_map_full = impl_->kernel_stat(SC_STAT_COUNTS_FULL);
  s.learn_out_of_range = impl_->kernel_stat(SC_STAT_LEARN_RANGE);
  s.skips_seen = impl_->kernel_stat(SC_STAT_SKIP_SEEN);
  return s;
}

bool Tracer::syscall_hooks_attached() const { return impl_->attached(hook_name(Hook::SysExit)); }

void Tracer::unpin() {
  // Links first (programs stop), then the maps; then the directory, if now empty.
  for (auto& [name, link] : impl_->links) link.detach();
  impl_->links.clear();
  bpf_map* map = nullptr;
  bpf_object__for_each_map(map, impl_->skel->obj) {
    if (bpf_map__is_internal(map)) continue;
    bpf_map__unpin(map, nullptr);
  }
  for (const auto& p : tracer_programs()) unlink(impl_->link_pin(p.program).c_str());
  rmdir(impl_->options.pin_dir.c_str());
}

}  // namespace sc::bpf
