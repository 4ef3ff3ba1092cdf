// A small LSP client session over stdio built on vscode-languageserver-protocol, the library
// VS Code's language client uses. It answers the server's requests the way VS Code does and
// keeps the last published diagnostics per URI.
import { spawn } from 'node:child_process';
import {
    createProtocolConnection,
    PublishDiagnosticsNotification,
    ResponseError,
    StreamMessageReader,
    StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';

/** What VS Code 1.91 announces, trimmed to what matters here: UTF-16 only, dynamic
 *  registration everywhere, no pull diagnostics. */
export function vscodeLikeCapabilities() {
    return {
        general: {
            positionEncodings: ['utf-16'],
            staleRequestSupport: { cancel: true, retryOnContentModified: [] },
            regularExpressions: { engine: 'ECMAScript', version: 'ES2020' },
            markdown: { parser: 'marked', version: '1.1.0' },
        },
        workspace: {
            applyEdit: true,
            workspaceEdit: {
                documentChanges: true,
                resourceOperations: ['create', 'rename', 'delete'],
                failureHandling: 'textOnlyTransactional',
                normalizesLineEndings: true,
                changeAnnotationSupport: { groupsOnLabel: true },
            },
            configuration: true,
            workspaceFolders: true,
            didChangeConfiguration: { dynamicRegistration: true },
            didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true },
            symbol: { dynamicRegistration: true },
            executeCommand: { dynamicRegistration: true },
            codeLens: { refreshSupport: true },
            fileOperations: { dynamicRegistration: true, didCreate: true, didRename: true, didDelete: true },
        },
        textDocument: {
            synchronization: { dynamicRegistration: true, willSave: true, willSaveWaitUntil: true, didSave: true },
            codeLens: { dynamicRegistration: true },
            publishDiagnostics: {
                relatedInformation: true,
                versionSupport: false,
                tagSupport: { valueSet: [1, 2] },
                codeDescriptionSupport: true,
                dataSupport: true,
            },
            completion: {
                dynamicRegistration: true,
                contextSupport: true,
                completionItem: {
                    snippetSupport: true,
                    commitCharactersSupport: true,
                    documentationFormat: ['markdown', 'plaintext'],
                    deprecatedSupport: true,
                    preselectSupport: true,
                    tagSupport: { valueSet: [1] },
                    insertReplaceSupport: true,
                    resolveSupport: { properties: ['documentation', 'detail', 'additionalTextEdits'] },
                    insertTextModeSupport: { valueSet: [1, 2] },
                    labelDetailsSupport: true,
                },
                insertTextMode: 2,
                completionItemKind: { valueSet: Array.from({ length: 25 }, (_, i) => i + 1) },
                completionList: { itemDefaults: ['commitCharacters', 'editRange', 'insertTextFormat', 'insertTextMode', 'data'] },
            },
            hover: { dynamicRegistration: true, contentFormat: ['markdown', 'plaintext'] },
            definition: { dynamicRegistration: true, linkSupport: true },
            references: { dynamicRegistration: true },
            documentSymbol: { dynamicRegistration: true, hierarchicalDocumentSymbolSupport: true },
            codeAction: {
                dynamicRegistration: true,
                isPreferredSupport: true,
                disabledSupport: true,
                dataSupport: true,
                resolveSupport: { properties: ['edit'] },
                codeActionLiteralSupport: {
                    codeActionKind: {
                        valueSet: ['', 'quickfix', 'refactor', 'refactor.extract', 'refactor.inline', 'refactor.rewrite', 'source', 'source.organizeImports'],
                    },
                },
                honorsChangeAnnotations: true,
            },
            rename: { dynamicRegistration: true, prepareSupport: true },
        },
        window: {
            showMessage: { messageActionItem: { additionalPropertiesSupport: true } },
            showDocument: { support: true },
            workDoneProgress: true,
        },
    };
}

