// End-to-end test: magento-integration-ls driven over stdio like VS Code drives it.
//
//   node tests/e2e-node/e2e.test.mjs /path/to/magento-integration-ls
//   (or MAGENTO_LS_SERVER=/path/to/magento-integration-ls node tests/e2e-node/e2e.test.mjs)
//
// Exits 77 (skipped) when this folder's node_modules is missing: run scripts/setup-node-deps.sh.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const SKIP = 77;

if (!fs.existsSync(path.join(here, 'node_modules', 'vscode-languageserver-protocol'))) {
    console.log(`SKIP: ${path.join(here, 'node_modules')} is missing; run scripts/setup-node-deps.sh`);
    process.exit(SKIP);
}
const serverArg = process.argv[2] ?? process.env.MAGENTO_LS_SERVER;
if (!serverArg) {
    console.error('usage: node e2e.test.mjs /path/to/magento-integration-ls (or set MAGENTO_LS_SERVER)');
    process.exit(2);
}
const serverPath = path.resolve(serverArg); // the server runs in the temp tree
if (!fs.existsSync(serverPath)) {
    console.error(`no server at ${serverPath}`);
    process.exit(1);
}
const { LspSession, applyEdits, editsFor, offsetAt, positionAt } = await import('./lsp-session.mjs');

const uriOf = (file) => pathToFileURL(file).href;

// A copy of data/example in a temp dir, so the test may edit files on disk.
const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mil-e2e-node-')));
fs.cpSync(path.join(repo, 'data', 'example'), root, { recursive: true });
// REST routes in Magento_Sales and Magento_Backend::all before Magento_Backend::admin, for the
// code lens (tests/fixtures/routes/tree).
fs.cpSync(path.join(repo, 'tests', 'fixtures', 'routes', 'tree'), root, { recursive: true });
const webapiFile = path.join(root, 'app/code/Magento/Sales/etc/webapi.xml');
const integrationFile = path.join(root, 'app/code/Acme/Connector/etc/integration.xml');
const customerAcl = path.join(root, 'app/code/Magento/Customer/etc/acl.xml');
const integrationUri = uriOf(integrationFile);

// Put characters that take 2 UTF-8 bytes / 1 UTF-16 unit and 4 bytes / 2 units before the
// unknown id on its line, so that a server answering in UTF-8 columns is caught: VS Code offers
// only UTF-16.
{
    const original = fs.readFileSync(integrationFile, 'utf8');
    const target = '<resource name="Magento_Log::online"/>';
    assert.ok(original.includes(target), 'data/example integration.xml no longer lists Magento_Log::online');
    fs.writeFileSync(integrationFile, original.replace(target, `<!-- équipe 👥 --> ${target}`));
}

const doc = { uri: integrationUri, version: 1, text: fs.readFileSync(integrationFile, 'utf8') };
// As the VS Code extension sends them (initializationOptions and workspace/configuration).
const settings = { severity: { 'insecure-url': 'off' }, completion: { insertParents: true } };
let session;
let initResult;

/** Sends one incremental change per edit, last edit first, as VS Code does. */
async function change(edits) {
    const sorted = [...edits].sort((a, b) => offsetAt(doc.text, b.range.start) - offsetAt(doc.text, a.range.start));
    const contentChanges = [];
    for (const e of sorted) {
        contentChanges.push({ range: e.range, text: e.newText });
        doc.text = applyEdits(doc.text, [e]);
    }
    doc.version++;
    await session.notify('textDocument/didChange', {
        textDocument: { uri: doc.uri, version: doc.version },
        contentChanges,
    });
}

function rangeOf(needle, occurrence = 0) {
    let at = -1;
    for (let i = 0; i <= occurrence; i++) {
        at = doc.text.indexOf(needle, at + 1);
        assert.ok(at >= 0, `"${needle}" not found in the document`);
    }
    return { start: positionAt(doc.text, at), end: positionAt(doc.text, at + needle.length) };
}

const isUnknownLog = (d) => d.code === 'unknown-resource' && d.message.includes('Magento_Log::online');

before(async () => {
    session = new LspSession(serverPath, { cwd: root, settings });
    initResult = await session.initialize({
        rootPath: root,
        rootUri: uriOf(root),
        initializationOptions: settings,
    });
    await session.notify('textDocument/didOpen', {
        textDocument: { uri: doc.uri, languageId: 'xml', version: doc.version, text: doc.text },
    });
});

after(() => {
    if (session) {
        const tail = session.stderr.trimEnd().split('\n').slice(-40).join('\n# ');
        if (tail) console.log(`# server stderr (last lines):\n# ${tail}`);
        session.kill();
    }
    fs.rmSync(root, { recursive: true, force: true });
});

