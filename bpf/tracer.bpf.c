// SPDX-License-Identifier: GPL-2.0
/* The kernel side of the tracer: counts seccomp verdicts per (cgroup, arch, syscall, action,
 * errno) in a hash map, samples first sightings to a ring buffer, learns which syscalls each
 * watched cgroup enters and keeps tgid -> cgroup for processes that already exited.
 *
 * Hooks (the loader chooses which are loaded and attached, by probing):
 *  - fentry/audit_seccomp, else kprobe/audit_seccomp: every *logged* verdict (kernels that
 *    allow them);
 *  - tp_btf/signal_generate: SIGSYS with si_code SYS_SECCOMP, i.e. TRAP and KILL;
 *  - tp_btf/sched_process_exit: KILL_THREAD of one thread among several (no signal is sent),
 *    and the tgid -> cgroup map with sched_process_fork/exec;
 *  - raw_tp/sys_enter + raw_tp/sys_exit (opt-in): a sys_exit without a sys_enter on the same
 *    thread is a syscall seccomp skipped (ERRNO: ret = -errno); sys_enter feeds learning.
 * Every counting program returns at once for cgroups that are not in sc_watched.
 * x86-64 only for now: compat (int 0x80) calls are seen as AUDIT_ARCH_I386 and x32 calls keep
 * __X32_SYSCALL_BIT in the number, as seccomp sees them. */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "tracer_events.h"

char LICENSE[] SEC("license") = "GPL";

#define SIGSYS_NR 31
#define SYS_SECCOMP_CODE 1
#define SECCOMP_MODE_DEAD_NR 3 /* kernel/seccomp.c: set on the task before a KILL */
#define TS_COMPAT_FLAG 0x0002  /* arch/x86/include/asm/thread_info.h */
#define MARK_FRESH_NS (10ULL * 1000 * 1000)
#define EEXIST_NR 17

const volatile __u64 sample_rate_per_sec = 100;
// Set by the loader when fentry/kprobe on audit_seccomp is live: only then can another hook
// have counted a verdict already (the verifier drops the dead mark lookups otherwise).
const volatile bool audit_hook_live = false;
// Set by the loader when signal_generate is loaded: sched_process_exit tells a KILL_THREAD
// (no signal) from a KILL_PROCESS (a signal, counted there) only by its marks.
const volatile bool signal_hook_live = true;

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 4096);
  __type(key, __u64);
  __type(value, struct sc_watch_val);
} sc_watched SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 65536);
  __type(key, struct sc_count_key);
  __type(value, struct sc_count_val);
} sc_counts SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 256 * 1024);
} sc_samples SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, SC_STAT_N);
  __type(key, __u32);
  __type(value, __u64);
} sc_stats SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct sc_rate);
} sc_rate SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 65536);
  __type(key, __u32);
  __type(value, struct sc_proc_val);
} sc_procs SEC(".maps");

// Per-thread pairing state in task-local storage: no tid hashing, freed with the task (so no
// tid-reuse confusion), cheaper on the hot path than a hash map.
struct {
  __uint(type, BPF_MAP_TYPE_TASK_STORAGE);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, int);
  __type(value, struct sc_thread_state);
} sc_threads SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 16384);
  __type(key, __u32);
  __type(value, struct sc_mark);
} sc_marks SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 8192);
  __type(key, struct sc_learn_key);
  __type(value, struct sc_learn_val);
} sc_learned SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 4096);
  __type(key, __u64);
  __type(value, struct sc_shadow_slots);
} sc_shadow_cgroups SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, SC_SHADOW_MAX_SLOTS * SC_SHADOW_ARCH_CLASSES * SC_SHADOW_TABLE_NR);
  __type(key, __u32);
  __type(value, __u64);
} sc_shadow_table SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(map_flags, BPF_F_MMAPABLE);  /* the loader reads and folds lanes through a mapping */
  __uint(max_entries, SC_SHADOW_MAX_LANES * SC_SHADOW_ARCH_CLASSES * SC_SHADOW_TABLE_NR);
  __type(key, __u32);
  __type(value, __u64);
} sc_shadow_lanes SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 32768);
  __type(key, struct sc_shadow_key);
  __type(value, __u64);
} sc_shadow_counts SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 4096);
  __type(key, struct sc_learn_key);
  __type(value, struct sc_learn_val);
} sc_args_wanted SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 32768);
  __type(key, struct sc_args_key);
  __type(value, __u64);
} sc_args_counts SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 8192);
  __type(key, struct sc_args_budget_key);
  __type(value, struct sc_args_budget);
} sc_args_budget SEC(".maps");

