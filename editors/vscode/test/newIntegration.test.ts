import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { buildArguments, checkModule, SERVER_COMMAND } from '../src/newIntegration';

test('the command is the one the server advertises', () => {
    assert.equal(SERVER_COMMAND, 'magento-integration-ls.newIntegration');
});

test('typed values become the command arguments, resources split on commas and spaces', () => {
    const r = buildArguments({
        module: ' Acme_Connector ',
        name: 'Acme',
        email: 'ops@acme.example',
        resources: 'Magento_Sales::sales_order, Magento_Customer::manage  Magento_Catalog::products',
        folder: 'file:///srv/magento',
    });
    assert.deepEqual(r, {
        ok: true,
        args: {
            module: 'Acme_Connector',
            name: 'Acme',
            email: 'ops@acme.example',
            resources: ['Magento_Sales::sales_order', 'Magento_Customer::manage', 'Magento_Catalog::products'],
            folder: 'file:///srv/magento',
        },
    });
});

test('an empty email and no resources are left out', () => {
    const r = buildArguments({ module: 'Acme_Feed', name: 'Feed', email: ' ', resources: '' });
    assert.deepEqual(r, { ok: true, args: { module: 'Acme_Feed', name: 'Feed', resources: [] } });
});

test('bad input is refused with a message naming it', () => {
    assert.equal(checkModule('acme-connector'), 'A module name is Vendor_Module, e.g. Acme_Connector');
    assert.equal(checkModule('Acme_Connector'), undefined);
    const bad = buildArguments({ module: 'Acme_Feed', name: 'Feed', email: '', resources: 'Magento_Sales' });
    assert.deepEqual(bad, { ok: false, message: "'Magento_Sales' is not an ACL resource id like Magento_Sales::sales_order" });
    const short = buildArguments({ module: 'Acme_Feed', name: 'F', email: '', resources: '' });
    assert.equal(short.ok, false);
});