test('initialize: UTF-16 positions and the features VS Code will call', () => {
    const caps = initResult.capabilities;
    assert.ok(
        caps.positionEncoding === undefined || caps.positionEncoding === 'utf-16',
        `the client offered only utf-16, server chose ${caps.positionEncoding}`,
    );
    assert.ok(caps.completionProvider, 'no completionProvider');
    assert.ok(caps.hoverProvider, 'no hoverProvider');
    assert.ok(caps.codeActionProvider, 'no codeActionProvider');
    const sync = caps.textDocumentSync;
    const kind = typeof sync === 'number' ? sync : sync?.change;
    assert.ok(kind === 1 || kind === 2, `textDocumentSync.change is ${kind}`);
    if (typeof sync === 'object') assert.equal(sync.openClose, true);
});

test('diagnostics: unknown-resource on Magento_Log::online names Magento_Customer::online', async () => {
    const diags = await session.waitForDiagnostics(doc.uri, (ds) => ds.some(isUnknownLog));
    const d = diags.find(isUnknownLog);
    assert.match(d.message, /Magento_Customer::online/, `message does not name the closest id: ${d.message}`);
    assert.equal(d.severity, 1, 'unknown-resource should be an error by default');
    // The range is the attribute value, counted in UTF-16 code units.
    assert.deepEqual(d.range, rangeOf('Magento_Log::online'), 'range is not the attribute value in UTF-16 columns');
});

test('diagnostics: missing-parent names the ancestors the integration leaves out', async () => {
    const diags = await session.waitForDiagnostics(doc.uri, (ds) => ds.some((d) => d.code === 'missing-parent'));
    const missing = diags.filter((d) => d.code === 'missing-parent');
    const text = missing.map((d) => d.message).join('\n');
    // Listed: sales, sales_order, actions_view. Their ancestors sales_operation and actions are not.
    assert.match(text, /Magento_Sales::sales_operation\b/);
    assert.match(text, /Magento_Sales::actions(?![\w])/);
    // integration.xml: a hint (Magento adds the parents itself; Consolidated\Converter).
    for (const d of missing) assert.equal(d.severity, 4, `missing-parent should be a hint: ${d.message}`);
    assert.ok(!missing.some((d) => d.message.includes('Magento_Log::online')), 'an unknown id has no known parents');
});

test('settings: a severity "off" in initializationOptions silences that code', async () => {
    // The example's endpoint_url is http://, which insecure-url would report.
    const diags = await session.waitForDiagnostics(doc.uri, (ds) => ds.some(isUnknownLog));
    assert.deepEqual(diags.filter((d) => d.code === 'insecure-url'), []);
});

test('settings: a change sent as VS Code does reaches the server', async () => {
    session.settings = { severity: { 'insecure-url': 'off', 'missing-parent': 'error' }, completion: { insertParents: true } };
    await session.notify('workspace/didChangeConfiguration', { settings: { magentoIntegration: session.settings } });
    const raised = (ds) => ds.some((d) => d.code === 'missing-parent') && ds.filter((d) => d.code === 'missing-parent').every((d) => d.severity === 1);
    await session.waitForDiagnostics(doc.uri, raised);
    // Back to the defaults for the tests below.
    session.settings = settings;
    await session.notify('workspace/didChangeConfiguration', { settings: { magentoIntegration: settings } });
    // integration.xml: a hint by default (Magento adds the parents itself).
    await session.waitForDiagnostics(doc.uri, (ds) => ds.some((d) => d.code === 'missing-parent' && d.severity === 4));
});

test('hover on <email> answers in markdown', async () => {
    const r = rangeOf('<email>');
    const hover = await session.request('textDocument/hover', {
        textDocument: { uri: doc.uri },
        position: { line: r.start.line, character: r.start.character + 3 },
    });
    assert.ok(hover, 'no hover on <email>');
    assert.equal(hover.contents?.kind, 'markdown', `hover contents: ${JSON.stringify(hover.contents)}`);
    assert.ok(hover.contents.value.trim().length > 0);
    assert.match(hover.contents.value, /e-?mail/i);
});

test('hover on a resource id shows its title', async () => {
    const r = rangeOf('Magento_Sales::sales_order');
    const hover = await session.request('textDocument/hover', {
        textDocument: { uri: doc.uri },
        position: { line: r.start.line, character: r.start.character + 16 },
    });
    assert.ok(hover, 'no hover on Magento_Sales::sales_order');
    const value = typeof hover.contents === 'string' ? hover.contents : hover.contents.value;
    assert.match(value, /Orders/, `hover does not show the title "Orders": ${value}`);
});