static __always_inline void stat_inc(__u32 index) {
  __u64* v = bpf_map_lookup_elem(&sc_stats, &index);
  if (v) __sync_fetch_and_add(v, 1);
}

static __always_inline struct sc_watch_val* watched(__u64 cgroup_id) {
  return bpf_map_lookup_elem(&sc_watched, &cgroup_id);
}

static __always_inline __u32 task_arch(struct task_struct* task) {
  __u32 status = BPF_CORE_READ(task, thread_info.status);
  return (status & TS_COMPAT_FLAG) ? SC_AUDIT_ARCH_I386 : SC_AUDIT_ARCH_X86_64;
}

static __always_inline __u64 task_cgroup_id(struct task_struct* task) {
  return BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, id);
}

static __always_inline bool sample_allowed(__u64 now) {
  __u32 zero = 0;
  struct sc_rate* r = bpf_map_lookup_elem(&sc_rate, &zero);
  if (!r) return false;
  __u64 second = now / 1000000000ULL;
  // Racy window reset across CPUs: at worst a few extra samples in a second, never a wrong count.
  if (r->window_s != second) {
    r->window_s = second;
    r->used = 0;
  }
  if (__sync_fetch_and_add(&r->used, 1) >= sample_rate_per_sec) {
    stat_inc(SC_STAT_RATE_LIMITED);
    return false;
  }
  return true;
}

static __always_inline void emit_sample(const struct sc_count_key* key, __u32 arch,
                                        struct pt_regs* regs, __u64 now) {
  if (!sample_allowed(now)) return;
  struct sc_sample* s = bpf_ringbuf_reserve(&sc_samples, sizeof(*s), 0);
  if (!s) {
    stat_inc(SC_STAT_RINGBUF_FULL);
    return;
  }
  __u64 pid_tgid = bpf_get_current_pid_tgid();
  s->cgroup_id = key->cgroup_id;
  s->arch = key->arch;
  s->nr = key->nr;
  s->action = key->action;
  s->error = key->error;
  s->pid = pid_tgid >> 32;
  s->tid = (__u32)pid_tgid;
  bpf_get_current_comm(s->comm, sizeof(s->comm));
  s->ts_ns = now;
  if (regs) {
    if (arch == SC_AUDIT_ARCH_I386) {  // int 0x80 / sysenter argument registers, 32 bits
      s->args[0] = (__u32)BPF_CORE_READ(regs, bx);
      s->args[1] = (__u32)BPF_CORE_READ(regs, cx);
      s->args[2] = (__u32)BPF_CORE_READ(regs, dx);
      s->args[3] = (__u32)BPF_CORE_READ(regs, si);
      s->args[4] = (__u32)BPF_CORE_READ(regs, di);
      s->args[5] = (__u32)BPF_CORE_READ(regs, bp);
    } else {
      s->args[0] = BPF_CORE_READ(regs, di);
      s->args[1] = BPF_CORE_READ(regs, si);
      s->args[2] = BPF_CORE_READ(regs, dx);
      s->args[3] = BPF_CORE_READ(regs, r10);
      s->args[4] = BPF_CORE_READ(regs, r8);
      s->args[5] = BPF_CORE_READ(regs, r9);
    }
    s->ip = BPF_CORE_READ(regs, ip);
  } else {
    for (int i = 0; i < 6; i++) s->args[i] = 0;
    s->ip = 0;
  }
  bpf_ringbuf_submit(s, 0);
}

