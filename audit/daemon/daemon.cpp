#include "audit/daemon/daemon.h"

#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "audit/attribution/attributor.h"
#include "audit/daemon/arch_names.h"
#include "common/arch.h"
#include "common/seccomp_ret.h"
#include "state/journal.h"
#include "state/observation.h"
#include "audit/daemon/reattribute.h"
#include "audit/daemon/arg_recorder.h"
#include "audit/daemon/shadow_evaluator.h"
#include "state/state_file.h"
#include "audit/daemon/would_be.h"
#include "audit/daemon/workload.h"
#include "audit/ownership/ownership.h"
#include "audit/sources/seccomp_record.h"
#include "audit/sources/source.h"
#include "state/coverage.h"
#include "bytes/untrusted.h"
#include "host/atomic_file.h"
#include "host/cgroup2.h"
#include "isolator/registry/registry.h"
#include "bpf/tracer.h"
#include "metrics/exporter.h"

namespace sc::audit {
namespace {

// How long the cgroup id of a container that went away still attributes late tracer counts.
constexpr int64_t kKeepGoneCgroupNs = int64_t{600} * 1'000'000'000;

std::atomic<bool> g_signalled{false};
void on_signal(int) { g_signalled = true; }

int64_t realtime_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}
int64_t boottime_ns() {
  timespec ts{};
  clock_gettime(CLOCK_BOOTTIME, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

using Clock = std::chrono::steady_clock;

// True when the whole process `pid` is dying of SIGSYS (what the kernel does for a KILL_THREAD
// in a single-threaded process: force_sig_seccomp, a core dump) or is already gone. A
// KILL_THREAD in a multi-threaded process only ends one thread (do_exit): none of these hold.
bool process_dying_of_sigsys(int32_t pid) {
  if (pid <= 0) return false;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  if (!status) return true;  // reaped
  std::string line;
  bool any = false;
  while (std::getline(status, line)) {
    any = true;
    auto value = [&](const char* name) -> std::optional<std::string> {
      size_t n = std::strlen(name);
      if (line.compare(0, n, name) != 0) return std::nullopt;
      size_t at = line.find_first_not_of(" \t", n);
      return at == std::string::npos ? std::string() : line.substr(at);
    };
    if (auto v = value("State:"); v && !v->empty() && ((*v)[0] == 'Z' || (*v)[0] == 'X')) return true;
    if (auto v = value("CoreDumping:"); v && *v == "1") return true;
    for (const char* pending : {"SigPnd:", "ShdPnd:"})
      if (auto v = value(pending); v && !v->empty()) {
        uint64_t mask = std::strtoull(v->c_str(), nullptr, 16);
        if (mask & (uint64_t{1} << (SIGSYS - 1))) return true;
      }
  }
  return !any;
}

struct Watch {
  std::string path;
  std::string container_id;
  int64_t since_ns = 0;   // CLOCK_REALTIME when the tracer started watching
  bool exact = false;
  int64_t until_ns = 0;   // when the watch ended (gone_watched_ only)
  ownership::WatchedCgroupView view() const { return {since_ns, exact, until_ns}; }
};

// Where a verdict came from, resolved to a cgroup.
struct Place {
  std::string path;        // relative to the cgroup2 mount, "" when unknown
  uint64_t cgroup_id = 0;
};

class Daemon {
 public:
  Daemon(const DaemonOptions& o, const DaemonSeams& seams) : opts_(o), seams_(seams), attributor_({}) {}
  int run(std::atomic<bool>* stop);

 private:
  bool start();
  void load_state();
  void open_sources();
  void rescan();
  void refresh_registry();
  // inotify on <runtime_dir>/containers, or on its nearest existing ancestor until it exists.
  void arm_registry_watch();
  bool registry_watch_fired();   // drains the events; true when the registry may have changed
  void open_proc_connector();
  // Moves counts recorded under a bare cgroup into the container whose registry entry now
  // names it (caller holds mu_); returns true when something moved (then flush).
  bool reattribute_locked();
  void handle_audit(int type, std::string_view text, std::map<std::pair<std::string, VerdictKey>, Observation>& batch);
  // handle_audit(), with any exception a record's content provokes logged: one hostile record
  // must not stop the daemon.
  void handle_audit_guarded(int type, std::string_view text,
                            std::map<std::pair<std::string, VerdictKey>, Observation>& batch);
  void commit_batch(std::map<std::pair<std::string, VerdictKey>, Observation>& batch);
  void settle_pending_kills(bool all);
  Place place_of_pid(int32_t pid);
  std::optional<std::string> path_of_cgroup_id(uint64_t id) const;
  Observation observation_for(const Place& place, int32_t pid);
  bool tracer_owns(common::Action action, uint64_t cgroup_id, int64_t ts_ns) const;
  void refresh_syscall_hooks();
  void decide_would_be(Observation& o, uint32_t audit_arch, const uint64_t* args);
  void collect_tracer();
  // Adds the tracer's learned syscalls of one cgroup to its container (caller holds mu_).
  void merge_learned(uint64_t cgroup_id, const std::string& container_id);
  void poll_tracer_samples();
  void flush();
  // The watched set as state.json shows it (daemon.watched).
  std::vector<WatchedCgroup> watched_status() const;
  void account_audit_losses();
  State snapshot() {
    std::lock_guard lock(mu_);
    return state_;
  }
  bpf::Tracer* tracer() const {
    return tracer_.get();
  }

  bool process_dying(int32_t pid) const {
    return seams_.process_dying ? seams_.process_dying(pid) : process_dying_of_sigsys(pid);
  }

  DaemonOptions opts_;
  DaemonSeams seams_;
  std::mutex mu_;  // guards state_ (the metrics exporter reads it from its own thread)
  State state_;
  Bookkeeping books_;
  attribution::Attributor attributor_;
  WouldBe would_be_;
  ShadowEvaluator shadow_{opts_.state_dir};
  ArgRecorder args_;
  ownership::PendingKills<Observation> pending_kills_;  // kill_thread records waiting to see their process die
  std::string cgroup_mount_;
  std::unique_ptr<Source> audit_;  // the kernel audit stream (audit/sources/source.h)
  // When the audit stream last brought a record: the kernel's lost counter is asked for only
  // after a second without any (see account_audit_losses).
  std::chrono::steady_clock::time_point audit_last_record_{};
  std::set<std::string> unseen_warned_;  // containers whose denials nobody sees, warned about
  std::unique_ptr<Journal> journal_;
  uint64_t audit_overruns_accounted_ = 0;
  int inotify_fd_ = -1;
  int registry_wd_ = -1;
  std::string registry_watched_;  // the directory registry_wd_ watches ("" none)
  std::unique_ptr<Source> proc_;  // the process connector: pid -> cgroup from fork time (no BPF needed)
  uint64_t proc_events_base_ = 0, proc_lost_base_ = 0;  // from earlier runs (state.json)
  bool registry_readable_ = true;
  std::chrono::steady_clock::time_point last_registry_refresh_{};
  std::string last_registry_error_;
  std::map<uint64_t, Watch> watched_;
  // Watches that ended (their container went), kept for kKeepGoneCgroupNs: the records of a
  // container's last calls are often read after its exit ended the watch, and those stamped
  // while it lasted were counted by the tracer (ownership::WatchedCgroupView::until_ns).
  std::map<uint64_t, Watch> gone_watched_;
  // cgroup id -> path, for attributing tracer counts and samples. Kept for kKeepGoneCgroupNs
  // after a cgroup was last seen: counts of a container that just exited (its cgroup removed)
  // are often read after the scan that noticed it gone.
  struct KnownCgroup {
    std::string path;
    int64_t last_seen_ns = 0;
  };
  std::map<uint64_t, KnownCgroup> known_cgroups_;
  std::unordered_map<int32_t, std::pair<std::string, int64_t>> pid_cache_;  // pid -> (cgroup path, when)
  std::unique_ptr<bpf::Tracer> tracer_;
  // What the tracer sees (audit_seccomp, signal_generate, the syscall hooks): the inputs of
  // the ownership rules (audit/ownership/ownership.h).
  ownership::TracerHooks hooks_;
  std::unique_ptr<metrics::Exporter> exporter_;
};

// ---- start-up ---------------------------------------------------------------------------

void Daemon::load_state() {
  host::make_directories(opts_.state_dir, 0750);
  LoadedState loaded = load_state_file(opts_.state_dir);
  if (!loaded.set_aside.empty())
    spdlog::error("state file {} is corrupt ({}); moved aside to {} (nothing discarded); starting from "
                  "an empty state plus the journal",
                  state_file_path(opts_.state_dir), loaded.error, loaded.set_aside);
  state_ = std::move(loaded.state);
  books_ = std::move(loaded.books);
  books_.watched.clear();  // the previous run's; this one watches nothing yet
  // A journal that cannot be read (or whose content cannot be saved) is moved aside like a
  // corrupt state file: the daemon starts from the state file alone and keeps running.
  std::string journal = journal_file_path(opts_.state_dir);
  State loaded_state = state_;
  Bookkeeping loaded_books = books_;
  ReplayResult replay;
  std::string journal_problem;
  bool journal_moved = false;
  auto set_journal_aside = [&](const std::string& why, const char* kept) {
    if (journal_moved) {
      spdlog::error("journal: {} ({})", why, kept);
      return;
    }
    std::string aside = set_aside_file(journal);  // throws when it cannot: then the dir is unusable
    journal_moved = true;
    spdlog::error("journal {}: {}; moved aside to {} ({})", journal, why, aside, kept);
  };
  try {
    replay = replay_journal(journal, books_.journal_seq, [&](const Observation& o) { apply(state_, o); });
  } catch (const std::exception& e) {
    state_ = loaded_state;
    books_ = loaded_books;
    replay = ReplayResult{};
    journal_problem = std::string("cannot be replayed: ") + e.what();
  }
  if (replay.last_seq > books_.journal_seq) books_.journal_seq = replay.last_seq;
  if (!journal_problem.empty())
    set_journal_aside(journal_problem, "none of it replayed");
  else if (replay.torn_lines)
    set_journal_aside(std::to_string(replay.torn_lines) + " unreadable line(s) skipped (a torn final line is a batch "
                      "a crash interrupted before it was acknowledged)", "the readable batches were replayed");
  spdlog::info("state: {} container(s) from {}{}; journal replayed {} batch(es), {} observation(s)",
               state_.containers.size(), state_file_path(opts_.state_dir),
               loaded.existed ? "" : " (new)", replay.batches, replay.observations);
  // Make the replayed batches part of state.json now, then start a fresh journal.
  ++books_.flush_seq;
  try {
    save_state_file(opts_.state_dir, state_, books_);
  } catch (const nlohmann::json::exception& e) {  // what the journal held cannot be written
    if (replay.batches == 0) throw;
    state_ = std::move(loaded_state);
    books_ = std::move(loaded_books);
    books_.watched.clear();
    ++books_.flush_seq;
    set_journal_aside(std::string("its batches cannot be saved: ") + e.what(), "none of it kept in the state");
    save_state_file(opts_.state_dir, state_, books_);
  }
  journal_ = std::make_unique<Journal>(journal_file_path(opts_.state_dir));
  journal_->truncate();
}

void Daemon::open_sources() {
  SourceHealth audit_health, bpf_health;
  if (opts_.sources == "auto" || opts_.sources == "audit") {
    try {
      audit_ = seams_.audit ? seams_.audit() : open_audit_stream();
      audit_health.live = true;
      audit_health.detail = audit_->detail();
      // The kernel's lost counter from before the first flush is the base (unless the state
      // file has one); losses are its increments.
      if (auto lost = audit_->kernel_lost(); lost && !books_.have_kernel_lost_base) {
        books_.audit_kernel_lost_base = *lost;
        books_.have_kernel_lost_base = true;
      }
    } catch (const std::exception& e) {
      audit_health.detail = std::string("not live: ") + e.what();
    }
  } else {
    audit_health.detail = "disabled (--sources=" + opts_.sources + ")";
  }
  if (opts_.sources == "auto" || opts_.sources == "bpf") {
    try {
      bpf::TracerOptions to;
      to.pin_dir = opts_.pin_dir;
      to.syscall_hooks = opts_.syscall_hooks == "on"    ? bpf::SyscallHooks::On
                         : opts_.syscall_hooks == "off" ? bpf::SyscallHooks::Off
                                                        : bpf::SyscallHooks::Auto;
      to.disable = opts_.disable_programs;
      tracer_ = std::make_unique<bpf::Tracer>(to);
      hooks_.present = true;
      bpf::TracerCoverage coverage = tracer_->coverage();
      hooks_.audit = coverage.logged_verdicts;
      hooks_.signal = coverage.traps_and_kills;
      std::string detail, off;
      for (const auto& h : tracer_->hooks()) {
        bpf_health.hooks.push_back(HookHealth{h.name, h.live || (coverage.errno_skips && (h.program == "sc_sys_enter" || h.program == "sc_sys_exit")),
                                              h.serves, h.reason});
        const HookHealth& hh = bpf_health.hooks.back();
        if (hh.live) detail += (detail.empty() ? "" : ", ") + h.name;
        else if (h.name != "kprobe/audit_seccomp" || !hooks_.audit)
          off += (off.empty() ? "" : "; ") + h.name + " (" + h.reason + ")";
      }
      bpf_health.live = true;
      bpf_health.detail = "hooks: " + (detail.empty() ? std::string("none") : detail);
      if (!off.empty()) spdlog::warn("bpf: hooks not live: {}", off);
    } catch (const std::exception& e) {
      bpf_health.detail = std::string("not live: ") + e.what();
    }
  } else {
    bpf_health.detail = "disabled (--sources=" + opts_.sources + ")";
  }
  if (!tracer_ && seams_.tracer_hooks) hooks_ = *seams_.tracer_hooks;  // tests: the rules as if a tracer ran
  std::lock_guard lock(mu_);
  auto keep = [&](const char* name, SourceHealth h) {
    SourceHealth& s = state_.sources[name];  // events/lost accumulate across restarts
    s.live = h.live;
    s.detail = h.detail;
    s.hooks = h.hooks;
  };
  keep("audit", audit_health);
  keep("bpf", bpf_health);
  shadow_.restore(tracer(), state_);
}

bool Daemon::start() {
  try {
    load_state();
  } catch (const std::exception& e) {
    spdlog::critical("cannot use state dir {}: {}", opts_.state_dir, e.what());
    return false;
  }
  try {
    attributor_ = attribution::Attributor(opts_.cgroup_rules.empty()
        ? attribution::parse_cgroup_rules(attribution::default_cgroup_rules_json(), "default rules")
        : attribution::load_cgroup_rules_file(opts_.cgroup_rules));
  } catch (const std::exception& e) {
    spdlog::critical("cgroup rules: {}", e.what());
    return false;
  }
  try {
    cgroup_mount_ = seams_.cgroup_mount ? *seams_.cgroup_mount : host::cgroup2_mount();
  } catch (const std::exception& e) {
    spdlog::warn("no cgroup2 mount ({}): verdicts are attributed by registry pid only", e.what());
  }
  inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ < 0)
    spdlog::warn("runtime dir: no inotify ({}); rescanning every {} s instead", std::strerror(errno),
                 opts_.scan_interval_s);
  arm_registry_watch();
  open_sources();
  open_proc_connector();
  if (!audit_
      && !tracer_
  ) {
    spdlog::critical("no source is live: audit: {}; bpf: {}", state_.sources["audit"].detail,
                     state_.sources["bpf"].detail);
    return false;
  }
  rescan();
  if (!opts_.listen.empty() && opts_.listen != "off") {
    try {
      metrics::ExporterOptions eo;
      eo.listen = opts_.listen;
      eo.retention_seconds = opts_.metrics_retention_s;
      eo.max_series_per_container = opts_.metrics_max_series;
      exporter_ = std::make_unique<metrics::Exporter>(eo, [this] { return snapshot(); });
      spdlog::info("metrics: http://{}/metrics", exporter_->address());
    } catch (const std::exception& e) {
      spdlog::critical("metrics: cannot listen on {}: {}", opts_.listen, e.what());
      return false;
    }
  }
  spdlog::info("process connector {} [{}]", proc_ ? "LIVE" : "OFF", state_.sources["proc_connector"].detail);
  spdlog::info("seccomp-audit running: audit stream {} [{}]; bpf tracer {} [{}]; syscall hooks {}; "
               "tracer counts {}; the audit stream counts the rest; watching {} cgroup(s); "
               "flush every {} s to {}",
               audit_ ? "LIVE" : "OFF", state_.sources["audit"].detail,
               state_.sources["bpf"].live ? "LIVE" : "OFF", state_.sources["bpf"].detail,
               hooks_.syscall ? "live"
               : opts_.syscall_hooks == "auto" && state_.sources["bpf"].live
                   ? "not attached yet (auto: attached at the first watched cgroup that wants them)"
                   : "off",
               ownership::tracer_counts_summary(hooks_), watched_.size(),
               opts_.flush_interval_s, state_file_path(opts_.state_dir));
  // Which verdict classes no live source sees (the same rule `suggest` and `report` apply).
  for (const auto& gap : coverage_of(state_).gaps)
    spdlog::warn("coverage: {} {} ({})", gap.partial ? "partly not seen:" : "NOT SEEN:", gap.verdict_class, gap.why);
  if (!audit_) spdlog::warn("DEGRADED: audit stream off: LOG verdicts (and kill/errno records) come only from the tracer");
  if (!state_.sources["bpf"].live)
    spdlog::warn("DEGRADED: bpf tracer off: counts come from the audit stream only (records lost under "
                 "storms are counted in sources.audit.lost; ERRNO/TRAP are seen only for filters loaded "
                 "with the LOG flag)");
  return true;
}

// ---- attribution -----------------------------------------------------------------------

Place Daemon::place_of_pid(int32_t pid) {
  int64_t now = realtime_ns();
  auto cached = pid_cache_.find(pid);
  if (cached != pid_cache_.end() && now - cached->second.second < 2'000'000'000)
    return {cached->second.first, 0};
  if (auto path = host::cgroup2_path_of(pid)) {
    pid_cache_[pid] = {*path, now};
    return {*path, 0};
  }
  // Gone already (a kill, or a short-lived process read late): the tracer's tgid -> cgroup id
  // map remembers where it ran.
  uint64_t traced_id = 0;
  if (tracer_)
    if (auto id = tracer_->cgroup_of_tgid(pid)) {
      traced_id = *id;
      if (auto path = path_of_cgroup_id(*id)) return {*path, *id};
    }
  if (cached != pid_cache_.end()) return {cached->second.first, 0};  // stale but the best we have
  if (const registry::Entry* e = attributor_.entry_by_pid(pid)) return {e->cgroup_path, e->cgroup_id};
  // The process connector saw it fork/exec/exit (a short-lived child, gone before its record
  // was read). Its fork event was queued before the record was written: drain, then ask.
  if (proc_) {
    auto known = proc_->cgroup_of(pid);
    if (!known && proc_->poll(0, {})) known = proc_->cgroup_of(pid);
    if (known) {
      pid_cache_[pid] = {*known, now};
      return {*known, 0};
    }
  }
  // The registry entry naming it (or its cgroup) may be newer than our last scan: re-read the
  // registry (at most 20 times a second) and look again.
  auto now_steady = Clock::now();
  if (registry_readable_ && now_steady - last_registry_refresh_ > std::chrono::milliseconds(50)) {
    last_registry_refresh_ = now_steady;
    refresh_registry();
    if (traced_id)
      if (auto path = path_of_cgroup_id(traced_id)) return {*path, traced_id};
    if (const registry::Entry* e = attributor_.entry_by_pid(pid)) return {e->cgroup_path, e->cgroup_id};
  }
  return {std::string(), traced_id};
}

// Every registry entry's id is recorded when the registry is read (refresh_registry, rescan).
std::optional<std::string> Daemon::path_of_cgroup_id(uint64_t id) const {
  if (auto it = known_cgroups_.find(id); it != known_cgroups_.end()) return it->second.path;
  return std::nullopt;
}

Observation Daemon::observation_for(const Place& place, int32_t pid) {
  Observation o;
  if (place.path.empty() && place.cgroup_id == 0) {
    o.container_id = "unattributed";
    o.runtime = "";
    (void)pid;
    return o;
  }
  if (place.path.empty()) {
    o.container_id = "cgroup:" + std::to_string(place.cgroup_id);
    o.runtime = "cgroup";
    o.cgroup_id = place.cgroup_id;
    return o;
  }
  attribution::Attribution a = attributor_.attribute(place.path);
  o.container_id = a.container_id;
  o.runtime = a.runtime;
  o.cgroup_path = a.cgroup_path;
  o.cgroup_id = place.cgroup_id;
  if (a.entry) {
    o.cgroup_id = a.entry->cgroup_id;
    o.mode = a.entry->mode;
    o.profile_name = a.entry->profile_name;
    o.profile_path = a.entry->profile_path;
    o.profile_sha256 = a.entry->profile_sha256;
    o.capabilities = a.entry->capabilities;
  }
  if (o.cgroup_id == 0)
    for (const auto& [id, w] : watched_)
      if (w.path == a.cgroup_path) o.cgroup_id = id;
  return o;
}

// In Auto mode the tracer attaches sys_enter/sys_exit at the first watch(id, true) and may
// detach them later: ask it after every change of the watched set, not once at start-up.
void Daemon::refresh_syscall_hooks() {
  if (!tracer_ && seams_.tracer_hooks) return;  // a test's hooks, as given
  bool live = tracer_ && opts_.syscall_hooks != "off" && tracer_->syscall_hooks_attached();
  if (live && !hooks_.syscall) {
    hooks_.syscall_since_ns = realtime_ns();
    spdlog::info("bpf: syscall hooks attached: the tracer counts ERRNO for exact cgroups from now on");
  } else if (!live && hooks_.syscall) {
    spdlog::info("bpf: syscall hooks detached: the audit stream counts ERRNO again");
  }
  hooks_.syscall = live;
}

// Audit mode: a `log` verdict of a container whose enforcing profile is known gets the
// action that profile would have taken (docs/daemon.md, "would_be_action").
void Daemon::decide_would_be(Observation& o, uint32_t audit_arch, const uint64_t* args) {
  if (o.key.action != common::Action::Log || o.mode != "audit" || o.profile_path.empty()) return;
  o.would_be_action = would_be_.verdict(o.profile_path, o.profile_sha256, o.capabilities, audit_arch, o.key.nr, args);
}

// ---- which source counts what (docs/daemon.md, "Sources") --------------------------------

// The rules are audit/ownership's; the daemon supplies the watched cgroup.
bool Daemon::tracer_owns(common::Action action, uint64_t cgroup_id, int64_t ts_ns) const {
  auto it = watched_.find(cgroup_id);
  if (it == watched_.end()) {
    it = gone_watched_.find(cgroup_id);
    if (it == gone_watched_.end()) return ownership::tracer_owns_record(hooks_, nullptr, action, ts_ns);
  }
  ownership::WatchedCgroupView view = it->second.view();
  return ownership::tracer_owns_record(hooks_, &view, action, ts_ns);
}

// ---- the audit stream ------------------------------------------------------------------

void Daemon::handle_audit(int type, std::string_view text,
                          std::map<std::pair<std::string, VerdictKey>, Observation>& batch) {
  if (type != kAuditSeccompType) return;
  auto r = parse_seccomp_record(text);
  if (!r) {
    spdlog::debug("audit: unparsable seccomp record: {}", text);
    return;
  }
  Place place = place_of_pid(r->pid);
  Observation o = observation_for(place, r->pid);
  o.key = VerdictKey{common::arch_of(r->arch, r->syscall), r->syscall, common::action_of(r->code), -1};
  o.syscall = syscall_name(r->arch, r->syscall);
  decide_would_be(o, r->arch, nullptr);
  int64_t ts = r->timestamp_ns ? r->timestamp_ns : realtime_ns();
  o.first_ns = o.last_ns = ts;
  o.count = tracer_owns(o.key.action, o.cgroup_id, ts) ? 0 : 1;
  Sample s;
  s.comm = r->comm;
  s.exe = r->exe;
  s.pid = r->pid;
  s.instruction_pointer = r->ip;
  o.sample = std::move(s);
  // A KILL_THREAD that killed a single-threaded process: the tracer sees the process die of
  // SIGSYS and counts it as kill_process. When the tracer owns kills for this cgroup and the
  // process is dying of SIGSYS (core dump, pending SIGSYS, zombie, reaped) the record is the
  // same kill: fold it into the tracer's count (it keeps only its sample).
  if (o.count && o.key.action == common::Action::KillThread) {
    bool owns_kills = tracer_owns(common::Action::KillProcess, o.cgroup_id, ts);
    switch (ownership::classify_kill_thread(owns_kills, owns_kills && process_dying(r->pid))) {
      case ownership::KillThreadRecord::Count: break;
      case ownership::KillThreadRecord::Fold: o.count = 0; break;
      case ownership::KillThreadRecord::Hold:
        // The record can be read before the kernel delivers the SIGSYS: look again shortly.
        pending_kills_.hold(std::move(o), r->pid, Clock::now());
        return;
    }
  }
  auto [it, created] = batch.try_emplace({o.container_id, o.key}, o);
  if (!created) {  // same verdict twice in one batch: one journal entry
    it->second.count += o.count;
    it->second.first_ns = std::min(it->second.first_ns, o.first_ns);
    it->second.last_ns = std::max(it->second.last_ns, o.last_ns);
  }
}

void Daemon::handle_audit_guarded(int type, std::string_view text,
                                  std::map<std::pair<std::string, VerdictKey>, Observation>& batch) {
  try {
    handle_audit(type, text, batch);
  } catch (const std::exception& e) {
    spdlog::error("audit: record skipped ({}): {}", e.what(), bytes::display_text(text));
  }
}

// A pending kill_thread whose process died of SIGSYS is the tracer's kill_process (sample
// only); one whose process still runs at the deadline (a multi-threaded process) counts.
void Daemon::settle_pending_kills(bool all) {
  if (pending_kills_.empty()) return;
  std::map<std::pair<std::string, VerdictKey>, Observation> batch;
  pending_kills_.settle(Clock::now(), all, [this](int32_t pid) { return process_dying(pid); },
                        [&](Observation o, bool folded) {
    if (folded) o.count = 0;
    auto [b, created] = batch.try_emplace({o.container_id, o.key}, o);
    if (!created) b->second.count += o.count;
  });
  commit_batch(batch);
}

void Daemon::commit_batch(std::map<std::pair<std::string, VerdictKey>, Observation>& batch) {
  if (batch.empty()) return;
  std::vector<Observation> observations;
  observations.reserve(batch.size());
  uint64_t records = 0;
  for (auto& [k, o] : batch) {
    records += o.count;
    observations.push_back(std::move(o));
  }
  batch.clear();
  // Durable first, then visible: a crash after this line replays the batch exactly once.
  uint64_t seq = books_.journal_seq + 1;
  try {
    journal_->append(seq, observations);
  } catch (const nlohmann::json::exception& e) {  // a string the journal cannot hold: drop this batch only
    spdlog::error("journal: batch of {} observation(s) not recorded: {}", observations.size(), e.what());
    return;
  }
  std::lock_guard lock(mu_);
  books_.journal_seq = seq;
  for (const auto& o : observations) apply(state_, o);
  state_.sources["audit"].events += records;
}

void Daemon::account_audit_losses() {
  if (!audit_) return;
  uint64_t overruns = audit_->overruns() - audit_overruns_accounted_;
  audit_overruns_accounted_ = audit_->overruns();
  uint64_t kernel = 0;
  // A fresh reading for the next flush, asked for only once the stream has been silent for a
  // second (see kernel_lost_reader.h: a request made while records are coming can take the
  // wake-up a container's logging thread needs and keep it asleep for 60 s). The counter only
  // grows: what is lost during a burst is counted after it.
  if (Clock::now() - audit_last_record_ >= std::chrono::seconds(1)) audit_->request_kernel_lost();
  if (auto lost = audit_->kernel_lost()) {
    uint64_t now = *lost;
    if (books_.have_kernel_lost_base) kernel = now >= books_.audit_kernel_lost_base ? now - books_.audit_kernel_lost_base : now;
    books_.audit_kernel_lost_base = now;
    books_.have_kernel_lost_base = true;
  }
  if (overruns + kernel == 0) return;
  std::lock_guard lock(mu_);
  state_.sources["audit"].lost += overruns + kernel;
  spdlog::warn("audit stream: {} record(s) lost ({} receive-buffer overruns, {} dropped by the kernel's "
               "backlog); total {}", overruns + kernel, overruns, kernel, state_.sources["audit"].lost);
}

// ---- the tracer ------------------------------------------------------------------------

void Daemon::collect_tracer() {
  if (!tracer_) return;
  std::vector<bpf::VerdictCount> counts;
  try {
    counts = tracer_->counts();
  } catch (const std::exception& e) {
    spdlog::error("bpf: reading counts failed: {}", e.what());
    return;
  }
  int64_t offset = realtime_ns() - boottime_ns();
  std::lock_guard lock(mu_);
  for (const auto& c : counts) {
    uint64_t& base = books_.tracer_baseline.counts[{c.cgroup_id, c.audit_arch, c.nr, c.action, c.error}];
    // Absolute values from pinned maps: apply only what is new since the last read (persisted
    // with the counts it produced). A smaller value means the maps were reset.
    uint64_t delta = c.count >= base ? c.count - base : c.count;
    base = c.count;
    if (delta == 0) continue;
    common::Action action = common::action_of(c.action);
    if (!ownership::take_tracer_count(hooks_, action)) continue;  // the audit stream owns it
    Place place{path_of_cgroup_id(c.cgroup_id).value_or(""), c.cgroup_id};
    if (place.path.empty())
      spdlog::warn("bpf: {} count(s) for cgroup id {}, which no scan has seen: attributed to cgroup:{}", delta,
                   c.cgroup_id, c.cgroup_id);
    Observation o = observation_for(place, 0);
    o.cgroup_id = c.cgroup_id;
    o.key = VerdictKey{common::arch_of(c.audit_arch, c.nr), c.nr, action, action == common::Action::Errno ? c.error : -1};
    o.syscall = syscall_name(c.audit_arch, c.nr);
    decide_would_be(o, c.audit_arch, nullptr);
    o.count = delta;
    o.first_ns = static_cast<int64_t>(c.first_ns) + offset;
    o.last_ns = static_cast<int64_t>(c.last_ns) + offset;
    apply(state_, o);
    state_.sources["bpf"].events += delta;
  }
  for (const auto& [id, w] : watched_) merge_learned(id, w.container_id);
  args_.collect(tracer_.get(), state_, books_.tracer_baseline);
  state_.sources["bpf"].lost = tracer_->samples_lost();
}

void Daemon::merge_learned(uint64_t cgroup_id, const std::string& container_id) {
  if (!tracer_) return;
  auto cit = state_.containers.find(container_id);
  if (cit == state_.containers.end()) return;
  try {
    for (const auto& [arch, nrs] : tracer_->learned(cgroup_id))
      for (int32_t nr : nrs) cit->second.learned[common::arch_of(arch, nr)].insert(nr);
  } catch (const std::exception& e) {
    spdlog::warn("bpf: reading learned syscalls of {}: {}", container_id, e.what());
  }
}

void Daemon::poll_tracer_samples() {
  if (!tracer_) return;
  int64_t offset = realtime_ns() - boottime_ns();
  std::vector<Observation> samples;
  tracer_->poll(0, [&](const bpf::SampleEvent& e) {
    Observation o = observation_for({path_of_cgroup_id(e.cgroup_id).value_or(""), e.cgroup_id}, e.pid);
    common::Action action = common::action_of(e.action);
    o.key = VerdictKey{common::arch_of(e.audit_arch, e.nr), e.nr, action, action == common::Action::Errno ? e.error : -1};
    o.syscall = syscall_name(e.audit_arch, e.nr);
    o.count = 0;  // counts come from the maps
    o.first_ns = o.last_ns = static_cast<int64_t>(e.ts_ns) + offset;
    Sample s;
    s.comm = e.comm;
    s.pid = e.pid;
    s.tid = e.tid;
    s.has_args = true;
    for (int i = 0; i < 6; ++i) s.args[i] = e.args[i];
    s.instruction_pointer = e.instruction_pointer;
    o.sample = s;
    decide_would_be(o, e.audit_arch, s.args.data());  // with the real arguments
    samples.push_back(std::move(o));
  });
  if (samples.empty()) return;
  std::lock_guard lock(mu_);
  for (const auto& o : samples) {
    // A sample alone never creates a row: it only decorates a verdict some source counted.
    auto c = state_.containers.find(o.container_id);
    if (c == state_.containers.end()) continue;
    auto v = c->second.verdicts.find(o.key);
    if (v != c->second.verdicts.end() && (!v->second.sample || !v->second.sample->has_args)) {
      std::string exe = v->second.sample ? v->second.sample->exe : "";
      v->second.sample = o.sample;
      v->second.sample->exe = exe;
      if (o.would_be_action) v->second.would_be_action = o.would_be_action;
    }
  }
}

// ---- watched set -----------------------------------------------------------------------

void Daemon::arm_registry_watch() {
  if (inotify_fd_ < 0) return;
  const std::string target = registry::containers_dir(opts_.runtime_dir);
  std::filesystem::path dir = std::filesystem::path(target).lexically_normal();
  for (;;) {
    bool is_target = dir == std::filesystem::path(target).lexically_normal();
    // The containers dir itself: every entry written or removed. An ancestor: only that the
    // next path component appears (or the watched dir itself goes).
    uint32_t mask = IN_ONLYDIR | IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF |
                    (is_target ? IN_CLOSE_WRITE | IN_DELETE | IN_MOVED_FROM : 0);
    int wd = inotify_add_watch(inotify_fd_, dir.c_str(), mask);
    if (wd >= 0) {
      if (registry_wd_ >= 0 && registry_wd_ != wd) inotify_rm_watch(inotify_fd_, registry_wd_);
      bool changed = registry_watched_ != dir.string();
      registry_wd_ = wd;
      registry_watched_ = dir.string();
      if (changed && is_target) spdlog::info("runtime dir: watching {}", target);
      else if (changed)
        spdlog::info("runtime dir: {} does not exist yet; watching {} for its creation (and rescanning every {} s)",
                     target, registry_watched_, opts_.scan_interval_s);
      return;
    }
    if ((errno != ENOENT && errno != ENOTDIR) || !dir.has_parent_path() || dir.parent_path() == dir) {
      spdlog::warn("runtime dir: cannot watch {} ({}); rescanning every {} s instead", dir.string(),
                   std::strerror(errno), opts_.scan_interval_s);
      registry_wd_ = -1;
      registry_watched_.clear();
      return;
    }
    dir = dir.parent_path();
  }
}

bool Daemon::registry_watch_fired() {
  if (inotify_fd_ < 0) return false;
  alignas(inotify_event) char events[4096];
  bool changed = false, rearm = false;
  const std::string target = std::filesystem::path(registry::containers_dir(opts_.runtime_dir)).lexically_normal().string();
  const bool on_target = registry_watched_ == target;
  // The path component below the watched ancestor that leads to the containers dir.
  std::string next;
  if (!on_target && !registry_watched_.empty()) {
    std::string rest = target.substr(std::min(target.size(), registry_watched_.size() + (registry_watched_ == "/" ? 0 : 1)));
    next = rest.substr(0, rest.find('/'));
  }
  ssize_t n;
  while ((n = ::read(inotify_fd_, events, sizeof events)) > 0) {
    for (ssize_t at = 0; at < n;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(events + at);
      at += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
      if (ev->wd != registry_wd_ && !(ev->mask & IN_Q_OVERFLOW)) continue;  // a watch given up already
      if (ev->mask & (IN_Q_OVERFLOW | IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
        rearm = changed = true;
      } else if (on_target) {
        changed = true;
      } else if (ev->len && next == ev->name) {  // the next component appeared: go down
        rearm = changed = true;
      }
    }
  }
  if (rearm) arm_registry_watch();
  return changed;
}

void Daemon::open_proc_connector() {
  SourceHealth health;
  if (opts_.proc_connector == "off") {
    health.detail = "disabled (--proc_connector=off)";
  } else {
    try {
      proc_ = seams_.proc_connector ? seams_.proc_connector() : audit::open_proc_connector();
      health.live = true;
      health.detail = proc_->detail();
    } catch (const std::exception& e) {
      health.detail = std::string("not live: ") + e.what();
    }
  }
  std::lock_guard lock(mu_);
  SourceHealth& s = state_.sources["proc_connector"];
  s.live = health.live;
  s.detail = health.detail;
  proc_events_base_ = s.events;
  proc_lost_base_ = s.lost;
}

bool Daemon::reattribute_locked() {
  auto moves = reattribute_bare_cgroups(state_, attributor_);
  for (const auto& m : moves)
    spdlog::info("re-attributed {} count(s) recorded under cgroup {} to container {} (its registry entry appeared)",
                 m.counts, m.from, m.to);
  return !moves.empty();
}

void Daemon::refresh_registry() {
  if (!registry_readable_) return;
  attributor_.set_registry(registry::read_all(opts_.runtime_dir));
  // A new container's cgroup id is known from its entry before the next scan sees the cgroup.
  int64_t now = realtime_ns();
  for (const auto& e : attributor_.registry())
    if (e.cgroup_id && !e.cgroup_path.empty()) known_cgroups_[e.cgroup_id] = {e.cgroup_path, now};
  bool moved;
  {
    std::lock_guard lock(mu_);
    moved = reattribute_locked();
  }
  if (moved) flush();  // the move is durable at once (a restart would re-derive it only while the entry exists)
}

void Daemon::rescan() {
  int64_t now = realtime_ns();
  std::vector<std::string> errors;
  std::vector<registry::Entry> entries;
  std::string containers = registry::containers_dir(opts_.runtime_dir);
  // Backstop for a missed creation event: go down to the containers dir once it exists.
  if (inotify_fd_ >= 0 && registry_watched_ != std::filesystem::path(containers).lexically_normal().string())
    arm_registry_watch();
  std::error_code ec;
  bool exists = std::filesystem::exists(containers, ec);
  bool is_dir = exists && std::filesystem::is_directory(containers, ec);
  if (exists && (!is_dir || ::access(containers.c_str(), R_OK | X_OK) != 0)) {
    std::string why = !is_dir ? std::string("not a directory") : std::string(std::strerror(errno));
    std::string msg = "runtime dir " + containers + " is unreadable (" + why +
                      "): our containers are attributed by cgroup rules only";
    if (msg != last_registry_error_) spdlog::error("DEGRADED: {}", msg);
    last_registry_error_ = msg;
    registry_readable_ = false;
  } else {
    entries = registry::read_all(opts_.runtime_dir, &errors);
    for (const auto& e : errors)
      if (e != last_registry_error_) {
        spdlog::warn("registry: {}", e);
        last_registry_error_ = e;
      }
    if (!registry_readable_) spdlog::info("runtime dir {} readable again", containers);
    registry_readable_ = true;
  }
  attributor_.set_registry(entries);

  // desired: cgroup id -> (path, container id, exact)
  std::map<uint64_t, Watch> desired;
  std::map<std::string, int64_t> exited;  // container id -> exit time (registry)
  std::map<uint64_t, std::string> id_to_path;
  auto id_of = [&](const std::string& rel) -> uint64_t {
    if (cgroup_mount_.empty()) return 0;
    try {
      return host::cgroup_id(cgroup_mount_ + rel);
    } catch (const std::exception&) {
      return 0;
    }
  };
  bool exact = opts_.syscall_hooks != "off";
  std::vector<attribution::Attribution> seen;
  for (const auto& e : entries) {
    if (e.exited_at_ns) {
      exited[e.container_id] = *e.exited_at_ns;
      if (e.cgroup_id) id_to_path[e.cgroup_id] = e.cgroup_path;  // its cgroup may be gone already
      continue;
    }
    uint64_t id = e.cgroup_id ? e.cgroup_id : id_of(e.cgroup_path);
    if (id == 0) continue;
    id_to_path[id] = e.cgroup_path;
    desired[id] = Watch{e.cgroup_path, e.container_id, now, exact};
    seen.push_back(attributor_.attribute(e.cgroup_path));
  }
  if (!cgroup_mount_.empty()) {
    for (const auto& group : host::list_cgroups(cgroup_mount_, 9)) {
      id_to_path[group.id] = group.path;
      if (desired.count(group.id)) continue;
      attribution::Attribution a = attributor_.attribute(group.path);
      if (a.entry || a.runtime == "cgroup" || !a.watch) continue;  // entries: watched above
      desired[group.id] = Watch{group.path, a.container_id, now, exact};
      seen.push_back(a);
    }
  }
  // Pids of watched cgroups: a process that exits before its record is read is still placed.
  for (const auto& [id, w] : desired) {
    std::ifstream procs(cgroup_mount_ + w.path + "/cgroup.procs");
    int32_t pid;
    while (procs >> pid) pid_cache_[pid] = {w.path, now};
  }
  for (auto it = pid_cache_.begin(); it != pid_cache_.end();)
    it = now - it->second.second > 30'000'000'000 ? pid_cache_.erase(it) : std::next(it);

  // A container is going: take the tracer's counts now, while its cgroup still attributes
  // (the next regular read may come after its cgroup id was forgotten).
  bool going = false;
  for (const auto& [id, w] : watched_) going = going || !desired.count(id);
  if (going) collect_tracer();

  std::unique_lock lock(mu_);
  for (const auto& [id, w] : watched_) known_cgroups_[id] = {w.path, now};
  for (const auto& [id, path] : id_to_path) known_cgroups_[id] = {path, now};
  std::erase_if(known_cgroups_, [&](const auto& kv) { return now - kv.second.last_seen_ns > kKeepGoneCgroupNs; });
  std::erase_if(gone_watched_, [&](const auto& kv) { return now - kv.second.until_ns > kKeepGoneCgroupNs; });
  for (const auto& [id, w] : watched_)
    if (!desired.count(id)) {
      // Its last syscalls were learned after the previous harvest: take them before it goes.
      merge_learned(id, w.container_id);
      args_.forget(tracer_.get(), id, books_.tracer_baseline);  // collected just above ("going")
      if (tracer_) try { tracer_->unwatch(id); } catch (const std::exception& e) { spdlog::warn("bpf: unwatch {}: {}", id, e.what()); }
      spdlog::info("container {} ({}) gone; its counts are kept", w.container_id, w.path);
      Watch ended = w;
      ended.until_ns = realtime_ns();  // after the unwatch: the tracer counted until then
      gone_watched_[id] = std::move(ended);
      auto c = state_.containers.find(w.container_id);
      if (c != state_.containers.end() && !c->second.exited_at_ns) c->second.exited_at_ns = now;
    }
  for (auto& [id, w] : desired) {
    auto old = watched_.find(id);
    if (old != watched_.end()) {
      w.since_ns = old->second.since_ns;
      continue;
    }
    gone_watched_.erase(id);
    if (tracer_) try { tracer_->watch(id, w.exact); } catch (const std::exception& e) { spdlog::warn("bpf: watch {}: {}", w.path, e.what()); }
    w.since_ns = realtime_ns();  // the tracer counts from here on (hooks attached by watch())
    spdlog::info("watching container {} (cgroup {}, id {})", w.container_id, w.path, id);
  }
  bool watched_changed = watched_.size() != desired.size();
  for (const auto& [id, w] : desired) watched_changed = watched_changed || !watched_.count(id);
  watched_ = std::move(desired);
  // Entries `launch` added itself and could not remove (it was SIGKILLed): their cgroups are
  // gone. Checked by id, so an entry of a container whose registry entry is still being
  // written (launch registers before it publishes) is never taken for one of them.
  if (tracer_ && !cgroup_mount_.empty()) try {
      for (uint64_t id : tracer_->watched_ids())
        if (!watched_.count(id) && host::cgroup_exists(cgroup_mount_, id) == false) tracer_->unwatch(id);
    } catch (const std::exception& e) {
      spdlog::warn("bpf: pruning the watched map: {}", e.what());
    }
  refresh_syscall_hooks();
  // Container records for everything known (metrics list containers by mode even before a verdict).
  for (const auto& e : entries) {
    auto [it, created] = state_.containers.try_emplace(e.container_id);
    ContainerRecord& c = it->second;
    if (created) {
      c.container_id = e.container_id;
      c.first_seen_ns = e.started_at_ns ? e.started_at_ns : now;
    }
    c.runtime = e.runtime;
    if (!e.container_name.empty()) c.container_name = e.container_name;
    c.cgroup_path = e.cgroup_path;
    if (e.cgroup_id) c.cgroup_id = e.cgroup_id;
    c.mode = e.mode;
    c.profile_name = e.profile_name;
    c.profile_path = e.profile_path;
    c.profile_sha256 = e.profile_sha256;
    c.workload = workload_of(e, opts_.workload_label);
    c.capabilities = e.capabilities;
    if (e.exited_at_ns) c.exited_at_ns = e.exited_at_ns;
    // Launched with --seccomp_log leaving the LOG flag off: the audit stream never sees its
    // ERRNO denials, only the syscall hooks do. Say so once when they are not live.
    if (ownership::errno_denials_unseen(e.seccomp_log, e.exited_at_ns.has_value(), hooks_) &&
        unseen_warned_.insert(e.container_id).second)
      spdlog::warn("container {} runs without the LOG flag (seccomp_log off) and the syscall hooks are not live: "
                   "its ERRNO denials are not seen (run with --syscall_hooks=auto or on)",
                   bytes::display_text(e.container_id));
  }
  for (const auto& a : seen) {
    if (a.entry) continue;
    auto [it, created] = state_.containers.try_emplace(a.container_id);
    if (created) {
      it->second.container_id = a.container_id;
      it->second.runtime = a.runtime;
      it->second.cgroup_path = a.cgroup_path;
      it->second.first_seen_ns = now;
    }
    it->second.exited_at_ns.reset();
  }
  bool moved = reattribute_locked();
  // Shadow evaluation: requests and the targets' kernel slots, with the watched set as it is now.
  std::vector<ShadowCandidateTarget> targets;
  for (const auto& [id, w] : watched_) {
    ShadowCandidateTarget t{w.container_id, id, std::nullopt};
    for (const auto& e : entries)
      if (e.container_id == w.container_id) t.entry = e;
    targets.push_back(std::move(t));
  }
  bool shadows_changed = false;
  try {
    shadows_changed = shadow_.sync(tracer(), targets, state_, now);
  } catch (const std::exception& e) {
    spdlog::error("shadow: {}", e.what());
  }
  args_.sync(tracer(), targets);
  lock.unlock();
  // A changed watched set is written at once: state.json's daemon.watched is current.
  if (moved || watched_changed || shadows_changed) flush();
}

// ---- persistence -----------------------------------------------------------------------

std::vector<WatchedCgroup> Daemon::watched_status() const {
  std::vector<WatchedCgroup> out;
  for (const auto& [id, w] : watched_) {
    WatchedCgroup c;
    c.container_id = w.container_id;
    c.cgroup_path = w.path;
    c.cgroup_id = id;
    // ERRNO of an exact cgroup is the tracer's only from when the syscall hooks were attached.
    c.since_ns = ownership::published_since_ns(hooks_, w.view());
    out.push_back(std::move(c));
  }
  return out;
}

void Daemon::flush() {
  account_audit_losses();
  State copy;
  Bookkeeping books;
  {
    std::lock_guard lock(mu_);
    // Shadow rows from the kernel's counts and the verdicts recorded so far: a state.json
    // holds the rows of every call its verdicts include.
    shadow_.collect(tracer(), state_);
    state_.last_flush_ns = realtime_ns();
    ++books_.flush_seq;
    books_.watched = watched_status();
    copy = state_;
    books = books_;
  }
  try {
    save_state_file(opts_.state_dir, copy, books);
  } catch (const nlohmann::json::exception& e) {  // the journal keeps everything: try again next time
    spdlog::error("flush: state not written: {}", e.what());
    return;
  }
  // Everything journaled so far is now in state.json (single thread: no batch in between).
  journal_->truncate();
}

int Daemon::run(std::atomic<bool>* stop) {
  struct sigaction sa{};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: poll() returns at once
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  if (!start()) return 1;
  auto flush_every = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(opts_.flush_interval_s));
  auto scan_every = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(opts_.scan_interval_s));
  auto tracer_every = std::chrono::milliseconds(250);
  Clock::time_point next_flush = Clock::now() + flush_every, next_scan = Clock::now() + scan_every,
                    next_tracer = Clock::now();
  std::map<std::pair<std::string, VerdictKey>, Observation> batch;
  auto stopping = [&] { return g_signalled.load() || (stop && stop->load()); };
  try {
    while (!stopping()) {
      {
        pollfd pfd[2] = {{audit_ ? audit_->fd() : -1, POLLIN, 0}, {proc_ ? proc_->fd() : -1, POLLIN, 0}};
        (void)::poll(pfd, 2, 50);  // negative fds are ignored
      }
      // Registry changes first: a container's entry is written before its workload starts,
      // so its first records must see the entry.
      if (registry_watch_fired()) {
        refresh_registry();
        next_scan = Clock::now();
      }
      // Forks and exits before the records they explain.
      if (proc_) {
        proc_->poll(0, {});
        std::lock_guard lock(mu_);
        SourceHealth& s = state_.sources["proc_connector"];
        s.events = proc_events_base_ + proc_->events();
        s.lost = proc_lost_base_ + proc_->overruns();
      }
      if (audit_) {
        if (audit_->poll(0, [&](int type, std::string_view text) { handle_audit_guarded(type, text, batch); }) > 0)
          audit_last_record_ = Clock::now();
        commit_batch(batch);
        settle_pending_kills(false);
      }
      poll_tracer_samples();
      auto now = Clock::now();
      if (now >= next_tracer) {
        collect_tracer();
        next_tracer = now + tracer_every;
      }
      if (now >= next_scan) {
        rescan();
        next_scan = now + scan_every;
      }
      if (now >= next_flush) {
        flush();
        next_flush = now + flush_every;
      }
    }
    // Final drain: what the kernel already queued for us, then the maps, then to disk. Under a
    // storm the queue never empties: a second of it, then stop (the records after that are
    // like any record that arrives once the daemon has stopped: not ours to count).
    if (audit_) {
      auto drain_until = Clock::now() + std::chrono::seconds(1);
      while (Clock::now() < drain_until &&
             audit_->poll(0, [&](int type, std::string_view text) { handle_audit_guarded(type, text, batch); }) > 0)
        commit_batch(batch);
      commit_batch(batch);
      settle_pending_kills(true);
    }
    collect_tracer();
    flush();
  } catch (const std::exception& e) {
    spdlog::critical("stopping: {}", e.what());
    try { flush(); } catch (const std::exception& f) { spdlog::critical("final flush failed: {}", f.what()); }
    return 1;
  }
  spdlog::info("stopped; state written to {}", state_file_path(opts_.state_dir));
  return 0;
}

}  // namespace

int run_daemon(const DaemonOptions& options, std::atomic<bool>* stop, const DaemonSeams& seams) {
  Daemon daemon(options, seams);
  return daemon.run(stop);
}

}  // namespace sc::audit