test('code lens: the integration can call 2 REST routes; its command lists them in webapi.xml', async () => {
    await session.waitForDiagnostics(doc.uri, (ds) => ds.some(isUnknownLog)); // indexed
    assert.ok(initResult.capabilities.codeLensProvider, 'no codeLensProvider');
    const lenses = await session.request('textDocument/codeLens', { textDocument: { uri: doc.uri } });
    assert.equal(lenses.length, 1, JSON.stringify(lenses));
    const [lens] = lenses;
    assert.equal(lens.command.title, 'can call 2 REST routes (and 1 route anyone may call)');
    assert.equal(lens.range.start.line, rangeOf('<integration name').start.line);
    assert.deepEqual(lens.command.arguments, ['AcmeConnector']);
    // The command as VS Code runs a lens: through workspace/executeCommand.
    const routes = await session.request('workspace/executeCommand', {
        command: lens.command.command,
        arguments: lens.command.arguments,
    });
    assert.deepEqual(
        routes.map((r) => r.label),
        ['GET /V1/orders', 'GET /V1/orders/:id', 'GET /V1/guest-carts/:cartId'],
    );
    const webapi = fs.readFileSync(webapiFile, 'utf8');
    const at = webapi.indexOf('"/V1/orders/:id"') + 1;
    assert.equal(routes[1].uri, uriOf(webapiFile));
    assert.deepEqual(routes[1].range, { start: positionAt(webapi, at), end: positionAt(webapi, at + '/V1/orders/:id'.length) });
    assert.equal(routes[2].anonymous, true);
    // Told to ask again once the index was ready (debounced like the diagnostics).
    const deadline = Date.now() + 5000;
    while (session.lensRefreshes < 1 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.ok(session.lensRefreshes >= 1, 'the client was not told to ask for lenses once the index was ready');
});

test('code action: a quickfix replaces Magento_Log::online with Magento_Customer::online', async () => {
    const diags = await session.waitForDiagnostics(doc.uri, (ds) => ds.some(isUnknownLog));
    const d = diags.find(isUnknownLog);
    const actions = await session.request('textDocument/codeAction', {
        textDocument: { uri: doc.uri },
        range: d.range,
        context: { diagnostics: [d], triggerKind: 1 },
    });
    assert.ok(Array.isArray(actions) && actions.length > 0, `no code actions: ${JSON.stringify(actions)}`);
    const quickfixes = actions.filter((a) => typeof a.kind === 'string' && (a.kind === 'quickfix' || a.kind.startsWith('quickfix.')));
    assert.ok(quickfixes.length > 0, `no quickfix among ${JSON.stringify(actions.map((a) => [a.title, a.kind]))}`);

    let fixed;
    for (let action of quickfixes) {
        if (!action.edit && action.data !== undefined) {
            action = await session.request('codeAction/resolve', action); // VS Code resolves lazily
        }
        if (!action.edit) continue;
        const after = applyEdits(doc.text, editsFor(action.edit, doc.uri));
        if (after.includes('<resource name="Magento_Customer::online"/>') && !after.includes('Magento_Log::online')) {
            fixed = { action, edits: editsFor(action.edit, doc.uri) };
            break;
        }
    }
    assert.ok(fixed, `no quickfix edit turns the id into Magento_Customer::online: ${JSON.stringify(quickfixes)}`);

    // Apply it like the editor would; the unknown-resource diagnostic must go away.
    await change(fixed.edits);
    const now = await session.waitForDiagnostics(doc.uri, (ds) => !ds.some((x) => x.code === 'unknown-resource'));
    assert.ok(!now.some(isUnknownLog));
});

test('completion after Magento_Sales:: offers Sales ids with their titles', async () => {
    const anchor = rangeOf('<resource name="Magento_Sales::actions_view"/>');
    const indent = ' '.repeat(anchor.start.character);
    const lineText = `${indent}<resource name="Magento_Sales::"/>\n`;
    const at = { line: anchor.start.line + 1, character: 0 };
    await change([{ range: { start: at, end: at }, newText: lineText }]);
    const cursor = { line: at.line, character: indent.length + '<resource name="Magento_Sales::'.length };

    const result = await session.request('textDocument/completion', {
        textDocument: { uri: doc.uri },
        position: cursor,
        context: { triggerKind: 1 },
    });
    const items = Array.isArray(result) ? result : result?.items ?? [];
    const byLabel = new Map(items.map((i) => [i.label, i]));
    for (const [id, title] of [
        ['Magento_Sales::ship', 'Ship'],
        ['Magento_Sales::create', 'Create'],
    ]) {
        const item = byLabel.get(id);
        assert.ok(item, `${id} not offered; got ${JSON.stringify(items.map((i) => i.label))}`);
        assert.equal(item.detail, title, `detail of ${id}`);
    }

    // Accepting Magento_Sales::ship must leave exactly that id in the attribute, as VS Code
    // applies it: textEdit, else itemDefaults.editRange, else plain insertion at the cursor.
    const item = byLabel.get('Magento_Sales::ship');
    const editRange = item.textEdit?.range ?? item.textEdit?.replace ?? result?.itemDefaults?.editRange;
    const range = editRange?.replace ?? editRange ?? { start: cursor, end: cursor };
    const newText = item.textEdit?.newText ?? item.textEditText ?? item.insertText ?? item.label;
    assert.equal(range.start.line, cursor.line, 'completion edit is not on the cursor line');
    const line = applyEdits(doc.text, [{ range, newText }]).split('\n')[cursor.line];
    assert.match(line, /<resource name="Magento_Sales::ship"\/>/, `accepting the item gives: ${line.trim()}`);

    // Take the half-typed line out again.
    await change([{ range: { start: at, end: { line: at.line + 1, character: 0 } }, newText: '' }]);
});

test('file watching is registered dynamically (clients like LSP4IJ watch only what the server asks for)', () => {
    const watchers = session.registrations.filter((r) => r.method === 'workspace/didChangeWatchedFiles');
    assert.ok(watchers.length > 0, 'the server did not register workspace/didChangeWatchedFiles although the client supports it');
    const globs = watchers.flatMap((r) => r.registerOptions?.watchers ?? []).map((w) => (typeof w.globPattern === 'string' ? w.globPattern : w.globPattern?.pattern));
    assert.ok(globs.some((g) => g && g.includes('acl.xml')), `no watcher covers acl.xml: ${JSON.stringify(globs)}`);
    // The file kinds the editor clients send to the server (the fixture their own tests use)
    // are the ones the server itself asks to watch.
    const fixture = JSON.parse(fs.readFileSync(path.join(repo, 'tests/fixtures/clients/served-files.json'), 'utf8'));
    const matchers = globs.filter(Boolean).map(globToRegExp);
    for (const p of [...fixture.served.map((s) => s.path), ...fixture.watchedOnly]) {
        assert.ok(matchers.some((re) => re.test(`${root}/${p}`)), `the server does not watch ${p}: ${JSON.stringify(globs)}`);
    }
});

/** LSP glob pattern -> RegExp: `**` any folders, `*` and `?` within a segment, `{a,b}`. */
function globToRegExp(glob) {
    let re = '';
    for (let i = 0; i < glob.length; i++) {
        const ch = glob[i];
        if (glob.startsWith('**/', i)) {
            re += '(?:.*/)?';
            i += 2;
        } else if (glob.startsWith('**', i)) {
            re += '.*';
            i += 1;
        } else if (ch === '*') re += '[^/]*';
        else if (ch === '?') re += '[^/]';
        else if (ch === '{') re += '(?:';
        else if (ch === '}') re += ')';
        else if (ch === ',') re += '|';
        else re += ch.replace(/[.+^$()|[\]\\]/g, '\\$&');
    }
    return new RegExp(`(?:^|/)${re}$`);
}

test('watched files: an acl.xml changed on disk is re-read', async () => {
    // Rename Magento_Customer::online on disk; the fixed integration now names an unknown id.
    const acl = fs.readFileSync(customerAcl, 'utf8');
    fs.writeFileSync(customerAcl, acl.replace('Magento_Customer::online', 'Magento_Customer::online_now'));
    await session.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(customerAcl), type: 2 }] });
    const diags = await session.waitForDiagnostics(doc.uri, (ds) =>
        ds.some((d) => d.code === 'unknown-resource' && d.message.includes('Magento_Customer::online')),
    );
    assert.ok(diags.length > 0);
});

test('shutdown then exit ends the server with code 0', async () => {
    const result = await session.request('shutdown', undefined, 10000);
    assert.equal(result, null);
    await session.notify('exit');
    const exited = await Promise.race([
        session.exit,
        new Promise((resolve) => setTimeout(() => resolve({ timeout: true }), 5000)),
    ]);
    assert.ok(!exited.timeout, 'the server did not exit within 5 s of exit');
    assert.equal(exited.code, 0, `exit code ${exited.code}, signal ${exited.signal}`);
});
