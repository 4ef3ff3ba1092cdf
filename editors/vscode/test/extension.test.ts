// extension.ts against stand-ins for the `vscode` API and for vscode-languageclient's
// LanguageClient (VS Code itself cannot run here): what it starts, with which options, and
// how it reacts to settings changes.
import { afterEach, beforeEach, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Module = require('node:module');

interface FakeClient {
    id: string;
    name: string;
    serverOptions: any;
    clientOptions: any;
    started: boolean;
    stopped: boolean;
    sent: [string, any][];
}

const state = {
    config: {} as Record<string, unknown>,
    folders: [] as string[],
    errors: [] as string[],
    watchers: [] as string[],
    commands: new Map<string, (...args: any[]) => any>(),
    configListeners: [] as ((e: any) => any)[],
    clients: [] as FakeClient[],
    logs: [] as string[],
    picks: [] as { items: any[]; options: any }[],
    pick: undefined as ((items: any[]) => any) | undefined,
    shown: [] as { uri: string; options: any }[],
};

const disposable = { dispose() {} };
const fakeVscode = {
    Uri: { parse: (value: string) => ({ value }) },
    Range: class {
        constructor(public startLine: number, public startCharacter: number, public endLine: number, public endCharacter: number) {}
    },
    workspace: {
        getConfiguration: (section: string) => {
            assert.equal(section, 'magentoIntegration');
            // A key the test sets is a user value; any other has only its default.
            return {
                get: (key: string) => state.config[key],
                inspect: (key: string) => ({ key, globalValue: state.config[key] }),
            };
        },
        get workspaceFolders() {
            return state.folders.map((p) => ({ uri: { scheme: 'file', fsPath: p } }));
        },
        createFileSystemWatcher: (glob: string) => {
            state.watchers.push(glob);
            return disposable;
        },
        onDidChangeConfiguration: (fn: (e: any) => any) => {
            state.configListeners.push(fn);
            return disposable;
        },
    },
    window: {
        createOutputChannel: () => ({
            info: (m: string) => state.logs.push(`info: ${m}`),
            warn() {},
            error: (m: string) => state.logs.push(`error: ${m}`),
            show() {},
            appendLine() {},
            dispose() {},
        }),
        showQuickPick: async (items: any[], options: any) => {
            state.picks.push({ items, options });
            return state.pick?.(items);
        },
        showTextDocument: async (uri: { value: string }, options: any) => {
            state.shown.push({ uri: uri.value, options });
        },
        showErrorMessage: async (message: string) => {
            state.errors.push(message);
            return undefined;
        },
    },
    commands: {
        registerCommand: (id: string, fn: (...args: any[]) => any) => {
            state.commands.set(id, fn);
            return disposable;
        },
        executeCommand: async () => undefined,
    },
};

class FakeLanguageClient implements FakeClient {
    started = false;
    stopped = false;
    sent: [string, any][] = [];
    constructor(public id: string, public name: string, public serverOptions: any, public clientOptions: any) {
        state.clients.push(this);
    }
    async start() {
        this.started = true;
    }
    async stop() {
        this.stopped = true;
    }
    async sendNotification(method: string, params: any) {
        this.sent.push([method, params]);
    }
}

const originalLoad = Module._load;
Module._load = function (request: string, ...rest: unknown[]) {
    if (request === 'vscode') return fakeVscode;
    if (request === 'vscode-languageclient/node') return { LanguageClient: FakeLanguageClient };
    return originalLoad.call(this, request, ...rest);
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const extension = require('../src/extension');

let extDir: string;
let bundled: string;

function context() {
    return { extensionPath: extDir, subscriptions: [] as unknown[] };
}

beforeEach(() => {
    extDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mil-ext-'));
    bundled = path.join(extDir, 'server', `${process.platform}-${process.arch}`, 'magento-integration-ls');
    fs.mkdirSync(path.dirname(bundled), { recursive: true });
    fs.writeFileSync(bundled, '#!/bin/sh\n', { mode: 0o755 });
    Object.assign(state, { config: {}, folders: ['/home/dev/shop'], errors: [], watchers: [], configListeners: [], clients: [], logs: [], picks: [], pick: undefined, shown: [] });
    state.commands.clear();
});

afterEach(async () => {
    await extension.deactivate();
    fs.rmSync(extDir, { recursive: true, force: true });
});

test('activate starts the bundled server over plain stdio for Magento files only', async () => {
    await extension.activate(context());
    assert.equal(state.clients.length, 1);
    const c = state.clients[0];
    assert.ok(c.started);
    // The id decides which trace setting the client reads: magentoIntegration.trace.server.
    assert.equal(c.id, 'magentoIntegration');
    assert.deepEqual(c.serverOptions, { command: bundled, args: [] }, 'no transport: the client would add --stdio');
    const patterns = c.clientOptions.documentSelector.map((f: any) => f.pattern);
    assert.ok(patterns.includes('**/etc/integration.xml'));
    assert.ok(patterns.includes('**/etc/integration/{api,config}.xml'));
    assert.ok(c.clientOptions.documentSelector.every((f: any) => f.scheme === 'file' && !f.language));
    assert.ok(state.watchers.includes('**/vendor/composer/installed.json'));
    assert.ok(state.watchers.includes('**/etc/acl.xml'));
    assert.equal(c.clientOptions.synchronize.fileEvents.length, state.watchers.length);
    assert.deepEqual(state.errors, []);
    // The output channel says which server runs and where it comes from.
    const target = `${process.platform}-${process.arch}`;
    assert.ok(state.logs.includes(`info: starting ${bundled} (bundled with the extension for ${target})`), state.logs.join('\n'));
});

test('settings become initializationOptions and the workspace/configuration answer', async () => {
    state.config = { severity: { 'missing-parent': 'error', 'bad': 'loud' }, 'completion.insertParents': false };
    await extension.activate(context());
    const c = state.clients[0];
    const expected = { severity: { 'missing-parent': 'error' }, completion: { insertParents: false } };
    assert.deepEqual(c.clientOptions.initializationOptions, expected);

    const configuration = c.clientOptions.middleware.workspace.configuration;
    const next = () => {
        throw new Error('the default handler must not be asked for our own section');
    };
    assert.deepEqual(await configuration({ items: [{ section: 'magentoIntegration' }] }, undefined, next), [expected]);
    // Mixed requests: ours answered here, the rest by the default handler.
    const mixed = await configuration(
        { items: [{ section: 'editor' }, { section: 'magentoIntegration.completion.insertParents' }] },
        undefined,
        () => [{ tabSize: 4 }, 'from-default'],
    );
    assert.deepEqual(mixed, [{ tabSize: 4 }, false]);
});

test('a settings change is pushed to the running server', async () => {
    await extension.activate(context());
    const c = state.clients[0];
    state.config = { severity: { 'insecure-url': 'off' } };
    for (const l of state.configListeners) {
        await l({ affectsConfiguration: (s: string) => s === 'magentoIntegration' || s === 'magentoIntegration.severity' });
    }
    assert.deepEqual(c.sent, [
        [
            'workspace/didChangeConfiguration',
            // insertParents not set by the user: not sent, so the settings file's value stands.
            { settings: { magentoIntegration: { severity: { 'insecure-url': 'off' }, completion: {} } } },
        ],
    ]);
    assert.equal(state.clients.length, 1, 'a severity change must not restart the server');
});

test('changing server.path restarts the server with the new binary', async () => {
    await extension.activate(context());
    const other = path.join(extDir, 'other-ls');
    fs.writeFileSync(other, '#!/bin/sh\n', { mode: 0o755 });
    state.config = { 'server.path': other };
    for (const l of state.configListeners) {
        await l({ affectsConfiguration: (s: string) => s.startsWith('magentoIntegration') });
    }
    assert.equal(state.clients.length, 2);
    assert.ok(state.clients[0].stopped);
    assert.equal(state.clients[1].serverOptions.command, other);
});

test('a wrong server.path shows an error instead of starting anything', async () => {
    state.config = { 'server.path': '/nonexistent/magento-integration-ls' };
    await extension.activate(context());
    assert.equal(state.clients.length, 0);
    assert.equal(state.errors.length, 1);
    assert.match(state.errors[0], /\/nonexistent\/magento-integration-ls.*does not exist/);
});

test('without a bundled server, the one on PATH is started and the output says so', { skip: process.platform === 'win32' }, async () => {
    fs.rmSync(path.join(extDir, 'server'), { recursive: true, force: true });
    const bin = path.join(extDir, 'bin');
    fs.mkdirSync(bin);
    const onPath = path.join(bin, 'magento-integration-ls');
    fs.writeFileSync(onPath, '#!/bin/sh\n', { mode: 0o755 });
    const saved = process.env.PATH;
    process.env.PATH = `${path.join(extDir, 'nothing-here')}:${bin}`;
    try {
        await extension.activate(context());
    } finally {
        process.env.PATH = saved;
    }
    assert.equal(state.clients.length, 1);
    assert.equal(state.clients[0].serverOptions.command, onPath);
    assert.ok(state.logs.includes(`info: starting ${onPath} (found on PATH)`), state.logs.join('\n'));
});

test('with no server anywhere the error names the setting and the download page', { skip: process.platform === 'win32' }, async () => {
    fs.rmSync(path.join(extDir, 'server'), { recursive: true, force: true });
    const saved = process.env.PATH;
    process.env.PATH = path.join(extDir, 'nothing-here');
    try {
        await extension.activate(context());
    } finally {
        process.env.PATH = saved;
    }
    assert.equal(state.clients.length, 0);
    assert.equal(state.errors.length, 1);
    assert.match(state.errors[0], /magentoIntegration\.server\.path/);
    assert.match(state.errors[0], /github\.com\/magento-integration-ls\/magento-integration-ls\/releases/);
});

test('the restart command stops and starts the client', async () => {
    await extension.activate(context());
    await state.commands.get('magentoIntegration.restartServer')!();
    assert.equal(state.clients.length, 2);
    assert.ok(state.clients[0].stopped);
    assert.ok(state.clients[1].started);
});

test('the routes lens command shows a quick pick that opens the chosen webapi.xml location', async () => {
    await extension.activate(context());
    const middleware = state.clients[0].clientOptions.middleware;
    const webapi = 'file:///home/dev/shop/app/code/Magento/Sales/etc/webapi.xml';
    const answer = [
        { label: 'GET /V1/orders', uri: webapi, range: { start: { line: 10, character: 16 }, end: { line: 10, character: 26 } }, module: 'Magento_Sales', resources: ['Magento_Sales::actions_view'], anonymous: false },
        { label: 'GET /V1/orders/:id', uri: webapi, range: { start: { line: 4, character: 16 }, end: { line: 4, character: 30 } }, module: 'Magento_Sales', resources: ['Magento_Sales::actions_view'], anonymous: false },
    ];
    const sent: [string, any[]][] = [];
    const next = async (command: string, args: any[]) => {
        sent.push([command, args]);
        return answer;
    };
    state.pick = (items) => items.find((i: any) => i.label === 'GET /V1/orders/:id');
    const result = await middleware.executeCommand('magento-integration-ls.showRoutes', ['AcmeConnector'], next);
    assert.deepEqual(sent, [['magento-integration-ls.showRoutes', ['AcmeConnector']]], 'the server runs the command');
    assert.equal(result, answer);
    assert.equal(state.picks.length, 1);
    assert.deepEqual(state.picks[0].items.map((i: any) => i.label), ['GET /V1/orders', 'GET /V1/orders/:id']);
    assert.equal(state.picks[0].options.title, 'REST routes AcmeConnector can call (2)');
    assert.equal(state.shown.length, 1);
    assert.equal(state.shown[0].uri, webapi);
    assert.deepEqual({ ...state.shown[0].options.selection }, { startLine: 4, startCharacter: 16, endLine: 4, endCharacter: 30 });

    // Dismissed: nothing opens. Another command: no quick pick.
    state.pick = () => undefined;
    await middleware.executeCommand('magento-integration-ls.showRoutes', ['AcmeConnector'], next);
    assert.equal(state.shown.length, 1);
    await middleware.executeCommand('magento-integration-ls.reindex', [], next);
    assert.equal(state.picks.length, 2);
});
