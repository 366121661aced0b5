// What the Node schema checkers (tests/metrics/grafana_schema/check_dashboards.mjs,
// tests/deploy/kubernetes_schema/check_manifests.mjs) share: installing their pinned npm
// packages into a work folder of the build tree, and running tsc there on generated files.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// Installs the package.json + package-lock.json beside the checker (`checkerDir`) into
// `workDir` with `npm ci`, once: again only when the lock changed. The npm registry is needed
// only then. When npm fails: exit 1 under CI=true, else 77 (ctest reports a skip).
export function installPinned(checkerDir, workDir, extraNpmArgs = []) {
  fs.mkdirSync(workDir, { recursive: true });
  const lock = fs.readFileSync(path.join(checkerDir, 'package-lock.json'), 'utf8');
  const installedLock = path.join(workDir, 'node_modules', '.sc-lock.json');
  if (fs.existsSync(installedLock) && fs.readFileSync(installedLock, 'utf8') === lock) return;
  fs.copyFileSync(path.join(checkerDir, 'package.json'), path.join(workDir, 'package.json'));
  fs.writeFileSync(path.join(workDir, 'package-lock.json'), lock);
  try {
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...extraNpmArgs],
                 { cwd: workDir, stdio: 'inherit' });
  } catch (e) {
    console.error(`npm ci failed in ${workDir}: ${e.message}`);
    process.exit(process.env.CI === 'true' ? 1 : 77);
  }
  fs.writeFileSync(installedLock, lock);
}

// Runs the installed tsc, strict and without emitting, on `files` (names in workDir). Returns
// true when they type-check; tsc's errors go to stderr.
export function typeCheck(workDir, files, target) {
  fs.writeFileSync(path.join(workDir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: 'esnext', moduleResolution: 'bundler', target,
                       skipLibCheck: true, types: [] },
    files }, null, 2));
  try {
    execFileSync(path.join(workDir, 'node_modules', '.bin', 'tsc'), ['-p', path.join(workDir, 'tsconfig.json')],
                 { cwd: workDir, stdio: 'inherit' });
    return true;
  } catch {
    return false;
  }
}

// The version of an installed package.
export function installedVersion(workDir, name) {
  return JSON.parse(fs.readFileSync(path.join(workDir, 'node_modules', name, 'package.json'), 'utf8')).version;
}
