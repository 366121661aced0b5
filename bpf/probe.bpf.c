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

SEC("raw_tp/sys_enter")
int probe_sys_enter(void* ctx) { return 0; }

SEC("raw_tp/sys_exit")
int probe_sys_exit(void* ctx) { return 0; }