export class LspSession {
    constructor(serverPath, { cwd, settings } = {}) {
        this.settings = settings ?? {};
        this.stderr = '';
        this.registrations = [];
        this.diagnostics = new Map(); // uri -> Diagnostic[]
        this.waiters = new Set();
        this.lensRefreshes = 0; // workspace/codeLens/refresh requests answered
        this.exit = new Promise((resolve) => {
            this.proc = spawn(serverPath, [], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
            this.proc.on('exit', (code, signal) => resolve({ code, signal }));
            this.proc.on('error', (error) => resolve({ code: null, signal: null, error }));
        });
        this.proc.stderr.setEncoding('utf8');
        this.proc.stderr.on('data', (chunk) => {
            this.stderr += chunk;
        });
        const c = createProtocolConnection(new StreamMessageReader(this.proc.stdout), new StreamMessageWriter(this.proc.stdin));
        this.connection = c;
        c.onRequest('client/registerCapability', (params) => {
            this.registrations.push(...params.registrations);
            return null;
        });
        c.onRequest('client/unregisterCapability', (params) => {
            const gone = new Set(params.unregisterations.map((u) => u.id));
            this.registrations = this.registrations.filter((r) => !gone.has(r.id));
            return null;
        });
        c.onRequest('window/workDoneProgress/create', () => null);
        c.onRequest('window/showMessageRequest', () => null);
        c.onRequest('workspace/configuration', (params) =>
            params.items.map((item) => (item.section === 'magentoIntegration' ? this.settings : null)),
        );
        c.onRequest('workspace/workspaceFolders', () => this.workspaceFolders ?? null);
        c.onRequest('workspace/codeLens/refresh', () => {
            this.lensRefreshes++;
            return null;
        });
        c.onRequest((method) => new ResponseError(-32601, `unhandled in test client: ${method}`));
        c.onNotification(PublishDiagnosticsNotification.type, (params) => {
            this.diagnostics.set(params.uri, params.diagnostics);
            for (const w of [...this.waiters]) w();
        });
        c.onNotification(() => {});
        c.onError(() => {});
        c.onClose(() => {
            for (const w of [...this.waiters]) w();
        });
        c.listen();
    }

    async initialize({ rootPath, rootUri, initializationOptions }) {
        this.workspaceFolders = [{ uri: rootUri, name: rootPath.split('/').pop() }];
        const result = await this.request('initialize', {
            processId: process.pid,
            clientInfo: { name: 'Visual Studio Code', version: '1.91.0' },
            locale: 'en',
            rootPath,
            rootUri,
            capabilities: vscodeLikeCapabilities(),
            initializationOptions,
            trace: 'off',
            workspaceFolders: this.workspaceFolders,
        });
        await this.notify('initialized', {});
        return result;
    }

    request(method, params, timeoutMs = 15000) {
        return withTimeout(this.connection.sendRequest(method, params), timeoutMs, `${method} got no answer`);
    }

    notify(method, params) {
        return this.connection.sendNotification(method, params);
    }

    /** Resolves with the diagnostics of `uri` once `predicate` holds for the latest ones. */
    waitForDiagnostics(uri, predicate, timeoutMs = 15000) {
        return new Promise((resolve, reject) => {
            const check = () => {
                const d = this.diagnostics.get(uri);
                if (d !== undefined && predicate(d)) {
                    cleanup();
                    resolve(d);
                }
            };
            const timer = setTimeout(() => {
                cleanup();
                const last = this.diagnostics.get(uri);
                reject(
                    new Error(
                        `timed out after ${timeoutMs} ms waiting for diagnostics on ${uri}; last published: ` +
                            (last === undefined ? 'none' : JSON.stringify(last.map((x) => [x.code, x.message]))),
                    ),
                );
            }, timeoutMs);
            const cleanup = () => {
                clearTimeout(timer);
                this.waiters.delete(check);
            };
            this.waiters.add(check);
            check();
        });
    }

    kill() {
        if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
        this.connection.dispose();
    }
}

export function withTimeout(promise, ms, what) {
    let timer;
    return Promise.race([
        promise,
        new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
        }),
    ]).finally(() => clearTimeout(timer));
}

// --- text helpers; JavaScript strings are UTF-16, which is the encoding VS Code uses ---

export function positionAt(text, offset) {
    let line = 0;
    let lineStart = 0;
    for (let i = 0; i < offset; i++) {
        if (text.charCodeAt(i) === 10) {
            line++;
            lineStart = i + 1;
        }
    }
    return { line, character: offset - lineStart };
}

export function offsetAt(text, pos) {
    let offset = 0;
    for (let line = 0; line < pos.line; line++) {
        const nl = text.indexOf('\n', offset);
        if (nl === -1) return text.length;
        offset = nl + 1;
    }
    return Math.min(offset + pos.character, text.length);
}

/** Applies LSP TextEdits (all against the same original text), as an editor does. */
export function applyEdits(text, edits) {
    const sorted = edits
        .map((e) => ({ start: offsetAt(text, e.range.start), end: offsetAt(text, e.range.end), newText: e.newText }))
        .sort((a, b) => b.start - a.start || b.end - a.end);
    let out = text;
    for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
    return out;
}

/** The text edits a WorkspaceEdit makes to one document, whichever form the server chose. */
export function editsFor(workspaceEdit, uri) {
    const edits = [];
    if (workspaceEdit?.changes?.[uri]) edits.push(...workspaceEdit.changes[uri]);
    for (const dc of workspaceEdit?.documentChanges ?? []) {
        if (dc.textDocument?.uri === uri) edits.push(...dc.edits);
    }
    return edits;
}
