// Checks the shipped Kubernetes manifests, offline once installed:
//  1. every document against the Kubernetes API schema of its kind (kubernetes-models'
//     validators: types, required fields, enumerations, formats) and, with tsc, against its
//     TypeScript type, which also rejects fields the API does not have (a misspelt field is
//     silently dropped by the API server, so it would never show otherwise);
//  2. that the DaemonSet gives the daemon what it needs (docs/kubernetes.md, "What the pod gets, and why"):
//     host PID and network namespaces, the host mounts its --state_dir, --runtime_dir and
//     --pin_dir live on, the cgroup tree, the capabilities; and that every flag it passes to
//     `seccomp-audit run` exists in that program's --help.
//
//   node check_manifests.mjs WORK_DIR SECCOMP_AUDIT MANIFEST.yaml...
//
// WORK_DIR (in the build tree) gets package.json + package-lock.json and `npm ci` (once; the
// npm registry is needed only then). Exit 0: all conform; 1: errors (printed); 77: npm could
// not install the checker outside CI (ctest reports a skip; under CI=true a failure instead).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { installPinned, installedVersion, typeCheck } from '../../support/npm_checker.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const [workDir, seccompAudit, ...manifests] = process.argv.slice(2);
if (!workDir || !seccompAudit || manifests.length === 0) {
  console.error('usage: node check_manifests.mjs WORK_DIR SECCOMP_AUDIT MANIFEST.yaml...');
  process.exit(2);
}
installPinned(here, workDir, ['--engine-strict=false']);

const need = (m) => import(pathToFileURL(path.join(workDir, 'node_modules', m)).href);
const YAML = await need('yaml/dist/index.js');
// kind -> [module under node_modules, class name, the TypeScript interface and its module]
const models = {
  'v1/Namespace': ['kubernetes-models/v1/Namespace.js', 'Namespace', 'INamespace', 'kubernetes-models/v1/Namespace'],
  'apps/v1/DaemonSet': ['kubernetes-models/apps/v1/DaemonSet.js', 'DaemonSet', 'IDaemonSet', 'kubernetes-models/apps/v1/DaemonSet'],
  'monitoring.coreos.com/v1/PodMonitor': [
    '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor.js', 'PodMonitor', 'IPodMonitor',
    '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor'],
};

const errors = [];
const tsFiles = [];
const daemonSets = [];
for (const file of manifests) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
  docs.forEach((doc, i) => {
    const where = `${path.basename(file)} document ${i}`;
    if (doc.errors.length) { errors.push(`${where}: YAML: ${doc.errors.map((e) => e.message).join('; ')}`); return; }
    const obj = doc.toJS();
    const key = `${obj?.apiVersion}/${obj?.kind}`;
    if (!models[key]) { errors.push(`${where}: no schema for ${key} here (add it to check_manifests.mjs)`); return; }
    const name = `${path.basename(file, '.yaml').replace(/[^A-Za-z0-9]/g, '_')}_${i}`;
    tsFiles.push({ name, key, obj });
    if (obj.kind === 'DaemonSet') daemonSets.push({ where, obj });
  });
}
for (const { name, key, obj } of tsFiles) {
  const [mod, cls] = models[key];
  const Model = (await need(mod))[cls];
  try {
    new Model(obj).validate();
  } catch (e) {
    errors.push(`${name} (${key}): ${e.message}`);
  }
}

// tsc: each document as an object literal of its interface (excess properties are errors).
for (const { name, key, obj } of tsFiles) {
  const [, , iface, typeModule] = models[key];
  fs.writeFileSync(path.join(workDir, `${name}.ts`),
    `import type { ${iface} } from '${typeModule}';\nexport const ${name}: ${iface} = ${JSON.stringify(obj, null, 1)};\n`);
}
if (!typeCheck(workDir, tsFiles.map((t) => `${t.name}.ts`), 'es2022'))
  errors.push('tsc: the manifests have fields their Kubernetes types do not (errors above)');

