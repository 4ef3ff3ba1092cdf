// Turns the user's `magentoIntegration.*` settings into what the server is sent,
// both as initializationOptions and as the answer to workspace/configuration.

export const SECTION = 'magentoIntegration';

export const SEVERITIES = ['error', 'warning', 'info', 'hint', 'off'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface ServerSettings {
    severity: Record<string, Severity>;
    /** Absent unless the user set it: the server then takes the settings file's, else true. */
    completion: { insertParents?: boolean };
}

/**
 * Reads one key below `magentoIntegration.` (e.g. "severity"): the value the user set, or
 * undefined. Not the contributed default: whatever the editor sends overrides the workspace's
 * `.magento-integration-ls.json`, so a default must not stand in for the user.
 */
export type SettingGetter = (key: string) => unknown;

export interface ReadResult {
    settings: ServerSettings;
    /** Human-readable notes about values that were ignored. */
    ignored: string[];
}

export function readSettings(get: SettingGetter): ReadResult {
    const ignored: string[] = [];
    const severity: Record<string, Severity> = {};
    const rawSeverity = get('severity');
    if (rawSeverity !== undefined && rawSeverity !== null) {
        if (typeof rawSeverity !== 'object' || Array.isArray(rawSeverity)) {
            ignored.push('magentoIntegration.severity must be an object mapping a diagnostic code to a severity');
        } else {
            for (const [code, value] of Object.entries(rawSeverity as Record<string, unknown>)) {
                const v = typeof value === 'string' ? value.trim().toLowerCase() : value;
                if (typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v)) {
                    severity[code] = v as Severity;
                } else {
                    ignored.push(
                        `magentoIntegration.severity["${code}"]: ${JSON.stringify(value)} is not one of ${SEVERITIES.join(', ')}`,
                    );
                }
            }
        }
    }
    const rawInsert = get('completion.insertParents');
    const completion: { insertParents?: boolean } = {};
    if (typeof rawInsert === 'boolean') {
        completion.insertParents = rawInsert;
    } else if (rawInsert !== undefined && rawInsert !== null) {
        ignored.push('magentoIntegration.completion.insertParents must be true or false');
    }
    return { settings: { severity, completion }, ignored };
}

/** The initializationOptions sent with `initialize`. */
export function initializationOptions(settings: ServerSettings): ServerSettings {
    return { severity: { ...settings.severity }, completion: { ...settings.completion } };
}

/**
 * The answer to one workspace/configuration item, or `undefined` when the section is not ours
 * (the caller then lets the default handler answer).
 */
export function configurationFor(section: string | undefined, settings: ServerSettings): unknown {
    if (section === undefined) {
        return undefined;
    }
    if (section === SECTION) {
        return initializationOptions(settings);
    }
    if (!section.startsWith(SECTION + '.')) {
        return undefined;
    }
    let node: unknown = initializationOptions(settings);
    for (const part of section.slice(SECTION.length + 1).split('.')) {
        if (node === null || typeof node !== 'object' || !(part in (node as object))) {
            return null;
        }
        node = (node as Record<string, unknown>)[part];
    }
    return node;
}
