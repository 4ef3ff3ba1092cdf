import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configurationFor, initializationOptions, readSettings, SECTION, SEVERITIES } from '../src/settings';

/** A getter over a flat map of keys below `magentoIntegration.`, like WorkspaceConfiguration.get. */
function getter(values: Record<string, unknown>) {
    return (key: string) => values[key];
}

test('defaults: nothing overridden (the settings file, else the server, decides)', () => {
    const { settings, ignored } = readSettings(getter({}));
    assert.deepEqual(initializationOptions(settings), { severity: {}, completion: {} });
    assert.deepEqual(ignored, []);
});

test('severity overrides are passed through and normalised', () => {
    const { settings, ignored } = readSettings(
        getter({ severity: { 'missing-parent': 'error', 'insecure-url': 'off', 'schema': ' Hint ' } }),
    );
    assert.deepEqual(settings.severity, { 'missing-parent': 'error', 'insecure-url': 'off', schema: 'hint' });
    assert.deepEqual(ignored, []);
});

test('an unknown severity value is dropped with a note naming the code', () => {
    const { settings, ignored } = readSettings(
        getter({ severity: { 'missing-parent': 'fatal', 'unknown-resource': 'warning', 'x': 3 } }),
    );
    assert.deepEqual(settings.severity, { 'unknown-resource': 'warning' });
    assert.equal(ignored.length, 2);
    assert.match(ignored[0], /missing-parent.*fatal/);
});

test('a severity that is not an object is ignored', () => {
    for (const bad of ['error', ['error'], 7]) {
        const { settings, ignored } = readSettings(getter({ severity: bad }));
        assert.deepEqual(settings.severity, {});
        assert.equal(ignored.length, 1);
    }
});

test('insertParents false reaches the server; a non-boolean is not sent', () => {
    assert.equal(readSettings(getter({ 'completion.insertParents': false })).settings.completion.insertParents, false);
    const odd = readSettings(getter({ 'completion.insertParents': 'no' }));
    assert.ok(!('insertParents' in odd.settings.completion));
    assert.equal(odd.ignored.length, 1);
});

test('initializationOptions has exactly the documented shape', () => {
    const { settings } = readSettings(getter({ severity: { 'missing-parent': 'info' }, 'completion.insertParents': false }));
    const json = JSON.parse(JSON.stringify(initializationOptions(settings)));
    assert.deepEqual(json, { severity: { 'missing-parent': 'info' }, completion: { insertParents: false } });
});

test('workspace/configuration answers our section and its sub-sections', () => {
    const { settings } = readSettings(getter({ severity: { 'duplicate-resource': 'error' }, 'completion.insertParents': false }));
    assert.deepEqual(configurationFor(SECTION, settings), {
        severity: { 'duplicate-resource': 'error' },
        completion: { insertParents: false },
    });
    assert.deepEqual(configurationFor('magentoIntegration.severity', settings), { 'duplicate-resource': 'error' });
    assert.equal(configurationFor('magentoIntegration.completion.insertParents', settings), false);
    assert.equal(configurationFor('magentoIntegration.nothing.here', settings), null);
});

test('workspace/configuration leaves other sections to the default handler', () => {
    const { settings } = readSettings(getter({}));
    assert.equal(configurationFor('editor', settings), undefined);
    assert.equal(configurationFor('magentoIntegrationX', settings), undefined);
    assert.equal(configurationFor(undefined, settings), undefined);
});

test('package.json declares the settings this code reads', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
    const props = pkg.contributes.configuration.properties;
    assert.deepEqual(Object.keys(props).sort(), [
        'magentoIntegration.completion.insertParents',
        'magentoIntegration.server.path',
        'magentoIntegration.severity',
        'magentoIntegration.trace.server',
    ]);
    assert.deepEqual(props['magentoIntegration.severity'].additionalProperties.enum, [...SEVERITIES]);
    assert.equal(props['magentoIntegration.completion.insertParents'].default, true);
    assert.equal(props['magentoIntegration.server.path'].default, '');
    assert.deepEqual(props['magentoIntegration.trace.server'].enum.slice(0, 3), ['off', 'messages', 'compact']);
});