// Exact at any rate: atomic add on an existing entry; the first sighting inserts with
// BPF_NOEXIST, and the loser of a race for the same new key adds to the winner's entry.
static __always_inline void count_verdict(__u64 cgroup_id, __u32 arch, __s32 nr, __u32 action,
                                          __s32 error, struct pt_regs* regs) {
  struct sc_count_key key;
  __builtin_memset(&key, 0, sizeof(key));
  key.cgroup_id = cgroup_id;
  key.arch = arch;
  key.nr = nr;
  key.action = action;
  key.error = error;
  __u64 now = bpf_ktime_get_boot_ns();
  struct sc_count_val* v = bpf_map_lookup_elem(&sc_counts, &key);
  if (v) {
    __sync_fetch_and_add(&v->count, 1);
    v->last_ns = now;
    return;
  }
  struct sc_count_val init = {.count = 1, .first_ns = now, .last_ns = now};
  long err = bpf_map_update_elem(&sc_counts, &key, &init, BPF_NOEXIST);
  if (err == 0) {
    emit_sample(&key, arch, regs, now);
    return;
  }
  if (err == -EEXIST_NR) {
    v = bpf_map_lookup_elem(&sc_counts, &key);
    if (v) {
      __sync_fetch_and_add(&v->count, 1);
      v->last_ns = now;
      return;
    }
  }
  stat_inc(SC_STAT_COUNTS_FULL);
}

static __always_inline void set_mark(__u32 tid, __s32 nr, __u32 by) {
  struct sc_mark m = {.ts_ns = bpf_ktime_get_boot_ns(), .nr = nr, .by = by};
  bpf_map_update_elem(&sc_marks, &tid, &m, BPF_ANY);
}

// True when the audit hook already counted this thread's verdict for `nr` just now.
static __always_inline bool take_fresh_audit_mark(__u32 tid, __s32 nr) {
  if (!audit_hook_live) return false;
  struct sc_mark* m = bpf_map_lookup_elem(&sc_marks, &tid);
  if (!m || m->by != SC_MARK_BY_AUDIT || m->nr != nr) return false;
  bool fresh = bpf_ktime_get_boot_ns() - m->ts_ns < MARK_FRESH_NS;
  bpf_map_delete_elem(&sc_marks, &tid);
  return fresh;
}

/* ---- audit_seccomp: every logged verdict (where the kernel lets us hook it) ---- */

static __always_inline int on_audit_verdict(unsigned long syscall, int code, struct pt_regs* regs) {
  __u64 cg = bpf_get_current_cgroup_id();
  if (!watched(cg)) return 0;
  struct task_struct* task = (struct task_struct*)bpf_get_current_task();
  __u32 action = (__u32)code & 0xffff0000U;
  __s32 error = action == SC_ACTION_ERRNO ? (__s32)((__u32)code & 0xffffU) : -1;
  count_verdict(cg, task_arch(task), (__s32)syscall, action, error, regs);
  set_mark((__u32)bpf_get_current_pid_tgid(), (__s32)syscall, SC_MARK_BY_AUDIT);
  return 0;
}

SEC("fentry/audit_seccomp")
int BPF_PROG(sc_fentry_audit, unsigned long syscall, long signr, int code) {
  return on_audit_verdict(syscall, code, (struct pt_regs*)bpf_task_pt_regs(bpf_get_current_task_btf()));
}

SEC("kprobe/audit_seccomp")
int BPF_KPROBE(sc_kprobe_audit, unsigned long syscall, long signr, int code) {
  return on_audit_verdict(syscall, code, 0);  // the kprobe's regs are not the syscall's
}

/* ---- SIGSYS from seccomp: TRAP and KILL ---- */

