// Checks the LSP4IJ template in editors/jetbrains: the fields LSP4IJ requires, mappings that
// LSP4IJ will really apply, and that every file-name pattern belongs to a file kind the
// server serves (tests/fixtures/clients/served-files.json), and the other way round.
//
//   node tests/e2e-node/jetbrains-template.test.mjs
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const dir = path.join(repo, 'editors', 'jetbrains', 'magento-integration-ls');
const readJson = (file) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
const fixture = JSON.parse(fs.readFileSync(path.join(repo, 'tests', 'fixtures', 'clients', 'served-files.json'), 'utf8'));

/** IntelliJ file-name wildcard patterns: `*` any run of characters, `?` one character. */
function nameMatcher(pattern) {
    const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    return new RegExp(`^${re}$`);
}

const template = readJson('template.json');
const mappings = template.fileTypeMappings ?? [];
const patterns = mappings.flatMap((m) => (m.fileType?.patterns ?? []).map((p) => ({ pattern: p, languageId: m.languageId })));
const basename = (p) => p.split('/').pop();

test('template.json has the fields LSP4IJ requires', () => {
    assert.equal(typeof template.name, 'string');
    assert.ok(template.name.trim().length > 0);
    assert.equal(typeof template.programArgs?.default, 'string');
    assert.equal(template.programArgs.default.trim().split(/\s+/)[0], 'magento-integration-ls');
    assert.ok(Array.isArray(template.fileTypeMappings) && template.fileTypeMappings.length > 0);
});

test('every mapping is one LSP4IJ applies, and only to the named files', () => {
    for (const m of mappings) {
        // LSP4IJ drops patterns whose mapping has no languageId ...
        assert.equal(typeof m.languageId, 'string', `mapping without languageId: ${JSON.stringify(m)}`);
        assert.ok(Array.isArray(m.fileType?.patterns) && m.fileType.patterns.length > 0, `mapping without patterns: ${JSON.stringify(m)}`);
        // ... and a fileType name would send every file of that type (all XML) to the server.
        assert.equal(m.fileType.name, undefined, `fileType.name maps a whole file type: ${JSON.stringify(m)}`);
        for (const p of m.fileType.patterns) {
            assert.equal(typeof p, 'string');
            assert.ok(!p.includes('/') && !p.includes('\\'), `${p}: LSP4IJ matches file names, not paths`);
            const ext = p.split('.').pop();
            assert.equal(m.languageId, { xml: 'xml', php: 'php', json: 'json' }[ext], `${p} mapped to languageId ${m.languageId}`);
        }
    }
});

test('every pattern names a file kind the server serves', () => {
    const served = fixture.served.map((s) => basename(s.path));
    for (const { pattern } of patterns) {
        assert.ok(served.some((n) => nameMatcher(pattern).test(n)), `${pattern} matches no file kind the server serves`);
    }
});

test('every served file kind that has a fixed name is mapped', () => {
    for (const s of fixture.served) {
        if (s.nameOnlyMatchable === false) continue;
        const name = basename(s.path);
        assert.ok(patterns.some(({ pattern }) => nameMatcher(pattern).test(name)), `${s.kind} (${s.path}) is not mapped`);
    }
});

test('files whose names no served kind uses are not mapped', () => {
    const servedNames = new Set(fixture.served.map((s) => basename(s.path)));
    for (const p of [...fixture.notServed, ...fixture.watchedOnly]) {
        const name = basename(p);
        if (servedNames.has(name)) continue; // same name as a served kind: only the server can tell
        assert.ok(!patterns.some(({ pattern }) => nameMatcher(pattern).test(name)), `${p} would be sent to the server`);
    }
});

test('initialization options and settings have the shape the server reads', () => {
    const init = readJson('initializationOptions.json');
    const settings = readJson('settings.json');
    for (const [what, value] of [['initializationOptions.json', init], ['settings.json magentoIntegration', settings.magentoIntegration]]) {
        assert.ok(value && typeof value === 'object', `${what} missing`);
        assert.deepEqual(Object.keys(value).sort(), ['completion', 'severity'], what);
        assert.equal(typeof value.severity, 'object');
        assert.ok(!Array.isArray(value.severity));
        assert.equal(typeof value.completion.insertParents, 'boolean');
    }
    // Same defaults as the VS Code extension.
    const vscode = JSON.parse(fs.readFileSync(path.join(repo, 'editors', 'vscode', 'package.json'), 'utf8'));
    const props = vscode.contributes.configuration.properties;
    assert.equal(init.completion.insertParents, props['magentoIntegration.completion.insertParents'].default);
    assert.deepEqual(init.severity, props['magentoIntegration.severity'].default);
    assert.deepEqual(settings.magentoIntegration, init);
});

test('the optional files are valid JSON and the README explains the import', () => {
    assert.equal(typeof readJson('clientSettings.json'), 'object');
    const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
    assert.match(readme, /Import from custom template/);
});
