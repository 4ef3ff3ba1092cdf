import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
    bundledServerPath,
    describeSource,
    DOWNLOAD_PAGE,
    expandConfiguredPath,
    FileState,
    findOnPath,
    probeFile,
    resolveServerPath,
    ResolveInput,
} from '../src/serverPath';

const EXT = '/opt/ext/magento-integration';
const BUNDLED = '/opt/ext/magento-integration/server/linux-x64/magento-integration-ls';

function input(over: Partial<ResolveInput> = {}): ResolveInput {
    return {
        configured: '',
        extensionPath: EXT,
        platform: 'linux',
        arch: 'x64',
        workspaceFolders: ['/home/dev/shop'],
        homeDir: '/home/dev',
        pathEnv: '/usr/local/bin:/usr/bin',
        ...over,
    };
}

/** A probe that knows a fixed set of files and their states; everything else is missing. */
function probeOf(files: Record<string, FileState>) {
    const asked: string[] = [];
    const probe = (file: string): FileState => {
        asked.push(file);
        return files[file] ?? 'missing';
    };
    return Object.assign(probe, { asked });
}

test('an empty setting starts the binary bundled for linux-x64', () => {
    const r = resolveServerPath(input(), probeOf({ [BUNDLED]: 'ok' }));
    assert.deepEqual(r, { ok: true, source: 'bundled', path: BUNDLED });
});

test('a blank or null setting also means the bundled binary', () => {
    for (const configured of ['   ', null, undefined]) {
        const r = resolveServerPath(input({ configured }), probeOf({ [BUNDLED]: 'ok' }));
        assert.equal(r.ok && r.path, BUNDLED, `configured=${JSON.stringify(configured)}`);
    }
});

test('an absolute setting wins over the bundled binary', () => {
    const probe = probeOf({ [BUNDLED]: 'ok', '/usr/local/bin/magento-integration-ls': 'ok' });
    const r = resolveServerPath(input({ configured: '/usr/local/bin/magento-integration-ls' }), probe);
    assert.deepEqual(r, { ok: true, source: 'setting', path: '/usr/local/bin/magento-integration-ls' });
});

test('a setting that points nowhere is an error, not a silent fallback to the bundled binary', () => {
    const r = resolveServerPath(input({ configured: '/nope/mil' }), probeOf({ [BUNDLED]: 'ok' }));
    assert.equal(r.ok, false);
    assert.equal(r.source, 'setting');
    assert.match(r.ok ? '' : r.message, /\/nope\/mil.*does not exist/);
});

test('a non-executable setting says how to fix it', () => {
    const r = resolveServerPath(input({ configured: '/tmp/mil' }), probeOf({ '/tmp/mil': 'not-executable' }));
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.message, /not executable.*chmod \+x/);
});

test('a directory is refused', () => {
    const r = resolveServerPath(input({ configured: '/tmp' }), probeOf({ '/tmp': 'not-a-file' }));
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.message, /is not a file/);
});

test('~ and ${workspaceFolder} and ${userHome} are expanded', () => {
    const ctx = { workspaceFolders: ['/home/dev/shop'], homeDir: '/home/dev' };
    assert.equal(expandConfiguredPath('~/bin/mil', ctx), '/home/dev/bin/mil');
    assert.equal(expandConfiguredPath('${workspaceFolder}/build/mil', ctx), '/home/dev/shop/build/mil');
    assert.equal(expandConfiguredPath('${userHome}/mil', ctx), '/home/dev/mil');
    assert.equal(
        expandConfiguredPath('${env:MIL_TEST_DIR}/mil', { ...ctx, env: { MIL_TEST_DIR: '/srv' } }),
        '/srv/mil',
    );
});

test('a relative setting is taken from the first workspace folder', () => {
    const ctx = { workspaceFolders: ['/home/dev/shop', '/home/dev/other'], homeDir: '/home/dev' };
    assert.equal(expandConfiguredPath('build/../build/mil', ctx), '/home/dev/shop/build/mil');
    const r = resolveServerPath(
        input({ configured: 'build/mil', workspaceFolders: ctx.workspaceFolders }),
        probeOf({ '/home/dev/shop/build/mil': 'ok' }),
    );
    assert.deepEqual(r, { ok: true, source: 'setting', path: '/home/dev/shop/build/mil' });
});