SEC("tp_btf/signal_generate")
int BPF_PROG(sc_signal_generate, int sig, struct kernel_siginfo* info, struct task_struct* task,
             int group, int result) {
  if (sig != SIGSYS_NR) return 0;
  // `info` may be SEND_SIG_NOINFO (0) or SEND_SIG_PRIV (1), which the verifier of newer
  // kernels knows: it types the argument as a scalar ("may encode error"), so a direct
  // info->si_code is rejected. Check it, then read through probe reads.
  if ((unsigned long)info <= 1UL) return 0;
  if (BPF_CORE_READ(info, si_code) != SYS_SECCOMP_CODE) return 0;
  // force_sig_seccomp() always signals the current task.
  struct task_struct* current = bpf_get_current_task_btf();
  if ((__u64)task != (__u64)current) return 0;
  __u64 cg = bpf_get_current_cgroup_id();
  if (!watched(cg)) return 0;
  // Read through probe_read: the verifier's BTF walk trips over the siginfo unions.
  __s32 nr = BPF_CORE_READ(info, _sifields._sigsys._syscall);
  __u32 arch = BPF_CORE_READ(info, _sifields._sigsys._arch);
  __u32 tid = (__u32)bpf_get_current_pid_tgid();
  // KILL sets seccomp.mode = SECCOMP_MODE_DEAD before force_sig_seccomp(.., true); TRAP does
  // not. A KILL with other threads alive is a KILL_PROCESS (KILL_THREAD would have exited the
  // thread without a signal); with one thread the kernel takes the same path for both and the
  // effect is the same: it is counted as KILL_PROCESS.
  bool kill = BPF_CORE_READ(current, seccomp.mode) == SECCOMP_MODE_DEAD_NR;
  __u32 action = kill ? SC_ACTION_KILL_PROCESS : SC_ACTION_TRAP;
  if (!take_fresh_audit_mark(tid, nr))
    count_verdict(cg, arch, nr, action, -1, (struct pt_regs*)bpf_task_pt_regs(current));
  if (kill) set_mark(tid, nr, SC_MARK_BY_SIGNAL);  // its exit must not count it again
  return 0;
}

