import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { routePicks, routesTitle, SHOW_ROUTES_COMMAND } from '../src/routes';

const range = { start: { line: 4, character: 16 }, end: { line: 4, character: 30 } };

test('the command is the one the server puts in its code lens', () => {
    assert.equal(SHOW_ROUTES_COMMAND, 'magento-integration-ls.showRoutes');
});

test('routes become picks that open their webapi.xml location', () => {
    const picks = routePicks([
        {
            label: 'GET /V1/orders/:id',
            uri: 'file:///shop/app/code/Magento/Sales/etc/webapi.xml',
            range,
            module: 'Magento_Sales',
            resources: ['Magento_Sales::actions_view'],
            anonymous: false,
        },
        { label: 'GET /V1/guest-carts/:cartId', module: 'Magento_Quote', resources: ['anonymous'], anonymous: true },
        { nonsense: true },
    ]);
    assert.deepEqual(picks, [
        {
            label: 'GET /V1/orders/:id',
            description: 'Magento_Sales',
            detail: 'needs Magento_Sales::actions_view',
            target: { uri: 'file:///shop/app/code/Magento/Sales/etc/webapi.xml', range },
        },
        {
            label: 'GET /V1/guest-carts/:cartId',
            description: 'Magento_Quote · bundled 2.4.8-p1 catalogue',
            detail: 'anyone may call it',
            target: undefined,
        },
    ]);
    assert.deepEqual(routePicks(null), []);
});

test('the title names the integration from either argument form', () => {
    assert.equal(routesTitle(['AcmeConnector'], 2), 'REST routes AcmeConnector can call (2)');
    assert.equal(routesTitle([{ integration: 'Feed' }], 0), 'REST routes Feed can call (0)');
    assert.equal(routesTitle(undefined, 1), 'REST routes the integration can call (1)');
});
