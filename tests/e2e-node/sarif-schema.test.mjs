// `check --format sarif` on data/example validates against the SARIF 2.1.0 JSON Schema (the
// one @microsoft/jest-sarif ships, sarif-2.1.0-rtm.5.json, draft-04, read by Ajv), and every
// rule of the run has a helpUri to its section of the rules reference.
//
//   node tests/e2e-node/sarif-schema.test.mjs /path/to/magento-integration-ls
//
// Exits 77 (skipped) when this folder's node_modules is missing: run scripts/setup-node-deps.sh.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const schemaFile = path.join(here, 'node_modules', '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');

if (!fs.existsSync(schemaFile) || !fs.existsSync(path.join(here, 'node_modules', 'ajv-draft-04'))) {
    console.log(`SKIP: ${path.join(here, 'node_modules')} is missing; run scripts/setup-node-deps.sh`);
    process.exit(77);
}
const server = path.resolve(process.argv[2] ?? process.env.MAGENTO_LS_SERVER ?? '');
if (!fs.existsSync(server)) {
    console.error('usage: node sarif-schema.test.mjs /path/to/magento-integration-ls');
    process.exit(2);
}
const require = createRequire(import.meta.url);
const Ajv = require('ajv-draft-04');

function sarifOf(folder) {
    const r = spawnSync(server, ['check', '--format', 'sarif', folder], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.ok(r.status === 0 || r.status === 1, `check exited ${r.status}: ${r.stderr}`);
    return JSON.parse(r.stdout);
}

test('SARIF of data/example is valid SARIF 2.1.0, with a helpUri per rule', () => {
    const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
    assert.match(schema.title, /SARIF\) Version 2\.1\.0/);
    // unicodeRegExp off: the schema's "language" pattern has a stray ']', which only a
    // regular expression without the u flag accepts (as the schema's own draft-04 tools read it).
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    const validate = ajv.compile(schema);
    const log = sarifOf(path.join(repo, 'data', 'example'));
    assert.equal(log.version, '2.1.0');
    assert.ok(log.runs[0].results.length > 0, 'the example has findings');
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));

    const rules = log.runs[0].tool.driver.rules;
    assert.ok(rules.length > 0);
    for (const rule of rules) {
        assert.match(rule.helpUri ?? '', /^https:\/\/.*docs\/rules\.md#/, `rule ${rule.id} has no helpUri`);
    }
    // Every result names a rule of the run.
    const ids = new Set(rules.map((r) => r.id));
    for (const result of log.runs[0].results) assert.ok(ids.has(result.ruleId), result.ruleId);

    // The schema is strict enough to fail a broken log (the validation is real).
    const broken = structuredClone(log);
    broken.runs[0].results[0].level = 'fatal';
    assert.equal(validate(broken), false);
});
