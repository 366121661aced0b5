// SPDX-License-Identifier: GPL-2.0
/* Tiny programs, one per hook the tracer may use. hook_probe.cpp loads AND attaches each one
 * on its own: a kernel may accept a program type and still refuse the attachment (kprobes
 * without CONFIG_KPROBES), or refuse the load (fentry under lockdown: EPERM). */
#include "vmlinux.h"

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("fentry/audit_seccomp")
int BPF_PROG(probe_fentry_audit) { return 0; }

SEC("kprobe/audit_seccomp")
int BPF_KPROBE(probe_kprobe_audit) { return 0; }

SEC("tp_btf/signal_generate")
int BPF_PROG(probe_signal_generate) { return 0; }

SEC("tp_btf/sched_process_exit")
int BPF_PROG(probe_process_exit) { return 0; }

// The syscall hooks keep per-thread state in task-local storage: probe that too.
struct {
  __uint(type, BPF_MAP_TYPE_TASK_STORAGE);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, int);
  __type(value, __u64);
} probe_threads SEC(".maps");

static __always_inline int touch_thread_storage(void) {
  __u64* v = bpf_task_storage_get(&probe_threads, bpf_get_current_task_btf(), 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
  if (v) *v = 1;
  return 0;
}

SEC("raw_tp/sys_enter")
int probe_sys_enter(void* ctx) { return touch_thread_storage(); }

SEC("raw_tp/sys_exit")
int probe_sys_exit(void* ctx) { return touch_thread_storage(); }