test('a relative setting without a workspace folder is an error that says why', () => {
    for (const configured of ['build/mil', '${workspaceFolder}/mil']) {
        const r = resolveServerPath(input({ configured, workspaceFolders: [] }), probeOf({}));
        assert.equal(r.ok, false);
        assert.match(r.ok ? '' : r.message, /no workspace folder is open/);
    }
});

test('without a bundled binary, the one on PATH is used, first PATH entry first', () => {
    const probe = probeOf({ '/usr/local/bin/magento-integration-ls': 'ok', '/usr/bin/magento-integration-ls': 'ok' });
    const r = resolveServerPath(input(), probe);
    assert.deepEqual(r, { ok: true, source: 'path', path: '/usr/local/bin/magento-integration-ls' });
    assert.equal(probe.asked[0], BUNDLED, 'the bundled binary is tried before PATH');
});

test('the bundled binary wins over one on PATH', () => {
    const r = resolveServerPath(input(), probeOf({ [BUNDLED]: 'ok', '/usr/bin/magento-integration-ls': 'ok' }));
    assert.deepEqual(r, { ok: true, source: 'bundled', path: BUNDLED });
});

test('a setting wins over PATH, and a broken setting does not fall back to PATH', () => {
    const onPath = { '/usr/bin/magento-integration-ls': 'ok' as FileState };
    const good = resolveServerPath(input({ configured: '/opt/mil' }), probeOf({ ...onPath, '/opt/mil': 'ok' }));
    assert.deepEqual(good, { ok: true, source: 'setting', path: '/opt/mil' });
    const broken = resolveServerPath(input({ configured: '/opt/mil' }), probeOf(onPath));
    assert.equal(broken.ok, false);
    assert.equal(broken.source, 'setting');
});

test('PATH entries that are not executable, empty or relative are passed over', () => {
    const probe = probeOf({
        '/a/magento-integration-ls': 'not-executable',
        'bin/magento-integration-ls': 'ok',
        '/b/magento-integration-ls': 'ok',
    });
    assert.equal(findOnPath('/a::bin:/b', 'linux', probe), '/b/magento-integration-ls');
    assert.ok(!probe.asked.includes('bin/magento-integration-ls'));
    assert.equal(findOnPath(undefined, 'linux', probe), undefined);
});

test('on Windows PATH is split at ; and the .exe is looked for', () => {
    const exe = 'C:\\Program Files\\mil\\magento-integration-ls.exe';
    const probe = probeOf({ [exe]: 'ok' });
    assert.equal(findOnPath('C:\\Windows;"C:\\Program Files\\mil"', 'win32', probe), exe);
    const r = resolveServerPath(
        input({ platform: 'win32', extensionPath: 'C:\\ext', pathEnv: 'C:\\Windows;C:\\Program Files\\mil' }),
        probe,
    );
    assert.deepEqual(r, { ok: true, source: 'path', path: exe });
});

test('the win32-x64 package finds its bundled .exe', () => {
    const exe = 'C:\\ext\\server\\win32-x64\\magento-integration-ls.exe';
    const r = resolveServerPath(input({ platform: 'win32', extensionPath: 'C:\\ext', pathEnv: '' }), probeOf({ [exe]: 'ok' }));
    assert.deepEqual(r, { ok: true, source: 'bundled', path: exe });
});

test('with nothing bundled and nothing on PATH, linux-x64 is told to reinstall, set the path or download', () => {
    const r = resolveServerPath(input(), probeOf({}));
    assert.equal(r.ok, false);
    const message = r.ok ? '' : r.message;
    assert.match(message, /does not exist/);
    assert.match(message, /not on PATH/);
    assert.match(message, /Reinstall the extension for linux-x64/);
    assert.match(message, /magentoIntegration\.server\.path/);
    assert.ok(message.includes(DOWNLOAD_PAGE), message);
});

