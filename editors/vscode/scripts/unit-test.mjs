// Type-checks the extension and runs its unit tests (node --test).
// Exits 77 (skipped) when node_modules is missing: run `npm ci --ignore-scripts` first.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
if (!fs.existsSync(tsc)) {
    console.log(`SKIP: ${path.join(root, 'node_modules')} is missing; run scripts/setup-node-deps.sh`);
    process.exit(77);
}
const run = (args) => spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' }).status ?? 1;
fs.rmSync(path.join(root, 'out'), { recursive: true, force: true });
let status = run([tsc, '-p', 'tsconfig.test.json']);
if (status === 0) status = run(['--test', 'out/test/']);
process.exit(status);
