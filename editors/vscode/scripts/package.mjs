// Builds the linux-x64 .vsix offline: copies the server binary into server/linux-x64/,
// then runs vsce (which bundles the extension through the vscode:prepublish script).
//
// Usage: node scripts/package.mjs [--server PATH] [--out FILE.vsix]
//   --server  the built magento-integration-ls (env MAGENTO_LS_SERVER;
//             default ../../build/magento-integration-ls, relative to editors/vscode)
//   --out     where to write the .vsix (env MAGENTO_LS_VSIX_OUT;
//             default magento-integration-ls-linux-x64-<version>.vsix here)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const TARGET = 'linux-x64';
const BINARY = 'magento-integration-ls';

function fail(message) {
    console.error(`package: ${message}`);
    process.exit(1);
}

function option(name, envName) {
    const i = process.argv.indexOf(name);
    if (i !== -1) {
        if (i + 1 >= process.argv.length) fail(`${name} needs a value`);
        return process.argv[i + 1];
    }
    const positional = process.argv.slice(2).filter((a, j, all) => !a.startsWith('--') && !(all[j - 1] ?? '').startsWith('--'));
    if (name === '--server' && positional.length > 0) return positional[0];
    return process.env[envName] || undefined;
}

/** Refuses anything that is not an x86-64 ELF executable: the .vsix is for linux-x64 only. */
function checkBinary(file) {
    let st;
    try {
        st = fs.statSync(file);
    } catch {
        fail(`server binary ${file} not found (build it first, or pass --server PATH / MAGENTO_LS_SERVER)`);
    }
    if (!st.isFile()) fail(`${file} is not a file`);
    const head = Buffer.alloc(20);
    const fd = fs.openSync(file, 'r');
    fs.readSync(fd, head, 0, 20, 0);
    fs.closeSync(fd);
    if (head.readUInt32BE(0) !== 0x7f454c46) fail(`${file} is not an ELF executable`);
    const machine = head.readUInt16LE(18);
    if (machine !== 0x3e) fail(`${file} is not built for x86-64 (ELF machine ${machine})`);
}

const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const server = path.resolve(root, option('--server', 'MAGENTO_LS_SERVER') ?? path.join('..', '..', 'build', BINARY));
const out = path.resolve(root, option('--out', 'MAGENTO_LS_VSIX_OUT') ?? `${pkg.name}-${TARGET}-${pkg.version}.vsix`);
checkBinary(server);

const serverDir = path.join(root, 'server');
fs.rmSync(serverDir, { recursive: true, force: true });
fs.mkdirSync(path.join(serverDir, TARGET), { recursive: true });
const bundled = path.join(serverDir, TARGET, BINARY);
fs.copyFileSync(server, bundled);
fs.chmodSync(bundled, 0o755);
console.log(`package: bundled ${server} as server/${TARGET}/${BINARY}`);

fs.mkdirSync(path.dirname(out), { recursive: true });
const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
if (!fs.existsSync(vsce)) fail('node_modules/@vscode/vsce is missing: run `npm ci --ignore-scripts` (or scripts/setup-node-deps.sh)');
const r = spawnSync(process.execPath, [vsce, 'package', '--target', TARGET, '--no-dependencies', '--out', out], {
    cwd: root,
    stdio: 'inherit',
});
if (r.status !== 0) fail(`vsce exited with ${r.status ?? r.signal}`);
console.log(`package: wrote ${out}`);