// What the daemon needs, from the DaemonSet itself.
const help = execFileSync(seccompAudit, ['run', '--help'], { encoding: 'utf8' });
for (const { where, obj } of daemonSets) {
  const spec = obj.spec.template.spec;
  const fail = (m) => errors.push(`${where}: ${m}`);
  if (spec.hostPID !== true) fail('hostPID must be true (audit records carry host PIDs; /proc/PID/cgroup of host processes)');
  if (spec.hostNetwork !== true) fail('hostNetwork must be true (audit multicast and the process connector are in the initial network namespace)');
  const c = spec.containers.find((x) => [...(x.command ?? []), ...(x.args ?? [])].some((a) => a.endsWith('seccomp-audit')));
  if (!c) { fail('no container runs seccomp-audit'); continue; }
  const argv = [...(c.command ?? []), ...(c.args ?? [])];
  const run = argv.indexOf('run', argv.findIndex((a) => a.endsWith('seccomp-audit')));
  if (run < 0) fail('seccomp-audit is not started with `run`');
  const flags = {};
  for (const a of argv.slice(run + 1)) {
    const m = /^--([a-z_]+)(?:=(.*))?$/.exec(a);
    if (!m) { fail(`argument '${a}' is not --flag=value`); continue; }
    if (!new RegExp(`^\\s+--${m[1]}\\b`, 'm').test(help)) fail(`seccomp-audit run has no flag --${m[1]}`);
    flags[m[1]] = m[2];
  }
  const mounts = (c.volumeMounts ?? []).map((m) => ({ ...m, volume: spec.volumes.find((v) => v.name === m.name) }));
  const hostMount = (p) => mounts.find((m) => m.volume?.hostPath && (p === m.mountPath || p.startsWith(m.mountPath + '/')));
  for (const [flag, fallback] of [['state_dir', '/var/lib/seccomp-companion'], ['runtime_dir', '/run/seccomp-companion'],
                                  ['pin_dir', '/sys/fs/bpf/seccomp-companion']]) {
    const p = flags[flag] ?? fallback;
    const m = hostMount(p);
    if (!m) fail(`--${flag}=${p} is not on a hostPath mount (it must outlive the pod / be the host's)`);
    else if (m.readOnly && flag !== 'runtime_dir') fail(`--${flag}=${p} is on a read-only mount`);
  }
  if (hostMount('/sys/fs/bpf')?.volume.hostPath.path !== '/sys/fs/bpf') fail('the host bpffs (/sys/fs/bpf) is not mounted');
  if (hostMount('/sys/fs/cgroup')?.volume.hostPath.path !== '/sys/fs/cgroup') fail('the host cgroup tree is not mounted at /sys/fs/cgroup');
  if (!argv.includes('--cgroup=/proc/1/ns/cgroup')) fail('the daemon does not enter the host cgroup namespace (nsenter --cgroup=/proc/1/ns/cgroup)');
  const sc = c.securityContext ?? {};
  const caps = new Set(sc.capabilities?.add ?? []);
  if (sc.privileged !== true)
    for (const cap of ['AUDIT_READ', 'AUDIT_CONTROL', 'BPF', 'PERFMON', 'SYS_ADMIN', 'NET_ADMIN'])
      if (!caps.has(cap)) fail(`capability ${cap} is missing (docs/kubernetes.md says what needs it)`);
  if (sc.seccompProfile?.type !== 'Unconfined') fail('the daemon needs seccompProfile Unconfined (bpf(), perf_event_open())');
  const listen = flags.listen;
  const port = c.ports?.find((p) => p.name === 'metrics')?.containerPort;
  if (!listen || !port || !listen.endsWith(`:${port}`)) fail(`--listen (${listen}) and the metrics port (${port}) disagree`);
  if (obj.spec.template.metadata?.annotations?.['prometheus.io/port'] !== String(port)) fail('prometheus.io/port is not the metrics port');
}

if (errors.length) {
  for (const e of errors) console.error(e);
  process.exit(1);
}
const versions = ['kubernetes-models', 'typescript'].map((p) => `${p} ${installedVersion(workDir, p)}`);
console.log(`${tsFiles.length} manifest documents conform (${versions.join(', ')}); the DaemonSet gives the daemon what it needs`);
