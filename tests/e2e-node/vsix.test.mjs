// Builds the VS Code .vsix with `npm run package`'s script and checks what is inside.
//
//   node tests/e2e-node/vsix.test.mjs /path/to/magento-integration-ls [OUT_DIR]
//
// Needs editors/vscode/node_modules (exits 77, skipped, without it). Reads the .vsix (a zip)
// with its own small reader, so that no unzip tool is needed.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const extDir = path.join(repo, 'editors', 'vscode');

if (!fs.existsSync(path.join(extDir, 'node_modules', '@vscode', 'vsce'))) {
    console.log(`SKIP: ${path.join(extDir, 'node_modules')} is missing; run scripts/setup-node-deps.sh`);
    process.exit(77);
}
const serverPath = process.argv[2] ?? process.env.MAGENTO_LS_SERVER;
if (!serverPath) {
    console.error('usage: node vsix.test.mjs /path/to/magento-integration-ls [OUT_DIR]');
    process.exit(2);
}

/** Lists a zip's entries from its central directory: name, unix mode, sizes, and a reader. */
export function readZip(buf) {
    let eocd = -1;
    for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
        if (buf.readUInt32LE(i) === 0x06054b50) {
            eocd = i;
            break;
        }
    }
    if (eocd < 0) throw new Error('not a zip: no end of central directory');
    const count = buf.readUInt16LE(eocd + 10);
    let p = buf.readUInt32LE(eocd + 16);
    const entries = new Map();
    for (let n = 0; n < count; n++) {
        if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory entry at ${p}`);
        const madeBy = buf.readUInt16LE(p + 4) >> 8;
        const method = buf.readUInt16LE(p + 10);
        const compressed = buf.readUInt32LE(p + 20);
        const size = buf.readUInt32LE(p + 24);
        const nameLen = buf.readUInt16LE(p + 28);
        const extraLen = buf.readUInt16LE(p + 30);
        const commentLen = buf.readUInt16LE(p + 32);
        const external = buf.readUInt32LE(p + 38);
        const local = buf.readUInt32LE(p + 42);
        const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
        const mode = madeBy === 3 ? external >>> 16 : undefined; // 3 = unix
        entries.set(name, {
            name,
            mode,
            size,
            data() {
                const lNameLen = buf.readUInt16LE(local + 26);
                const lExtraLen = buf.readUInt16LE(local + 28);
                const start = local + 30 + lNameLen + lExtraLen;
                const raw = buf.subarray(start, start + compressed);
                if (method === 0) return Buffer.from(raw);
                if (method === 8) return inflateRawSync(raw);
                throw new Error(`${name}: compression method ${method}`);
            },
        });
        p += 46 + nameLen + extraLen + commentLen;
    }
    return entries;
}

const sha256 = (b) => createHash('sha256').update(b).digest('hex');

const outDir = process.argv[3] ? path.resolve(process.argv[3]) : fs.mkdtempSync(path.join(os.tmpdir(), 'mil-vsix-'));
const vsix = path.join(outDir, 'magento-integration-ls-linux-x64.vsix');
let entries;

test('npm run package builds a linux-x64 .vsix offline', () => {
    fs.rmSync(vsix, { force: true });
    const r = spawnSync(process.execPath, ['scripts/package.mjs', '--server', path.resolve(serverPath), '--out', vsix], {
        cwd: extDir,
        encoding: 'utf8',
        timeout: 50000,
    });
    assert.equal(r.status, 0, `package failed:\n${r.stdout}\n${r.stderr}`);
    assert.ok(fs.existsSync(vsix), 'no .vsix written');
    entries = readZip(fs.readFileSync(vsix));
});

test('the .vsix holds the bundled extension and the server binary, executable', () => {
    assert.ok(entries, 'no .vsix to inspect');
    const server = entries.get('extension/server/linux-x64/magento-integration-ls');
    assert.ok(server, `server binary missing; entries: ${[...entries.keys()].join(', ')}`);
    assert.ok(server.mode !== undefined && (server.mode & 0o111) !== 0, `server binary is not executable (mode ${server.mode?.toString(8)})`);
    assert.equal(sha256(server.data()), sha256(fs.readFileSync(serverPath)), 'the packaged server is not the binary given');

    const main = entries.get('extension/dist/extension.js');
    assert.ok(main, 'extension/dist/extension.js missing');
    const js = main.data().toString('utf8');
    assert.ok(!/require\(["']vscode-languageclient/.test(js), 'vscode-languageclient is not bundled into extension.js');
    assert.ok(js.includes('**/etc/integration.xml'), 'the document selector did not make it into the bundle');

    const pkg = JSON.parse(entries.get('extension/package.json').data().toString('utf8'));
    assert.equal(pkg.main, './dist/extension.js');
    assert.ok(entries.has('extension/LICENSE.txt') || entries.has('extension/LICENSE'), 'no LICENSE');
    const manifest = entries.get('extension.vsixmanifest').data().toString('utf8');
    assert.match(manifest, /TargetPlatform="linux-x64"/);
});

test('the settings file\'s JSON Schema is in the .vsix where jsonValidation points', () => {
    assert.ok(entries, 'no .vsix to inspect');
    const pkg = JSON.parse(entries.get('extension/package.json').data().toString('utf8'));
    const validation = pkg.contributes.jsonValidation;
    assert.ok(Array.isArray(validation) && validation.length === 1, 'no jsonValidation contribution');
    assert.equal(validation[0].fileMatch, '.magento-integration-ls.json');
    const entry = entries.get(path.posix.join('extension', path.posix.normalize(validation[0].url)));
    assert.ok(entry, `${validation[0].url} is not in the .vsix; entries: ${[...entries.keys()].join(', ')}`);
    const text = entry.data().toString('utf8');
    assert.equal(text, fs.readFileSync(path.join(repo, 'data', 'schema', 'settings.schema.json'), 'utf8'));
    const schema = JSON.parse(text);
    const codes = schema.properties.severity.propertyNames.enum;
    for (const code of ['unknown-resource', 'missing-parent', 'stray-whitespace']) assert.ok(codes.includes(code), code);
});

test('the .vsix carries no sources, tests or node_modules', () => {
    assert.ok(entries, 'no .vsix to inspect');
    const stray = [...entries.keys()].filter((n) => /^extension\/(node_modules|src|test|out|scripts)\//.test(n) || n.endsWith('.ts') || n.endsWith('.map'));
    assert.deepEqual(stray, []);
});

test('package.mjs refuses to pack a Linux binary as the win32-x64 server', () => {
    const r = spawnSync(process.execPath, ['scripts/package.mjs', '--target', 'win32-x64', '--server', path.resolve(serverPath), '--out', path.join(outDir, 'wrong.vsix')], {
        cwd: extDir,
        encoding: 'utf8',
        timeout: 50000,
    });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /not a Windows executable/);
    assert.ok(!fs.existsSync(path.join(outDir, 'wrong.vsix')));
});

test.after(() => {
    if (!process.argv[3]) fs.rmSync(outDir, { recursive: true, force: true });
});
