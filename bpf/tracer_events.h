/* Structures and constants shared by the kernel side (tracer.bpf.c) and the loader
 * (tracer.cpp). Plain C with fixed-size fields and no implicit padding, so both compilers lay
 * them out identically. The BPF side gets __u64 & co. from vmlinux.h, user space from
 * <linux/types.h>. */
#ifndef SC_TRACER_EVENTS_H
#define SC_TRACER_EVENTS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* SECCOMP_RET_* action values (data bits masked off), as in <linux/seccomp.h>. */
#define SC_ACTION_KILL_PROCESS 0x80000000U
#define SC_ACTION_KILL_THREAD 0x00000000U
#define SC_ACTION_TRAP 0x00030000U
#define SC_ACTION_ERRNO 0x00050000U
#define SC_ACTION_USER_NOTIF 0x7fc00000U
#define SC_ACTION_TRACE 0x7ff00000U
#define SC_ACTION_LOG 0x7ffc0000U
/* Not a kernel value: a syscall that seccomp skipped (sys_exit without sys_enter) whose return
 * value is neither an errno nor the TRAP/KILL rollback, i.e. a USER_NOTIF or TRACE answer. */
#define SC_ACTION_SKIPPED_OTHER 0x7ff80000U

#define SC_AUDIT_ARCH_X86_64 0xc000003eU
#define SC_AUDIT_ARCH_I386 0x40000003U
#define SC_X32_SYSCALL_BIT 0x40000000U

/* Watched-cgroup flags. */
#define SC_WATCH 0x1U
#define SC_WATCH_EXACT 0x2U /* wants the syscall hooks (exact ERRNO counting, learning) */
#define SC_WATCH_SHADOW 0x4U /* shadowed: sys_enter counts its calls for the slots in sc_shadow_cgroups */
#define SC_WATCH_ARGS 0x8U   /* sys_enter records the argument tuples of the syscalls in sc_args_wanted */

struct sc_watch_val {
  __u32 flags;
  __u32 gen; /* bumped when a cgroup becomes watched or the syscall hooks are attached:
                per-thread pairing state from an older generation is not trusted */
};

struct sc_count_key {
  __u64 cgroup_id;
  __u32 arch; /* AUDIT_ARCH_* */
  __s32 nr;   /* as seccomp sees it: x32 calls keep __X32_SYSCALL_BIT */
  __u32 action;
  __s32 error; /* errno for ERRNO, else -1 */
};

struct sc_count_val {
  __u64 count;
  __u64 first_ns; /* bpf_ktime_get_boot_ns */
  __u64 last_ns;
};

struct sc_sample {
  __u64 cgroup_id;
  __u32 arch;
  __s32 nr;
  __u32 action;
  __s32 error;
  __s32 pid;
  __s32 tid;
  char comm[16];
  __u64 args[6];
  __u64 ip;
  __u64 ts_ns;
};

/* Learning bitmaps: one per (cgroup, arch, x32?); syscall numbers below SC_LEARN_MAX_NR. */
#define SC_LEARN_MAX_NR 1024
#define SC_LEARN_WORDS (SC_LEARN_MAX_NR / 64)
struct sc_learn_key {
  __u64 cgroup_id;
  __u32 arch;
  __u32 x32;
};
struct sc_learn_val {
  __u64 bits[SC_LEARN_WORDS];
};

/* tgid -> cgroup, kept after exit (LRU) so late audit records can be attributed. */
struct sc_proc_val {
  __u64 cgroup_id;
  __u64 exit_ns; /* 0 while alive */
};

/* Per-thread sys_enter/sys_exit pairing state (task-local storage). */
struct sc_thread_state {
  __u32 gen; /* sc_watch_val.gen when recorded (0: never) */
  __u32 in_syscall;
  __u64 learned_key; /* the last (nr, compat) this thread put in the learning bitmap ... */
  __u64 learned_cg;  /* ... of this cgroup */
};

/* "This thread's verdict was already counted" marks, so that two hooks seeing the same
 * verdict (audit_seccomp and signal_generate, signal_generate and the exit of a killed
 * thread, audit_seccomp and sys_exit) count it once. */
#define SC_MARK_BY_AUDIT 1U
#define SC_MARK_BY_SIGNAL 2U
struct sc_mark {
  __u64 ts_ns;
  __s32 nr;
  __u32 by;
};

