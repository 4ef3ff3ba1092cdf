// The routes code lens: the server's answer to `magento-integration-ls.showRoutes` (the REST
// routes an integration can call, each a Location in webapi.xml plus a label) turned into
// quick-pick items. No vscode here, so that it is unit-tested; extension.ts shows the pick
// and opens the chosen location.

export const SHOW_ROUTES_COMMAND = 'magento-integration-ls.showRoutes';

export interface LspPosition {
    line: number;
    character: number;
}

export interface LspRange {
    start: LspPosition;
    end: LspPosition;
}

/** One route of the command's result (uri and range are absent for a bundled route). */
export interface RouteItem {
    label: string;
    uri?: string;
    range?: LspRange;
    module?: string;
    resources?: string[];
    anonymous?: boolean;
}

export interface RoutePick {
    label: string;
    description: string;
    detail: string;
    /** Where choosing it goes; undefined when the route has no webapi.xml in the workspace. */
    target?: { uri: string; range: LspRange };
}

function isRouteItem(x: unknown): x is RouteItem {
    return typeof x === 'object' && x !== null && typeof (x as RouteItem).label === 'string';
}

/** The quick-pick items of a result; anything that is not a route is left out. */
export function routePicks(result: unknown): RoutePick[] {
    if (!Array.isArray(result)) {
        return [];
    }
    return result.filter(isRouteItem).map((r) => {
        const where = r.uri && r.range ? undefined : 'bundled 2.4.8-p1 catalogue';
        return {
            label: r.label,
            description: [r.module, where].filter((s) => s).join(' · '),
            detail: r.anonymous ? 'anyone may call it' : `needs ${(r.resources ?? []).join(', ')}`,
            target: r.uri && r.range ? { uri: r.uri, range: r.range } : undefined,
        };
    });
}

/** The quick pick's title: "REST routes AcmeConnector can call (3)". */
export function routesTitle(args: unknown[] | undefined, count: number): string {
    const first = args?.[0];
    const name =
        typeof first === 'string'
            ? first
            : typeof first === 'object' && first !== null && typeof (first as any).integration === 'string'
              ? (first as any).integration
              : 'the integration';
    return `REST routes ${name} can call (${count})`;
}