/* ---- processes: tgid -> cgroup, thread cleanup, KILL_THREAD without a signal ---- */

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sc_process_fork, struct task_struct* parent, struct task_struct* child) {
  // Task arguments are read through probe reads too: a later verifier may type them as
  // maybe-special the way it did signal_generate's siginfo.
  if (!child) return 0;
  __u32 tgid = BPF_CORE_READ(child, tgid);
  if (BPF_CORE_READ(child, pid) != tgid) return 0;  // a new thread, not a new process
  struct sc_proc_val v = {.cgroup_id = task_cgroup_id(child), .exit_ns = 0};
  bpf_map_update_elem(&sc_procs, &tgid, &v, BPF_ANY);
  return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(sc_process_exec, struct task_struct* p, pid_t old_pid, struct linux_binprm* bprm) {
  if (!p) return 0;
  __u32 tgid = BPF_CORE_READ(p, tgid);
  struct sc_proc_val v = {.cgroup_id = bpf_get_current_cgroup_id(), .exit_ns = 0};
  bpf_map_update_elem(&sc_procs, &tgid, &v, BPF_ANY);
  return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sc_process_exit, struct task_struct* p) {
  if (!p) return 0;
  __u32 tid = BPF_CORE_READ(p, pid);
  __u64 cg = task_cgroup_id(p);
  if ((signal_hook_live || audit_hook_live) && BPF_CORE_READ(p, seccomp.mode) == SECCOMP_MODE_DEAD_NR &&
      watched(cg)) {
    struct sc_mark* m = bpf_map_lookup_elem(&sc_marks, &tid);
    // No mark: the thread died of a KILL_THREAD without a signal (other threads alive) and
    // neither signal_generate nor the audit hook counted it.
    if (!m) {
      struct pt_regs* regs = (struct pt_regs*)bpf_task_pt_regs(p);
      __s32 nr = (__s32)BPF_CORE_READ(regs, orig_ax);
      count_verdict(cg, task_arch(p), nr, SC_ACTION_KILL_THREAD, -1, regs);
    }
  }
  bpf_map_delete_elem(&sc_marks, &tid);
  if (BPF_CORE_READ(p, signal, live.counter) == 0) {  // the whole thread group is dead
    __u32 tgid = BPF_CORE_READ(p, tgid);
    struct sc_proc_val v = {.cgroup_id = cg, .exit_ns = bpf_ktime_get_boot_ns()};
    bpf_map_update_elem(&sc_procs, &tgid, &v, BPF_ANY);
  }
  return 0;
}

/* ---- syscall hooks (opt-in): skip detection and learning ---- */

static __always_inline void learn(__u64 cg, __u32 arch, long nr) {
  struct sc_learn_key key;
  __builtin_memset(&key, 0, sizeof(key));
  key.cgroup_id = cg;
  key.arch = arch;
  key.x32 = (nr & SC_X32_SYSCALL_BIT) ? 1 : 0;
  __u64 n = (__u64)nr & ~(__u64)SC_X32_SYSCALL_BIT;
  if (nr < 0 || n >= SC_LEARN_MAX_NR) {
    stat_inc(SC_STAT_LEARN_RANGE);
    return;
  }
  struct sc_learn_val* v = bpf_map_lookup_elem(&sc_learned, &key);
  if (!v) {
    struct sc_learn_val zero;
    __builtin_memset(&zero, 0, sizeof(zero));
    bpf_map_update_elem(&sc_learned, &key, &zero, BPF_NOEXIST);
    v = bpf_map_lookup_elem(&sc_learned, &key);
    if (!v) return;
  }
  __u64 bit = 1ULL << (n & 63);
  __u64* word = &v->bits[(n >> 6) & (SC_LEARN_WORDS - 1)];
  if (!(*word & bit)) __sync_fetch_and_or(word, bit);
}

static __always_inline void read_syscall_args(struct pt_regs* regs, __u32 arch, __u64 args[6]) {
  if (arch == SC_AUDIT_ARCH_I386) {  // int 0x80 / sysenter argument registers
    // 32 bits, as seccomp sees them (syscall_get_arguments truncates for compat tasks): the
    // upper halves of a 64-bit process's registers are whatever it left there.
    args[0] = (__u32)BPF_CORE_READ(regs, bx);
    args[1] = (__u32)BPF_CORE_READ(regs, cx);
    args[2] = (__u32)BPF_CORE_READ(regs, dx);
    args[3] = (__u32)BPF_CORE_READ(regs, si);
    args[4] = (__u32)BPF_CORE_READ(regs, di);
    args[5] = (__u32)BPF_CORE_READ(regs, bp);
  } else {
    args[0] = BPF_CORE_READ(regs, di);
    args[1] = BPF_CORE_READ(regs, si);
    args[2] = BPF_CORE_READ(regs, dx);
    args[3] = BPF_CORE_READ(regs, r10);
    args[4] = BPF_CORE_READ(regs, r8);
    args[5] = BPF_CORE_READ(regs, r9);
  }
}

// Shadow evaluation: for each candidate slot of this cgroup, count the call under the
// candidate's verdict from the table (exact at any rate, as count_verdict).
static __always_inline void shadow_count(__u64 cg, __u32 arch, long nr, struct pt_regs* regs) {
  struct sc_shadow_slots* slots = bpf_map_lookup_elem(&sc_shadow_cgroups, &cg);
  if (!slots) return;
  __u32 n = slots->n;
  __u64 n_low = (__u64)nr & ~(__u64)SC_X32_SYSCALL_BIT;
  __u32 cls = arch == SC_AUDIT_ARCH_I386 ? 2 : ((nr & SC_X32_SYSCALL_BIT) ? 1 : 0);
  bool in_table = nr >= 0 && n_low < SC_SHADOW_TABLE_NR;
  for (int i = 0; i < SC_SHADOW_SLOTS_PER_CGROUP; i++) {
    if (i >= n) break;
    __u32 slot = slots->slot[i];
    if (slot >= SC_SHADOW_MAX_SLOTS) continue;
    __u32 ret = SC_SHADOW_UNDECIDED;
    bool needs_args = false;
    if (in_table) {
      __u32 index = (slot * SC_SHADOW_ARCH_CLASSES + cls) * SC_SHADOW_TABLE_NR + (__u32)n_low;
      __u64* entry = bpf_map_lookup_elem(&sc_shadow_table, &index);
      if (entry && (*entry & SC_SHADOW_VALID)) {
        __u64 e = *entry;
        ret = (__u32)e;
        needs_args = (e & SC_SHADOW_NEEDS_ARGS) != 0;
        // The fast path: decided by the table, counted in this pair's lane.
        __u32 lane = slots->lane[i];
        if (!needs_args && lane < SC_SHADOW_MAX_LANES) {
          __u32 at = (lane * SC_SHADOW_ARCH_CLASSES + cls) * SC_SHADOW_TABLE_NR + (__u32)n_low;
          __u64* hits = bpf_map_lookup_elem(&sc_shadow_lanes, &at);
          if (hits) {
            __sync_fetch_and_add(hits, 1);
            continue;
          }
        }
      }
    }
    struct sc_shadow_key key;
    __builtin_memset(&key, 0, sizeof(key));
    key.cgroup_id = cg;
    key.slot = slot;
    key.arch = arch;
    key.nr = (__s32)nr;
    key.ret = ret;
    if (needs_args) read_syscall_args(regs, arch, key.args);
    __u64* count = bpf_map_lookup_elem(&sc_shadow_counts, &key);
    if (count) {
      __sync_fetch_and_add(count, 1);
      continue;
    }
    __u64 one = 1;
    long err = bpf_map_update_elem(&sc_shadow_counts, &key, &one, BPF_NOEXIST);
    if (err == 0) continue;
    if (err == -EEXIST_NR) {
      count = bpf_map_lookup_elem(&sc_shadow_counts, &key);
      if (count) {
        __sync_fetch_and_add(count, 1);
        continue;
      }
    }
    stat_inc(SC_STAT_SHADOW_FULL);
  }
}

// Argument recording: count this call under its argument tuple when the daemon asked for this
// syscall's arguments. A known tuple is one atomic add; a new one is admitted while the
// (cgroup, arch, nr) budget lasts, else counted as dropped there.
static __always_inline void record_args(__u64 cg, __u32 arch, long nr, struct pt_regs* regs) {
  struct sc_learn_key wk;
  __builtin_memset(&wk, 0, sizeof(wk));
  wk.cgroup_id = cg;
  wk.arch = arch;
  wk.x32 = (nr & SC_X32_SYSCALL_BIT) ? 1 : 0;
  __u64 n = (__u64)nr & ~(__u64)SC_X32_SYSCALL_BIT;
  if (nr < 0 || n >= SC_LEARN_MAX_NR) return;
  struct sc_learn_val* wanted = bpf_map_lookup_elem(&sc_args_wanted, &wk);
  if (!wanted || !(wanted->bits[(n >> 6) & (SC_LEARN_WORDS - 1)] & (1ULL << (n & 63)))) return;
  struct sc_args_key key;
  __builtin_memset(&key, 0, sizeof(key));
  key.cgroup_id = cg;
  key.arch = arch;
  key.nr = (__s32)nr;
  read_syscall_args(regs, arch, key.args);
  __u64* count = bpf_map_lookup_elem(&sc_args_counts, &key);
  if (count) {
    __sync_fetch_and_add(count, 1);
    return;
  }
  struct sc_args_budget_key bk = {.cgroup_id = cg, .arch = arch, .nr = (__s32)nr};
  struct sc_args_budget* budget = bpf_map_lookup_elem(&sc_args_budget, &bk);
  if (!budget) {
    struct sc_args_budget fresh = {.distinct = 0, .pad = 0, .dropped = 0};
    bpf_map_update_elem(&sc_args_budget, &bk, &fresh, BPF_NOEXIST);
    budget = bpf_map_lookup_elem(&sc_args_budget, &bk);
    if (!budget) {
      stat_inc(SC_STAT_ARGS_FULL);
      return;
    }
  }
  if (__sync_fetch_and_add(&budget->distinct, 1) >= SC_ARGS_PER_SYSCALL) {
    __sync_fetch_and_add(&budget->dropped, 1);
    return;
  }
  __u64 one = 1;
  long err = bpf_map_update_elem(&sc_args_counts, &key, &one, BPF_NOEXIST);
  if (err == 0) return;
  if (err == -EEXIST_NR) {  // another CPU admitted the same tuple first (its budget unit is spent)
    count = bpf_map_lookup_elem(&sc_args_counts, &key);
    if (count) {
      __sync_fetch_and_add(count, 1);
      return;
    }
  }
  stat_inc(SC_STAT_ARGS_FULL);
  __sync_fetch_and_add(&budget->dropped, 1);
}

SEC("raw_tp/sys_enter")
int sc_sys_enter(struct bpf_raw_tracepoint_args* ctx) {
  __u64 cg = bpf_get_current_cgroup_id();
  struct sc_watch_val* w = watched(cg);
  if (!w) return 0;
  struct task_struct* task = bpf_get_current_task_btf();
  long nr = (long)ctx->args[1];
  __u32 arch = (task->thread_info.status & TS_COMPAT_FLAG) ? SC_AUDIT_ARCH_I386 : SC_AUDIT_ARCH_X86_64;
  if (w->flags & SC_WATCH_SHADOW) shadow_count(cg, arch, nr, (struct pt_regs*)ctx->args[0]);
  if (w->flags & SC_WATCH_ARGS) record_args(cg, arch, nr, (struct pt_regs*)ctx->args[0]);
  struct sc_thread_state* st = bpf_task_storage_get(&sc_threads, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
  if (!st) return 0;
  st->gen = w->gen;
  st->in_syscall = 1;
  // Tight loops repeat one syscall: skip the bitmap when this thread just learned it.
  __u64 learned_key = (__u64)(__u32)nr | ((__u64)(arch == SC_AUDIT_ARCH_I386) << 32) | (1ULL << 33);
  if (st->learned_key == learned_key && st->learned_cg == cg) return 0;
  learn(cg, arch, nr);
  st->learned_key = learned_key;
  st->learned_cg = cg;
  return 0;
}

SEC("raw_tp/sys_exit")
int sc_sys_exit(struct bpf_raw_tracepoint_args* ctx) {
  __u64 cg = bpf_get_current_cgroup_id();
  struct sc_watch_val* w = watched(cg);
  if (!w) return 0;
  struct task_struct* task = bpf_get_current_task_btf();
  struct sc_thread_state* st = bpf_task_storage_get(&sc_threads, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
  if (!st) return 0;
  if (st->gen != w->gen) {
    // Unknown history (a new thread returning from clone, a syscall entered before we
    // watched or attached): trust nothing, pair from the next syscall on.
    st->gen = w->gen;
    st->in_syscall = 0;
    return 0;
  }
  if (st->in_syscall) {
    st->in_syscall = 0;
    return 0;
  }
  // sys_exit without sys_enter: seccomp skipped this syscall.
  stat_inc(SC_STAT_SKIP_SEEN);
  struct pt_regs* regs = (struct pt_regs*)ctx->args[0];
  long ret = (long)ctx->args[1];
  __s32 nr = (__s32)BPF_CORE_READ(regs, orig_ax);
  if (nr == -1) return 0;  // a ptracer cancelled it, not seccomp
  __u32 tid = (__u32)bpf_get_current_pid_tgid();
  if (take_fresh_audit_mark(tid, nr)) return 0;
  if (ret == nr) return 0;  // TRAP/KILL roll back to ax = nr: signal_generate counts those
  __u32 arch = (task->thread_info.status & TS_COMPAT_FLAG) ? SC_AUDIT_ARCH_I386 : SC_AUDIT_ARCH_X86_64;
  if (ret < 0 && ret >= -4095)
    count_verdict(cg, arch, nr, SC_ACTION_ERRNO, (__s32)-ret, regs);
  else
    count_verdict(cg, arch, nr, SC_ACTION_SKIPPED_OTHER, -1, regs);
  return 0;
}