/* Shadow evaluation: a candidate profile judged against a watched cgroup's live calls.
 * A slot is one (candidate, container filter) pair; the daemon fills its verdict table
 * (sc_shadow_table: per arch class and nr below SC_SHADOW_TABLE_NR, the candidate's
 * SECCOMP_RET_* value and whether it depends on arguments) and lists a cgroup's slots in
 * sc_shadow_cgroups. sys_enter then counts per (cgroup, slot, arch, nr, candidate ret[, args]). */
#define SC_SHADOW_MAX_SLOTS 32
#define SC_SHADOW_SLOTS_PER_CGROUP 8
#define SC_SHADOW_TABLE_NR 1024
#define SC_SHADOW_ARCH_CLASSES 3 /* 0: x86_64, 1: x32 (nr carries the x32 bit), 2: i386 */
#define SC_SHADOW_VALID (1ULL << 32)      /* table entry filled */
#define SC_SHADOW_NEEDS_ARGS (1ULL << 33) /* the verdict depends on the arguments: count per tuple */
#define SC_SHADOW_UNDECIDED 0xffffffffU   /* ret not in the table: user space decides from (arch, nr) */

/* Lanes: the fast path for calls the table decides (no argument tuple). A lane is one
 * (cgroup, slot) pair's counters, indexed like a slot's table (arch class, nr): sys_enter
 * adds to it with one array access instead of a hash-map count. The loader gives lanes out
 * (at most SC_SHADOW_MAX_LANES pairs; the rest count in sc_shadow_counts, exact as well). */
#define SC_SHADOW_MAX_LANES 64
#define SC_SHADOW_NO_LANE 0xffffffffU

struct sc_shadow_slots {
  __u32 n;
  __u32 slot[SC_SHADOW_SLOTS_PER_CGROUP];
  __u32 lane[SC_SHADOW_SLOTS_PER_CGROUP]; /* SC_SHADOW_NO_LANE: count in sc_shadow_counts */
};

struct sc_shadow_key {
  __u64 cgroup_id;
  __u32 slot;
  __u32 arch; /* AUDIT_ARCH_* */
  __s32 nr;
  __u32 ret;  /* the candidate's SECCOMP_RET_* value, or SC_SHADOW_UNDECIDED */
  __u64 args[6]; /* only when the verdict depends on them, else 0 */
};

/* Argument recording (audit mode): for the syscalls the daemon lists per (cgroup, arch, x32)
 * in sc_args_wanted (a bitmap like the learning one, keyed by struct sc_learn_key), sys_enter
 * counts calls per distinct raw argument tuple in sc_args_counts, at most SC_ARGS_PER_SYSCALL
 * tuples per (cgroup, arch, nr); calls with a tuple over that bound are counted in
 * sc_args_budget. So the map's size is bounded by the number of recorded syscalls, never by
 * the traffic. */
#define SC_ARGS_PER_SYSCALL 16

struct sc_args_key {
  __u64 cgroup_id;
  __u32 arch; /* AUDIT_ARCH_* */
  __s32 nr;   /* as seccomp sees it: x32 calls keep __X32_SYSCALL_BIT */
  __u64 args[6];
};

struct sc_args_budget_key {
  __u64 cgroup_id;
  __u32 arch;
  __s32 nr;
};

struct sc_args_budget {
  __u32 distinct; /* tuples admitted (may overshoot the bound by racing CPUs: capped on read) */
  __u32 pad;
  __u64 dropped;  /* calls whose tuple was over the bound */
};

/* Kernel-side counters (array map sc_stats). */
#define SC_STAT_RINGBUF_FULL 0  /* samples dropped: ring buffer full */
#define SC_STAT_RATE_LIMITED 1  /* samples dropped: over sample_rate_per_sec */
#define SC_STAT_COUNTS_FULL 2   /* verdicts not counted: aggregation map full */
#define SC_STAT_LEARN_RANGE 3   /* syscalls not learned: nr >= SC_LEARN_MAX_NR */
#define SC_STAT_SKIP_SEEN 4     /* seccomp skips seen by sys_exit */
#define SC_STAT_SHADOW_FULL 5   /* shadowed calls NOT counted: shadow count map full */
#define SC_STAT_ARGS_FULL 6     /* argument tuples NOT recorded: args map full (also in dropped) */
#define SC_STAT_N 8

struct sc_rate {
  __u64 window_s;
  __u64 used;
};

#endif
