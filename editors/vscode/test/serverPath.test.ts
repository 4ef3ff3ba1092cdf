import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
    bundledServerPath,
    expandConfiguredPath,
    FileState,
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

test('a missing bundled binary on linux-x64 asks to reinstall or set the path', () => {
    const r = resolveServerPath(input(), probeOf({}));
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.message, /magentoIntegration\.server\.path/);
    assert.match(r.ok ? '' : r.message, /does not exist/);
});

test('other platforms are told that only linux-x64 is bundled', () => {
    const r = resolveServerPath(input({ platform: 'darwin', arch: 'arm64' }), probeOf({}));
    assert.equal(r.ok, false);
    const message = r.ok ? '' : r.message;
    assert.match(message, /linux-x64/);
    assert.match(message, /darwin-arm64/);
    assert.match(message, /magentoIntegration\.server\.path/);
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
