// Builds the .vsix of one platform offline: copies the server binary into server/<target>/
// (and nothing else into server/), then runs `vsce package --target <target>` (which bundles
// the extension through the vscode:prepublish script).
//
// Usage: node scripts/package.mjs [--target linux-x64|win32-x64|universal] [--server PATH] [--out FILE.vsix]
//   --target  the platform (default linux-x64); the server must be built for it. `universal`
//             packs no server (macOS, until a release exists): the extension then finds one
//             through magentoIntegration.server.path or on PATH
//   --server  the built magento-integration-ls (env MAGENTO_LS_SERVER; default
//             ../../build/magento-integration-ls, or ../../build-windows/magento-integration-ls.exe
//             for win32-x64, relative to editors/vscode)
//   --out     where to write the .vsix (env MAGENTO_LS_VSIX_OUT;
//             default magento-integration-ls-<target>-<version>.vsix here)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// target -> the server's file name and the executable format it must have.
const TARGETS = {
    'linux-x64': { binary: 'magento-integration-ls', build: path.join('..', '..', 'build'), check: checkElf },
    'win32-x64': { binary: 'magento-integration-ls.exe', build: path.join('..', '..', 'build-windows'), check: checkPe },
};

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

function readHead(file, length) {
    let st;
    try {
        st = fs.statSync(file);
    } catch {
        fail(`server binary ${file} not found (build it first, or pass --server PATH / MAGENTO_LS_SERVER)`);
    }
    if (!st.isFile()) fail(`${file} is not a file`);
    const head = Buffer.alloc(length);
    const fd = fs.openSync(file, 'r');
    fs.readSync(fd, head, 0, length, 0);
    fs.closeSync(fd);
    return head;
}

/** Refuses anything that is not an x86-64 ELF executable (the linux-x64 server). */
function checkElf(file) {
    const head = readHead(file, 20);
    if (head.readUInt32BE(0) !== 0x7f454c46) fail(`${file} is not an ELF executable`);
    const machine = head.readUInt16LE(18);
    if (machine !== 0x3e) fail(`${file} is not built for x86-64 (ELF machine ${machine})`);
}

/** Refuses anything that is not an x86-64 PE executable (the win32-x64 server). */
function checkPe(file) {
    const head = readHead(file, 4096);
    if (head.toString('latin1', 0, 2) !== 'MZ') fail(`${file} is not a Windows executable`);
    const pe = head.readUInt32LE(0x3c);
    if (pe + 6 > head.length || head.readUInt32BE(pe) !== 0x50450000) fail(`${file} has no PE header`);
    const machine = head.readUInt16LE(pe + 4);
    if (machine !== 0x8664) fail(`${file} is not built for x86-64 (PE machine 0x${machine.toString(16)})`);
}

const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const TARGET = option('--target', 'MAGENTO_LS_VSIX_TARGET') ?? 'linux-x64';
if (!(TARGET in TARGETS) && TARGET !== 'universal') fail(`unknown --target ${TARGET} (one of: ${Object.keys(TARGETS).join(', ')})`);
const out = path.resolve(root, option('--out', 'MAGENTO_LS_VSIX_OUT') ?? `${pkg.name}-${TARGET}-${pkg.version}.vsix`);
const serverDir = path.join(root, 'server');
fs.rmSync(serverDir, { recursive: true, force: true });
if (TARGET !== 'universal') {
    const { binary: BINARY, build, check } = TARGETS[TARGET];
    const server = path.resolve(root, option('--server', 'MAGENTO_LS_SERVER') ?? path.join(build, BINARY));
    check(server);
    fs.mkdirSync(path.join(serverDir, TARGET), { recursive: true });
    const bundled = path.join(serverDir, TARGET, BINARY);
    fs.copyFileSync(server, bundled);
    fs.chmodSync(bundled, 0o755);
    console.log(`package: bundled ${server} as server/${TARGET}/${BINARY}`);
}

fs.mkdirSync(path.dirname(out), { recursive: true });
const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
if (!fs.existsSync(vsce)) fail('node_modules/@vscode/vsce is missing: run `npm ci --ignore-scripts` (or scripts/setup-node-deps.sh)');
const targetArgs = TARGET === 'universal' ? [] : ['--target', TARGET];
const r = spawnSync(process.execPath, [vsce, 'package', ...targetArgs, '--no-dependencies', '--out', out], {
    cwd: root,
    stdio: 'inherit',
});
if (r.status !== 0) fail(`vsce exited with ${r.status ?? r.signal}`);
console.log(`package: wrote ${out}`);
