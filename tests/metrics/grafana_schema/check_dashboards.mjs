// Checks the shipped Grafana dashboards against Grafana's published schema: the TypeScript
// types of the npm package @grafana/schema, with tsc. Each dashboard JSON becomes an object
// literal assigned to the Dashboard type, so tsc checks field types and enumerations.
//
//   node check_dashboards.mjs WORK_DIR DASHBOARD.json...
//
// WORK_DIR (in the build tree) gets package.json + package-lock.json and `npm ci` (once; the
// npm registry is needed only then), the generated .ts files and a tsconfig. Exit 0: all
// dashboards conform; 1: tsc found errors (printed); 77: npm could not install the checker
// outside CI (ctest reports a skip; under CI=true that is a failure instead).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { installPinned, installedVersion, typeCheck } from '../../support/npm_checker.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const [workDir, ...dashboards] = process.argv.slice(2);
if (!workDir || dashboards.length === 0) {
  console.error('usage: node check_dashboards.mjs WORK_DIR DASHBOARD.json...');
  process.exit(2);
}
installPinned(here, workDir);

const files = [];
for (const f of dashboards) {
  const name = path.basename(f, '.json').replace(/[^A-Za-z0-9]/g, '_');
  const json = JSON.stringify(JSON.parse(fs.readFileSync(f, 'utf8')), null, 1);
  fs.writeFileSync(path.join(workDir, `${name}.ts`),
    `import type { Dashboard } from '@grafana/schema';\n` +
    `// ${path.basename(f)}\n` +
    // JSON holds an enum's string value; TypeScript's enum types only accept the enum member.
    // Json<T> turns every string enum into the union of its values and keeps everything else.
    'type Json<T> = T extends string ? `${T}` : T extends (infer U)[] ? Json<U>[] : ' +
    'T extends object ? { [K in keyof T]: Json<T[K]> } : T;\n' +
    `export const ${name}: Json<Dashboard> = ${json};\n`);
  files.push(`${name}.ts`);
}
if (!typeCheck(workDir, files, 'es2020')) {
  console.error('dashboards do not conform to @grafana/schema (errors above)');
  process.exit(1);
}
const version = installedVersion(workDir, '@grafana/schema');
console.log(`${dashboards.length} dashboards conform to @grafana/schema ${version}`);
