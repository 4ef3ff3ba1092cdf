import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { minimatch } from 'minimatch';
import { documentSelector, MAGENTO_DOCUMENT_GLOBS, WATCHED_GLOBS } from '../src/fileKinds';

const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const FIXTURE = path.join(REPO, 'tests', 'fixtures', 'clients', 'served-files.json');
const ROOT = '/home/dev/shop';

interface Served {
    kind: string;
    path: string;
}
const fixture: { served: Served[]; watchedOnly: string[]; notServed: string[] } | undefined = fs.existsSync(FIXTURE)
    ? JSON.parse(fs.readFileSync(FIXTURE, 'utf8'))
    : undefined;
const noFixture = fixture === undefined ? `fixture ${FIXTURE} not found` : false;

const matchesAny = (globs: readonly string[], file: string) => globs.some((g) => minimatch(file, g, { dot: true }));

test('every file kind the server serves is sent to it', { skip: noFixture }, () => {
    for (const s of fixture!.served) {
        assert.ok(matchesAny(MAGENTO_DOCUMENT_GLOBS, `${ROOT}/${s.path}`), `${s.kind}: ${s.path} is not selected`);
    }
});

test('look-alike files are not sent to the server', { skip: noFixture }, () => {
    for (const p of [...fixture!.notServed, ...fixture!.watchedOnly]) {
        assert.ok(!matchesAny(MAGENTO_DOCUMENT_GLOBS, `${ROOT}/${p}`), `${p} should not be selected`);
    }
});

test('served files and the Composer install list are watched', { skip: noFixture }, () => {
    for (const p of [...fixture!.served.map((s) => s.path), ...fixture!.watchedOnly]) {
        assert.ok(matchesAny(WATCHED_GLOBS, `${ROOT}/${p}`), `${p} is not watched`);
    }
    assert.ok(!matchesAny(WATCHED_GLOBS, `${ROOT}/app/code/Acme/Connector/etc/di.xml`));
});

test('every glob selects at least one served file (no stray globs)', { skip: noFixture }, () => {
    for (const g of MAGENTO_DOCUMENT_GLOBS) {
        assert.ok(
            fixture!.served.some((s) => minimatch(`${ROOT}/${s.path}`, g)),
            `${g} matches no served file kind`,
        );
    }
});

test('the document selector only takes files on disk, by pattern', () => {
    const sel = documentSelector();
    assert.equal(sel.length, MAGENTO_DOCUMENT_GLOBS.length);
    for (const f of sel) {
        assert.equal(f.scheme, 'file');
        assert.ok(f.pattern.startsWith('**/'), f.pattern);
    }
});

test('activation happens only in workspaces with Magento files', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
    const events: string[] = pkg.activationEvents;
    assert.ok(events.length > 0);
    for (const e of events) {
        assert.match(e, /^workspaceContains:/, `${e} would activate outside Magento workspaces`);
    }
});