test('macOS is told which platforms are bundled, and how to get a server', () => {
    const r = resolveServerPath(input({ platform: 'darwin', arch: 'arm64' }), probeOf({}));
    assert.equal(r.ok, false);
    const message = r.ok ? '' : r.message;
    assert.match(message, /linux-x64 and win32-x64/);
    assert.match(message, /darwin-arm64/);
    assert.match(message, /magentoIntegration\.server\.path/);
    assert.ok(message.includes(DOWNLOAD_PAGE), message);
});

test('macOS uses a server built from source and put on PATH', () => {
    const r = resolveServerPath(
        input({ platform: 'darwin', arch: 'arm64', pathEnv: '/opt/homebrew/bin:/usr/local/bin' }),
        probeOf({ '/usr/local/bin/magento-integration-ls': 'ok' }),
    );
    assert.deepEqual(r, { ok: true, source: 'path', path: '/usr/local/bin/magento-integration-ls' });
});

test('the output channel is told where the server comes from', () => {
    assert.match(describeSource('setting', 'linux-x64'), /magentoIntegration\.server\.path/);
    assert.match(describeSource('bundled', 'win32-x64'), /bundled.*win32-x64/);
    assert.match(describeSource('path', 'darwin-arm64'), /PATH/);
});

test('a server built for another platform is still found if it was bundled there', () => {
    const p = bundledServerPath(EXT, 'linux', 'arm64');
    assert.equal(p, '/opt/ext/magento-integration/server/linux-arm64/magento-integration-ls');
    const r = resolveServerPath(input({ arch: 'arm64' }), probeOf({ [p]: 'ok' }));
    assert.deepEqual(r, { ok: true, source: 'bundled', path: p });
});

test('the Windows binary name ends in .exe', () => {
    assert.ok(bundledServerPath('C:\\ext', 'win32', 'x64').endsWith('magento-integration-ls.exe'));
});

test('the real file probe tells missing, directory, non-executable and executable apart', { skip: process.platform === 'win32' }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mil-probe-'));
    try {
        const file = path.join(dir, 'magento-integration-ls');
        assert.equal(probeFile(file), 'missing');
        assert.equal(probeFile(dir), 'not-a-file');
        fs.writeFileSync(file, '#!/bin/sh\n');
        fs.chmodSync(file, 0o644);
        assert.equal(probeFile(file), 'not-executable');
        fs.chmodSync(file, 0o755);
        assert.equal(probeFile(file), 'ok');
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});

test('an extension folder laid out like the .vsix resolves with the real probe', { skip: process.platform === 'win32' }, () => {
    const ext = fs.mkdtempSync(path.join(os.tmpdir(), 'mil-ext-'));
    try {
        const bin = bundledServerPath(ext, 'linux', 'x64');
        fs.mkdirSync(path.dirname(bin), { recursive: true });
        fs.writeFileSync(bin, '#!/bin/sh\n', { mode: 0o755 });
        const r = resolveServerPath(input({ extensionPath: ext }));
        assert.deepEqual(r, { ok: true, source: 'bundled', path: bin });
    } finally {
        fs.rmSync(ext, { recursive: true, force: true });
    }
});

test('a real PATH folder with an executable server is found, a non-executable one is not', { skip: process.platform === 'win32' }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mil-path-'));
    try {
        const noexec = path.join(dir, 'a');
        const bin = path.join(dir, 'b');
        fs.mkdirSync(noexec);
        fs.mkdirSync(bin);
        fs.writeFileSync(path.join(noexec, 'magento-integration-ls'), '#!/bin/sh\n', { mode: 0o644 });
        fs.writeFileSync(path.join(bin, 'magento-integration-ls'), '#!/bin/sh\n', { mode: 0o755 });
        const r = resolveServerPath(input({ extensionPath: dir, pathEnv: `${noexec}:${bin}` }));
        assert.deepEqual(r, { ok: true, source: 'path', path: path.join(bin, 'magento-integration-ls') });
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
